package org.sipanchor.servlet;

import javax.servlet.sip.SipServletRequest;

/**
 * Ends the container's part of a proxied call's INVITE transactions as soon as the caller's ACK passes, instead of
 * when the SIP stack lets the transactions go, 5 s later.
 *
 * <p>Why: Restcomm 3.2.0-37 keeps its data on a transaction (the request as the servlet saw it, its responses, the
 * proxy branch with its own copy of the request) until the stack reports the transaction ended. The stack keeps an
 * answered INVITE's transactions for its linger time (5 s, {@code LINGER_TIMER}), so every call's set-up, about 50 KB,
 * lived 5 s past the ACK, and every young collection copied the set-ups of the last 5 s: at 1,400 calls/s, 80 MB per
 * collection, nearly all of each pause. Let go at the ACK, most of a set-up dies young. The bundled proxy at 1,400
 * calls/s, alternating runs: 47 and 44 young collections against 60 and 60, 2.6 and 2.3 s of pauses against 3.9
 * (bench/PROFILE.md).
 *
 * <p>What is done: the stack's own end-of-transaction event, which it would send 5 s later, is sent now, once, for
 * each INVITE transaction of the ACK's SIP session that the ACK's CSeq acknowledges and that is over
 * ({@code TERMINATED}, where a 2xx puts it): the caller's server transaction and the callee's client transaction. The
 * container then does what it always does on that event: drops the transaction from the SIP session and the proxy
 * branch, and its data from the transaction. The stack keeps the transactions in its tables for their linger time,
 * with what it needs to absorb what may still come: a retransmitted INVITE is dropped and a late CANCEL answered, and
 * a callee's 2xx sent again is relayed from the server transaction's copy of the 2xx ({@code RelayedAnswerValve}).
 *
 * <p>Only for the proxy, and only on Restcomm. A B2BUA's container hangs the same data on each leg's dialog as well,
 * for the call's whole length, so ending its transactions early frees nothing (measured: the B2BUA's young
 * collections and its 26.5 KB per call in progress did not change). Open Liberty runs its own stack.
 */
final class AcknowledgedInvites {

    private AcknowledgedInvites() {
    }

    /** Lets the container forget the INVITE transactions that {@code ack} acknowledges, if on Restcomm. */
    static void release(SipServletRequest ack) {
        if (RestcommContainer.PRESENT) {
            Restcomm.release(ack);
        }
    }

    /** Restcomm's and jain-sip's types are touched only here, so that the class loads on any container. */
    private static final class Restcomm {

        static void release(SipServletRequest ack) {
            var message = (org.mobicents.servlet.sip.core.message.MobicentsSipServletMessage) ack;
            var session = message.getSipSession();
            var transactions = session == null ? null : session.getOngoingTransactions();
            if (transactions == null) {
                return; // the session has ended: the container has let go of its transactions already
            }
            long acknowledged = ((gov.nist.javax.sip.message.SIPMessage) message.getMessage()).getCSeq().getSeqNumber();
            for (javax.sip.Transaction transaction : transactions) { // a copy-on-write set: safe while it changes
                if (transaction instanceof gov.nist.javax.sip.stack.SIPTransaction invite && invite.isInviteTransaction()
                        && invite.getCSeq() == acknowledged && invite.getState() == javax.sip.TransactionState.TERMINATED
                        && invite.testAndSetTransactionTerminatedEvent()) {
                    var provider = invite.getSipProvider();
                    provider.handleEvent(invite instanceof javax.sip.ServerTransaction server
                            ? new javax.sip.TransactionTerminatedEvent(provider, server)
                            : new javax.sip.TransactionTerminatedEvent(provider, (javax.sip.ClientTransaction) invite), invite);
                }
            }
        }
    }
}
