package org.sipanchor.engine;

import org.sipanchor.ng.NgClosedException;
import org.sipanchor.ng.NgErrorException;
import org.sipanchor.ng.NgInterruptedException;
import org.sipanchor.ng.NgLoadLimitException;
import org.sipanchor.ng.NgOverloadException;
import org.sipanchor.ng.NgProtocolException;
import org.sipanchor.ng.NgReply;
import org.sipanchor.ng.NgTimeoutException;
import org.sipanchor.ng.NgTransportException;

/**
 * How one NG request to one instance ended: the {@code result} label of {@code sipanchor_ng_requests_total}, and what
 * the pool does about it (take the instance out of rotation, fail over, clean up after it).
 */
enum RequestResult {
    /** {@code ok} without warning, or {@code pong}. */
    OK("ok"),
    /** {@code ok} with a warning (e.g. delete of an unknown call). */
    WARNING("warning"),
    /** {@code error} about the request or the call: the caller's problem, never failed over. */
    ERROR("error"),
    /** {@code error} meaning "this instance is full": out of ports, session or call limit. */
    CAPACITY("capacity"),
    /** {@code load limit}. */
    LOAD_LIMIT("load_limit"),
    TIMEOUT("timeout"),
    TRANSPORT_ERROR("transport_error"),
    PROTOCOL_ERROR("protocol_error"),
    /** Not sent: the client's bound on requests in flight was reached. */
    OVERLOAD("overload"),
    CLOSED("closed"),
    OTHER("other");

    private final String label;

    RequestResult(String label) {
        this.label = label;
    }

    String label() {
        return label;
    }

    static RequestResult of(NgReply reply) {
        return reply.warning().isPresent() ? WARNING : OK;
    }

    static RequestResult of(Throwable failure) {
        if (failure instanceof NgLoadLimitException) {
            return LOAD_LIMIT;
        }
        if (failure instanceof NgErrorException e) {
            return e.isCapacityRefusal() ? CAPACITY : ERROR;
        }
        if (failure instanceof NgTimeoutException) {
            return TIMEOUT;
        }
        if (failure instanceof NgTransportException) {
            return TRANSPORT_ERROR;
        }
        if (failure instanceof NgProtocolException) {
            return PROTOCOL_ERROR;
        }
        if (failure instanceof NgOverloadException) {
            return OVERLOAD;
        }
        if (failure instanceof NgClosedException || failure instanceof NgInterruptedException) {
            return CLOSED;
        }
        return OTHER;
    }

    /** The instance itself looks broken: out of rotation until its next successful ping. */
    boolean makesInstanceSuspect() {
        return this == TIMEOUT || this == TRANSPORT_ERROR || this == PROTOCOL_ERROR;
    }

    /** An offer for a new call that ended so may go to the next instance. */
    boolean failsOver() {
        return this == CAPACITY || this == LOAD_LIMIT || this == OVERLOAD || makesInstanceSuspect();
    }

    /**
     * The instance may have created the call although the caller did not get a reply saying so: it must be deleted
     * there. A load limit or session/call limit is checked before a call is created; "Ran out of ports" is not
     * (RTPEngine may have created the call before it failed to allocate ports), so it is cleaned up too.
     */
    boolean mayHaveLeftCall(Throwable failure) {
        if (makesInstanceSuspect()) {
            return true;
        }
        return this == CAPACITY && failure instanceof NgErrorException e && e.isOutOfPorts();
    }
}
