package org.sipanchor.servlet;

import java.util.logging.Logger;

import javax.servlet.sip.SipServletRequest;

/**
 * {@code 100 Trying} for an INVITE the proxy relays, a new one or a re-INVITE in a dialog, sent at once by the SIP
 * stack's server transaction, before the offer to RTPEngine and before any branch, as Kamailio's {@code tm} does.
 *
 * <p>Left to Restcomm's stack (jain-sip), the 100 goes out 200 ms after the INVITE if nothing was sent by then, from
 * the stack's timer thread, and that thread first checks the transaction's state and only then sends, without the
 * lock the relay of the callee's responses takes. On a busy machine its 100 could leave after the 180 and 200 it
 * raced with: a phone drops such a late 100, SIPp aborts the call (seen in about 1 call in 3,000 at 200 calls/s, and
 * in an integration test). Sent first, by the thread that goes on to relay, the 100 is never late, and the stack's
 * timer then finds the transaction past Trying and sends nothing.
 *
 * <p>An orphan INVITE (a dialog's re-INVITE after a restart, {@link OrphanRouting}) needs it too: left to the stack,
 * its 100 is made from the request to whose top the container's stateless relay has by then added this node's own
 * Via, so it goes to this node itself, and a stateful proxy upstream (Kamailio in a farm) hears nothing until the
 * final response; a re-INVITE answered after its timer (2 s in {@code deploy/kamailio/dispatcher.cfg}) would get
 * 408 there and this node would be marked down.
 *
 * <p>Other containers (Open Liberty) run their own stack, which decides; there this does nothing.
 */
final class Trying {

    private static final Logger LOG = Logger.getLogger(Trying.class.getName());

    private Trying() {
    }

    /** Sends {@code invite}'s {@code 100 Trying} now, on Restcomm; a failure is logged and the relay goes on. */
    static void sendAtOnce(SipServletRequest invite) {
        if (RestcommContainer.PRESENT) {
            Restcomm.send(invite);
        }
    }

    /** Restcomm's and jain-sip's types are touched only here, so that the class loads on any container. */
    private static final class Restcomm {

        /** The 100 is made as the stack's own timer makes it: the request's Via, From, To, Call-ID and CSeq. */
        static void send(SipServletRequest invite) {
            var message = (org.mobicents.servlet.sip.core.message.MobicentsSipServletMessage) invite;
            if (!(message.getTransaction() instanceof javax.sip.ServerTransaction transaction)
                    || !(message.getMessage() instanceof gov.nist.javax.sip.message.SIPRequest request)) {
                return;
            }
            try {
                transaction.sendResponse(request.createResponse(javax.sip.message.Response.TRYING));
            } catch (javax.sip.SipException | javax.sip.InvalidArgumentException e) {
                // the stack's own 100 still follows: the relay goes on all the same
                LOG.fine(() -> "call-id=" + invite.getCallId() + " no 100 Trying sent at once: " + e.getMessage());
            }
        }
    }
}
