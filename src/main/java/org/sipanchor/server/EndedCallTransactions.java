package org.sipanchor.server;

import java.util.Map;
import java.util.Timer;
import java.util.TimerTask;
import java.util.logging.Logger;

import javax.sip.TransactionState;

import org.mobicents.servlet.sip.core.session.MobicentsSipSession;
import org.mobicents.servlet.sip.message.SipServletMessageImpl;
import org.mobicents.servlet.sip.message.TransactionApplicationData;

import gov.nist.javax.sip.stack.SIPServerTransaction;
import gov.nist.javax.sip.stack.SIPTransactionStack;

/**
 * Once a second, detaches the container's state from the server transactions that only linger to absorb
 * retransmissions of a request already answered, in a SIP session that has ended: the ended call's memory is then
 * freed at once instead of 32 s later.
 *
 * <p>After a non-INVITE request over UDP is answered (a BYE, mostly), jain-sip keeps its server transaction for
 * Timer J (64 &times; T1 = 32 s, RFC 3261 17.2.2) to answer retransmissions from the last response it keeps as bytes.
 * Restcomm 3.2.0-37 hangs its per-transaction data on that transaction until it terminates; that data references
 * the servlet request, and through it the SIP session, the application session, the proxy and every message of the
 * call. Heap dump of the bundled proxy 5 s after 100 calls/s stopped: 2,480 application sessions of ended calls, each
 * reachable only through {@code DefaultSipTimer}'s queue &rarr; Timer J task &rarr; {@code SIPServerTransactionImpl}
 * &rarr; {@code applicationData} ({@code TransactionApplicationData}) &rarr; {@code sipServletMessage} &rarr;
 * {@code sipSession} &rarr; {@code sipApplicationSession}: about 17 KB per call, so 330 MB held at 600 calls/s.
 *
 * <p>Only transactions that need nothing more from the container are detached: non-INVITE, past their final
 * response (completed or terminated), whose SIP session Restcomm has already invalidated. Restcomm's own handling of
 * the transaction's end accepts a transaction without data (it then has nothing to clean up); the stack answers
 * retransmissions from its own copy of the response.
 */
final class EndedCallTransactions extends TimerTask {

    static final long PERIOD_MILLIS = 1_000;

    private static final Logger LOG = Logger.getLogger(EndedCallTransactions.class.getName());

    private final Map<?, ? extends SIPServerTransaction> serverTransactions;

    private EndedCallTransactions(Map<?, ? extends SIPServerTransaction> serverTransactions) {
        this.serverTransactions = serverTransactions;
    }

    /**
     * Starts detaching, on {@code timer}, the transactions of {@code stack}; does nothing (and says so) if this
     * jain-sip does not keep its server transactions where 1.3.0-32 does.
     */
    static void start(Timer timer, SIPTransactionStack stack) {
        Map<?, ? extends SIPServerTransaction> table = StackTables.serverTransactions(stack);
        if (table == null) {
            LOG.warning("the SIP stack's server transactions are out of reach: ended calls stay in memory for 32 s");
            return;
        }
        timer.schedule(new EndedCallTransactions(table), PERIOD_MILLIS, PERIOD_MILLIS);
    }

    @Override
    public void run() {
        for (SIPServerTransaction transaction : serverTransactions.values()) {
            if (isLingeringForEndedSession(transaction)) {
                transaction.setApplicationData(null);
            }
        }
    }

    /**
     * Non-INVITE, answered, and its SIP session already invalidated by the container. The data is looked at first:
     * most of the table, every second, is transactions already detached.
     */
    private static boolean isLingeringForEndedSession(SIPServerTransaction transaction) {
        if (!(transaction.getApplicationData() instanceof TransactionApplicationData data)
                || transaction.isInviteTransaction()) {
            return false;
        }
        TransactionState state = transaction.getState();
        if (state != TransactionState.COMPLETED && state != TransactionState.TERMINATED) {
            return false;
        }
        SipServletMessageImpl message = data.getSipServletMessage();
        MobicentsSipSession session = message == null ? null : message.getSipSession();
        return session != null && !session.isValidInternal();
    }
}
