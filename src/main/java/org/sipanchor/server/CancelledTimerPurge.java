package org.sipanchor.server;

import java.util.Timer;
import java.util.TimerTask;

/**
 * Empties Restcomm's proxy timer of its cancelled tasks once a second, so that a cancelled task no longer holds on
 * to a call that has ended.
 *
 * <p>Restcomm 3.2.0-37 schedules a task on a {@code java.util.Timer} for each proxy branch's Timer C (180 s,
 * restarted by every provisional response) and cancels it when the branch gets its final response. A cancelled task
 * stays in the timer's queue until the time it was due, and it still references the call's SIP application session
 * (its {@code cancel()} clears the branch, not the session): about three tasks per proxied call, each keeping the
 * call's sessions, messages and transactions reachable for three minutes. Measured on the bundled proxy at 400
 * calls/s: 35,866 cancelled tasks after 12,000 calls; 193 with this purge. Restcomm purges only when a task is
 * cancelled through its timer service, which its proxy branches do not do, or once a minute at best
 * ({@code canceledTimerTasksPurgePeriod}).
 */
final class CancelledTimerPurge extends TimerTask {

    static final long PERIOD_MILLIS = 1_000;

    private final Timer timer;

    private CancelledTimerPurge(Timer timer) {
        this.timer = timer;
    }

    /** Starts purging {@code timer}, on the timer's own thread. */
    static void start(Timer timer) {
        timer.schedule(new CancelledTimerPurge(timer), PERIOD_MILLIS, PERIOD_MILLIS);
    }

    @Override
    public void run() {
        timer.purge();
    }
}
