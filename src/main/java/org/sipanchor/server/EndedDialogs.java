package org.sipanchor.server;

import java.lang.reflect.Field;
import java.util.Map;
import java.util.Timer;
import java.util.TimerTask;
import java.util.logging.Logger;

import javax.sip.DialogState;

import gov.nist.javax.sip.stack.SIPDialog;
import gov.nist.javax.sip.stack.SIPStackTimerTask;
import gov.nist.javax.sip.stack.SIPTransactionStack;
import gov.nist.javax.sip.stack.timers.SipTimer;

/**
 * Once a second, cancels the stack's check that a 2xx was acknowledged on each dialog that has ended, so that the
 * dialog, with what it still holds of its call, goes when the stack's linger ends (5 s after the BYE) instead of
 * 32 s after its 2xx.
 *
 * <p>Each time the calling side of a dialog gets a 2xx to an INVITE, jain-sip schedules a task 64 &times; T1 (32 s)
 * ahead that deletes the dialog if the application never sent the ACK ({@code SIPDialog.DialogDeleteIfNoAckSentTask}).
 * It never cancels it: when its time comes, the task finds the ACK sent and does nothing; until then it holds the
 * dialog. A B2BUA has one such dialog per call, its callee's leg. Class histogram of the bundled B2BUA at 1,000
 * calls/s: 42,478 dialogs where the 5.5 s the stack keeps a call make 11,000, and 31,978 of those tasks: 32 s of
 * callee legs.
 *
 * <p>Only ended dialogs are touched: an ended dialog has no ACK left to wait for, and nothing to delete. A dialog
 * still in a call keeps the check, which matters only for its first 32 s anyway.
 */
final class EndedDialogs extends TimerTask {

    static final long PERIOD_MILLIS = 1_000;

    private static final Logger LOG = Logger.getLogger(EndedDialogs.class.getName());

    private final Map<?, ? extends SIPDialog> dialogs;
    private final Field ackCheck;
    private final SipTimer stackTimer;

    private EndedDialogs(Map<?, ? extends SIPDialog> dialogs, Field ackCheck, SipTimer stackTimer) {
        this.dialogs = dialogs;
        this.ackCheck = ackCheck;
        this.stackTimer = stackTimer;
    }

    /**
     * Starts cancelling, on {@code timer}, the checks of {@code stack}'s ended dialogs; does nothing (and says so) if
     * this jain-sip does not keep its dialogs and their checks where 1.3.0-32 does.
     */
    static void start(Timer timer, SIPTransactionStack stack) {
        Map<?, ? extends SIPDialog> table = StackTables.dialogs(stack);
        Field ackCheck = ackCheckField();
        SipTimer stackTimer = stack.getTimer();
        if (table == null || ackCheck == null || stackTimer == null) {
            LOG.warning("the SIP stack's dialogs are out of reach: ended dialogs stay in memory 32 s after their 2xx");
            return;
        }
        timer.schedule(new EndedDialogs(table, ackCheck, stackTimer), PERIOD_MILLIS, PERIOD_MILLIS);
    }

    private static Field ackCheckField() {
        try {
            Field field = SIPDialog.class.getDeclaredField("dialogDeleteIfNoAckSentTask");
            field.setAccessible(true);
            return SIPStackTimerTask.class.isAssignableFrom(field.getType()) ? field : null;
        } catch (ReflectiveOperationException | RuntimeException e) {
            return null;
        }
    }

    /**
     * A check already cancelled is cancelled again, which does nothing (an ended dialog stays in the table 5 s, so
     * it is met about five times): the stack's timer let go of the task, and with it the dialog, the first time.
     */
    @Override
    public void run() {
        for (SIPDialog dialog : dialogs.values()) {
            if (dialog.getState() == DialogState.TERMINATED && ackCheck(dialog) instanceof SIPStackTimerTask check) {
                stackTimer.cancel(check);
            }
        }
    }

    private Object ackCheck(SIPDialog dialog) {
        try {
            return ackCheck.get(dialog);
        } catch (IllegalAccessException e) {
            return null; // made accessible at start
        }
    }
}
