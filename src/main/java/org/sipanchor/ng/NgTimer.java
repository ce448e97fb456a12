package org.sipanchor.ng;

import java.util.PriorityQueue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;

/**
 * The one timer thread behind the retransmissions and timeouts of every {@link NgClient} in the JVM.
 *
 * <p>Why not a {@code ScheduledThreadPoolExecutor}: it wakes its thread on nearly every schedule and cancel, i.e.
 * once or twice per request, which cost more CPU than the rest of the client on a busy instance. Here scheduling
 * appends to a lock-free inbox without waking anyone; the timer thread wakes on a fixed tick while there is work
 * and sleeps until woken when there is none. Timers fire no earlier than asked and at most a tick later. There is
 * no cancellation: a task that is no longer needed finds out when it runs (its request is already completed).
 */
final class NgTimer {

    static final NgTimer SHARED = new NgTimer(TimeUnit.MILLISECONDS.toNanos(10));

    private record Entry(long dueNanos, Runnable task) {
    }

    private static final System.Logger LOG = System.getLogger(NgTimer.class.getName());

    private final long tickNanos;
    private final ConcurrentLinkedQueue<Entry> inbox = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean idle = new AtomicBoolean();
    private final Thread thread;

    private NgTimer(long tickNanos) {
        this.tickNanos = tickNanos;
        this.thread = new NgIoThread(this::run, "ng-timer");
        thread.start();
    }

    /** Runs {@code task} on the timer thread, {@code delayNanos} from now or up to one tick later. */
    void schedule(Runnable task, long delayNanos) {
        inbox.add(new Entry(System.nanoTime() + delayNanos, task));
        if (idle.get() && idle.compareAndSet(true, false)) {
            LockSupport.unpark(thread);
        }
    }

    private void run() {
        PriorityQueue<Entry> due = new PriorityQueue<>((a, b) -> Long.compare(a.dueNanos() - b.dueNanos(), 0));
        while (true) {
            for (Entry e; (e = inbox.poll()) != null; ) {
                due.add(e);
            }
            long now = System.nanoTime();
            while (!due.isEmpty() && due.peek().dueNanos() - now <= 0) {
                Runnable task = due.poll().task();
                try {
                    task.run();
                } catch (RuntimeException | Error e) {
                    LOG.log(System.Logger.Level.ERROR, "NG timer task failed", e);
                }
            }
            if (due.isEmpty() && inbox.isEmpty()) {
                idle.set(true);
                if (inbox.isEmpty()) {
                    LockSupport.park(this); // schedule() unparks on the first new entry
                }
                idle.set(false);
            } else {
                // A fixed tick, not "until the next deadline": under load deadlines are microseconds apart, and
                // waking for each would bring back the per-request wake-ups this class exists to avoid.
                LockSupport.parkNanos(this, tickNanos);
            }
        }
    }
}
