package org.sipanchor.server;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import javax.sip.SipStack;
import javax.sip.message.Response;

import gov.nist.javax.sip.message.SIPRequest;
import gov.nist.javax.sip.stack.MessageChannel;
import gov.nist.javax.sip.stack.SIPDialog;
import gov.nist.javax.sip.stack.SIPMessageValve;
import gov.nist.javax.sip.stack.SIPTransactionStack;

/**
 * Holds an ACK that overtakes its own 2xx in the SIP stack, so that the 2xx is not sent again 500 ms later.
 *
 * <p>jain-sip-ri 1.3.0-32 sends a 2xx of its own dialogs (the B2BUA's 200 OK to the caller) before it starts the
 * dialog's retransmission timer, and it matches an ACK to that 2xx through the timer
 * ({@code SIPDialog.getInviteTransaction()} reads it). A caller that acknowledges within that window (a loaded
 * machine preempts the sending thread right after the datagram left) has its ACK taken as a stray one: the timer
 * then starts, and the 2xx goes out again after T1, until the caller acknowledges that retransmission. Seen in about
 * 2% of B2BUA calls at 20 calls/s on two busy cores.
 *
 * <p>This valve runs on the stack's thread before the ACK reaches its dialog: when the ACK answers a 2xx whose timer
 * is not started yet, it waits (at most {@link #MAX_WAIT_MILLIS}) for the sending thread to start it. Every other
 * message passes at once. It is listed in {@code gov.nist.javax.sip.SIP_MESSAGE_VALVE}.
 */
public final class EarlyAckValve implements SIPMessageValve {

    /** The sending thread has only to return from the socket: this bounds a wait that should last microseconds. */
    static final long MAX_WAIT_MILLIS = 50;
    private static final java.util.logging.Logger LOG = java.util.logging.Logger.getLogger(EarlyAckValve.class.getName());

    private SIPTransactionStack stack;

    @Override
    public boolean processRequest(SIPRequest request, MessageChannel channel) {
        if (stack != null && "ACK".equals(request.getMethod())) {
            SIPDialog dialog = stack.getDialog(request.getDialogId(true));
            if (dialog != null) {
                long start = System.nanoTime();
                if (awaitRetransmissionTimer(dialog, request.getCSeq().getSeqNumber())) {
                    LOG.fine(() -> "call-id=" + request.getCallId().getCallId() + " ACK held "
                            + (System.nanoTime() - start) / 1000 + " us until its 2xx's retransmission timer existed");
                }
            }
        }
        return true;
    }

    /** Waits while {@code dialog} has sent the 2xx that the ACK with {@code cseq} answers but not yet armed its timer. */
    static boolean awaitRetransmissionTimer(SIPDialog dialog, long cseq) {
        if (!sentButNotArmed(dialog, cseq)) {
            return false;
        }
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(MAX_WAIT_MILLIS);
        while (sentButNotArmed(dialog, cseq) && System.nanoTime() - deadline < 0) {
            LockSupport.parkNanos(50_000);
        }
        return true;
    }

    private static boolean sentButNotArmed(SIPDialog dialog, long cseq) {
        Integer status = dialog.getLastResponseStatusCode();
        return dialog.isServer() && status != null && status / 100 == 2 && "INVITE".equals(dialog.getLastResponseMethod())
                && dialog.getLastResponseCSeqNumber() == cseq && !dialog.isAckSeen() && dialog.getInviteTransaction() == null;
    }

    @Override
    public boolean processResponse(Response response, MessageChannel channel) {
        return true;
    }

    @Override
    public void init(SipStack sipStack) {
        this.stack = sipStack instanceof SIPTransactionStack transactions ? transactions : null;
    }

    @Override
    public void destroy() {
        stack = null;
    }
}
