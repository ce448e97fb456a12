package org.sipanchor.servlet;

import javax.servlet.sip.SipServletRequest;

/**
 * How long the SIP stack keeps a non-INVITE request it has answered (a BYE, a REGISTER): 5 s over UDP, as Kamailio's
 * {@code tm} keeps it ({@code wt_timer}), instead of RFC 3261's Timer J, 64 x T1 = 32 s.
 *
 * <p>Why: the stack keeps such a server transaction, with its request, its response and the container's data on them,
 * to answer a retransmission of the request with the same response. Every call ends with a BYE, so with 32 s the
 * stack held six times as many ended BYEs as ended INVITEs (whose transactions it keeps 5 s, the stack's linger
 * timer): at 900 calls/s on the bundled proxy, 28,000 of its 34,000 server transactions and 40 of the 308 MB of live
 * heap, promoted to the old generation before they were dropped. With 5 s, a quarter fewer young collections.
 *
 * <p>What a peer sees: a caller whose 200 to its BYE is lost sends the BYE again 0.5, 1.5 and 3.5 s after the first
 * (T1 doubling), and each copy within the 5 s gets the kept 200 again. Only if all four 200s are lost does a later
 * copy (every 4 s, until 32 s) find no transaction and count as a new request: the proxy relays it again and the
 * callee answers it from its own transaction; on the B2BUA it meets a dialog that has ended. As with Kamailio.
 *
 * <p>Only on Restcomm: it sets the stack's base interval of this one transaction, from which jain-sip derives its
 * Timer J (64 intervals) and nothing else for a non-INVITE server transaction (it sends no retransmissions of its
 * own). INVITE, ACK and CANCEL keep the stack's intervals: their timers tick on that interval. Open Liberty runs its
 * own stack, which decides.
 */
final class CompletedRequests {

    /** The time a completed non-INVITE server transaction is kept, in milliseconds. */
    static final int KEPT_MILLIS = 5_000;

    private CompletedRequests() {
    }

    /** Shortens how long the stack keeps {@code request} once answered, if it is a non-INVITE request on Restcomm. */
    static void keepBriefly(SipServletRequest request) {
        if (RestcommContainer.PRESENT) {
            switch (request.getMethod()) {
                case "INVITE", "ACK", "CANCEL" -> { }
                default -> Restcomm.keepBriefly(request);
            }
        }
    }

    /** Restcomm's and jain-sip's types are touched only here, so that the class loads on any container. */
    private static final class Restcomm {

        static void keepBriefly(SipServletRequest request) {
            var message = (org.mobicents.servlet.sip.core.message.MobicentsSipServletMessage) request;
            if (message.getTransaction() instanceof gov.nist.javax.sip.stack.SIPServerTransaction transaction
                    && !transaction.isReliable()) {
                try {
                    // jain-sip's Timer J is SIPTransaction.TIMER_J (64) of these intervals
                    transaction.setRetransmitTimer(KEPT_MILLIS / gov.nist.javax.sip.stack.SIPTransaction.TIMER_J);
                } catch (IllegalStateException alreadyAnswered) {
                    // the stack's timer runs already (an answer went out before this): it keeps the default
                }
            }
        }
    }
}
