package org.sipanchor.net;

import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;
import java.util.function.ObjLongConsumer;

/**
 * When a report of something that may happen once per packet is due: once per {@link #INTERVAL_NANOS}, the first
 * time at once. What a flood makes happen must not flood the log too, nor cost a line's formatting per packet.
 *
 * <p>A report of counts ({@link #report}) is also written once the interval ends if anything was counted after the
 * last one: an overload that refused a thousand calls within ten seconds of its first refusal used to leave one line
 * saying "1 refused", because the next line waited for an event that never came.
 */
public final class ReportInterval {

    /** Ten seconds. */
    public static final long INTERVAL_NANOS = 10_000_000_000L;

    /**
     * Runs the reports due at an interval's end, for every report: one daemon thread, started when a report is first
     * deferred and gone once a second has passed with nothing left to run.
     */
    private static final ScheduledThreadPoolExecutor LATER = later();
    /** What {@link #claim} returns when no report is due (no clock reads it: the first is 10 s before the start). */
    private static final long NOT_DUE = Long.MIN_VALUE;

    private final LongSupplier clockNanos;
    private final ObjLongConsumer<Runnable> runLater;
    private final AtomicLong lastReportNanos;
    private final AtomicBoolean deferred = new AtomicBoolean();

    /** An interval on the system's monotonic clock. */
    public ReportInterval() {
        this(System::nanoTime);
    }

    /** An interval on {@code clockNanos}. */
    public ReportInterval(LongSupplier clockNanos) {
        this(clockNanos, (task, delayNanos) -> LATER.schedule(task, delayNanos, TimeUnit.NANOSECONDS));
    }

    /** An interval on {@code clockNanos} (a test's clock), running deferred reports through {@code runLater}. */
    public ReportInterval(LongSupplier clockNanos, ObjLongConsumer<Runnable> runLater) {
        this.clockNanos = clockNanos;
        this.runLater = runLater;
        this.lastReportNanos = new AtomicLong(clockNanos.getAsLong() - INTERVAL_NANOS);
    }

    /** True for exactly one caller per interval: the one that should write the report. */
    public boolean due() {
        return claim(clockNanos.getAsLong()) != NOT_DUE;
    }

    /**
     * Writes a report of counts now if one is due, else once the interval ends, so that what was counted after the last
     * report is written even when nothing more happens. Call it after counting.
     *
     * @param write writes what was counted since it last wrote and returns true, or returns false and writes nothing
     *              when that is nothing (a deferred report that finds nothing leaves the interval open: the next
     *              event is reported at once)
     */
    public void report(BooleanSupplier write) {
        long now = clockNanos.getAsLong();
        long last = claim(now);
        if (last != NOT_DUE) {
            if (!write.getAsBoolean()) {
                lastReportNanos.compareAndSet(now, last);
            }
        } else if (deferred.compareAndSet(false, true)) {
            runLater.accept(() -> {
                deferred.set(false);
                report(write); // not due yet if another event wrote meanwhile: deferred again, to that interval's end
            }, Math.max(0, lastReportNanos.get() + INTERVAL_NANOS - now));
        }
    }

    /** Takes the interval for a report at {@code now} if one is due: returns the last report's time, else NOT_DUE. */
    private long claim(long now) {
        long last = lastReportNanos.get();
        return now - last >= INTERVAL_NANOS && lastReportNanos.compareAndSet(last, now) ? last : NOT_DUE;
    }

    private static ScheduledThreadPoolExecutor later() {
        ScheduledThreadPoolExecutor later = new ScheduledThreadPoolExecutor(1, task -> {
            Thread thread = new Thread(task, "sipanchor-reports");
            thread.setDaemon(true);
            return thread;
        });
        later.setKeepAliveTime(1, TimeUnit.SECONDS);
        later.allowCoreThreadTimeOut(true); // a queued report keeps one thread (ThreadPoolExecutor's own rule)
        return later;
    }
}
