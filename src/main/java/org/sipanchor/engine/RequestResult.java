package org.sipanchor.engine;

import org.sipanchor.ng.NgErrorException;
import org.sipanchor.ng.NgInterruptedException;
import org.sipanchor.ng.NgLoadLimitException;
import org.sipanchor.ng.NgProtocolException;
import org.sipanchor.ng.NgRefusedException;
import org.sipanchor.ng.NgReply;
import org.sipanchor.ng.NgTimeoutException;
import org.sipanchor.ng.NgTransportException;

/**
 * How one NG request to one instance ended: the {@code result} label of {@code sipanchor_ng_requests_total}, and what
 * the pool does about it (take the instance out of rotation, fail over, clean up after it).
 *
 * <p>Only the instance's own failures (no reply, a failed connection, a garbled reply) count against its health. An
 * error reply is an answer, so the instance is alive; and what the client refused itself ({@link #isLocalRefusal()})
 * never reached the instance at all.
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
    /** Not sent: the client's bound on requests in flight was reached ({@code IN_FLIGHT_LIMIT}). */
    OVERLOAD("overload"),
    /** The client was closed ({@link NgRefusedException.Kind#CLOSED}), or the waiting thread interrupted. */
    CLOSED("closed"),
    /** Not sent: too large for the transport ({@link NgRefusedException.Kind#TOO_LARGE}). */
    TOO_LARGE("too_large"),
    /** Not sent: the client refused the request as it stands ({@link NgRefusedException.Kind#INVALID}). */
    INVALID("invalid"),
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
        if (failure instanceof NgRefusedException refused) {
            return switch (refused.kind()) {
                case TOO_LARGE -> TOO_LARGE;
                case INVALID -> INVALID;
                case IN_FLIGHT_LIMIT -> OVERLOAD;
                case CLOSED -> CLOSED;
            };
        }
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
        if (failure instanceof NgInterruptedException) {
            return CLOSED;
        }
        if (failure instanceof IllegalArgumentException) {
            return INVALID; // e.g. an NgValidationException thrown while the request was being handed over
        }
        return OTHER;
    }

    /**
     * Ended on this side without the instance having a say: refused by the client (too large, invalid, too many in
     * flight, closed). Never counts against the instance's health, and needs no clean-up there: it was not sent, or
     * (closed) this program is going away.
     */
    boolean isLocalRefusal() {
        return this == TOO_LARGE || this == INVALID || this == OVERLOAD || this == CLOSED;
    }

    /** The instance itself looks broken: out of rotation until its next successful ping. */
    boolean makesInstanceSuspect() {
        return this == TIMEOUT || this == TRANSPORT_ERROR || this == PROTOCOL_ERROR;
    }

    /**
     * An offer for a new call that ended so may go to the next instance. Not a request any instance would refuse the
     * same way (too large, invalid), nor an error reply about the request: the caller gets those at once.
     */
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
