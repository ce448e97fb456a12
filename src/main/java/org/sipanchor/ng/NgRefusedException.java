package org.sipanchor.ng;

import java.net.InetSocketAddress;

/**
 * Ended by this client, not by RTPEngine: the request was never sent (too large, invalid, too many in flight), or the
 * client gave it up because it was closed. It says nothing about the instance's health, so a caller must not count it
 * against the instance; {@link #kind()} tells whether another instance could do better.
 *
 * <p>One type with a kind rather than a class per cause. {@link NgOverloadException} ({@link Kind#IN_FLIGHT_LIMIT})
 * and {@link NgClosedException} ({@link Kind#CLOSED}) are the two kinds that had their own class before; they stay
 * for the callers that catch them.
 *
 * <pre>{@code
 * catch (NgRefusedException e) {
 *     switch (e.kind()) {
 *         case TOO_LARGE -> reply(413);         // the SDP is too big for the NG transport (UDP: 65,507 bytes)
 *         case INVALID -> reply(500);           // a request this program built wrong
 *         case IN_FLIGHT_LIMIT, CLOSED -> reply(503);
 *     }
 * }
 * }</pre>
 */
public sealed class NgRefusedException extends NgException permits NgOverloadException, NgClosedException {

    private static final long serialVersionUID = 1L;

    /** Why the client refused. */
    public enum Kind {
        /**
         * The message is longer than the transport carries ({@code maxMessageLength}: 65,507 bytes over UDP). Every
         * instance behind the same transport would refuse it the same way: not worth another instance.
         */
        TOO_LARGE(true),
        /**
         * The request cannot be sent as it stands (an argument the client rejects, such as a non-positive timeout, or
         * an {@link NgValidationException}). Every instance would refuse it the same way.
         */
        INVALID(true),
        /**
         * This client already has its maximum of requests in flight (see {@link NgOverloadException}). A bound of
         * this client toward this instance: another instance's client may well have room.
         */
        IN_FLIGHT_LIMIT(false),
        /** The client was closed before the request was sent or answered (see {@link NgClosedException}). */
        CLOSED(false);

        private final boolean sameOnEveryInstance;

        Kind(boolean sameOnEveryInstance) {
            this.sameOnEveryInstance = sameOnEveryInstance;
        }

        /**
         * True if the request itself is the problem, so that every instance would refuse it the same way: trying the
         * next instance is pointless and the caller should get this refusal at once.
         */
        public boolean sameOnEveryInstance() {
            return sameOnEveryInstance;
        }
    }

    private final Kind kind;

    NgRefusedException(InetSocketAddress instance, NgCommand command, String callId, Kind kind, String detail,
            Throwable cause) {
        super(instance, command, callId, detail, cause);
        this.kind = kind;
    }

    /** Why the client refused. */
    public Kind kind() {
        return kind;
    }
}
