package org.sipanchor.ng;

import java.net.InetSocketAddress;
import java.util.Set;

/**
 * RTPEngine answered {@code result: error}, with a reason.
 *
 * <p>{@link #isCapacityRefusal()} tells apart the refusals that say "this instance is full, try another one" (load
 * limit, out of ports, session/call limits) from errors about the request or the call itself.
 */
public class NgErrorException extends NgException {

    private static final long serialVersionUID = 1L;

    private static final String OUT_OF_PORTS = "Ran out of ports";

    /**
     * Reasons RTPEngine gives when it is out of capacity rather than when the request is wrong: the load-limit
     * strings of {@code control_ng.c}, which it sends as errors when the client did not announce load-limit support,
     * port exhaustion, and the call limit of other versions.
     */
    static final Set<String> CAPACITY_REASONS = Set.of(
            OUT_OF_PORTS,
            "Parallel session limit reached",
            "CPU usage limit exceeded",
            "Load limit exceeded",
            "Bandwidth limit exceeded",
            "Call limit reached");

    private final transient NgReply reply;
    private final String reason;

    NgErrorException(InetSocketAddress instance, NgCommand command, String callId, NgReply reply, String reason) {
        super(instance, command, callId, describe(reply, reason), null);
        this.reply = reply;
        this.reason = reason;
    }

    NgErrorException(InetSocketAddress instance, NgCommand command, String callId, NgReply reply) {
        this(instance, command, callId, reply, reply.errorReason().orElse(""));
    }

    private static String describe(NgReply reply, String reason) {
        return "rtpengine replied " + reply.result().wireName() + (reason.isEmpty() ? "" : ": " + reason);
    }

    /** RTPEngine's {@code error-reason} (or the {@code message} of a load limit); empty if it gave none. */
    public String reason() {
        return reason;
    }

    /** The whole reply. */
    public NgReply reply() {
        return reply;
    }

    /** True if RTPEngine refused for lack of capacity: another instance may well accept the same request. */
    public boolean isCapacityRefusal() {
        return CAPACITY_REASONS.contains(reason);
    }

    /**
     * True if RTPEngine does not know the call the request names: it was deleted, timed out there, or the instance
     * restarted and forgot it. Asking again gets the same answer.
     */
    public boolean isUnknownCall() {
        return reason.toLowerCase(java.util.Locale.ROOT).startsWith("unknown call");
    }

    /**
     * True if RTPEngine ran out of ports: unlike the other capacity refusals, it may have created the call before it
     * failed, so the call may need deleting there.
     */
    public boolean isOutOfPorts() {
        return OUT_OF_PORTS.equals(reason);
    }
}
