package org.sipanchor.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.lang.ref.WeakReference;
import java.util.Timer;
import java.util.TimerTask;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("The proxy timer's cancelled tasks are purged within seconds, not kept until they would have run")
class CancelledTimerPurgeTest {

    /** Like Restcomm's proxy branch task: it keeps its call's state after cancel(). */
    private static final class CallTimer extends TimerTask {
        @SuppressWarnings("unused")
        private final Object call;

        CallTimer(Object call) {
            this.call = call;
        }

        @Override
        public void run() {
        }
    }

    @Test
    @DisplayName("a task cancelled three minutes before its time no longer keeps its call reachable")
    void freesWhatACancelledTaskHeld() throws Exception {
        Timer timer = new Timer("test-proxy-timer", true);
        try {
            Object call = new byte[1 << 20];
            WeakReference<Object> ended = new WeakReference<>(call);
            CallTimer timerC = new CallTimer(call);
            timer.schedule(timerC, 180_000);
            timerC.cancel();
            timerC = null;
            call = null;

            CancelledTimerPurge.start(timer);

            long deadline = System.nanoTime() + 10_000_000_000L;
            while (ended.get() != null && System.nanoTime() < deadline) {
                System.gc();
                Thread.sleep(100);
            }
            assertNull(ended.get(), "the call is still reachable through the timer's queue");
            assertEquals(0, timer.purge(), "nothing cancelled was left to purge");
        } finally {
            timer.cancel();
        }
    }
}
