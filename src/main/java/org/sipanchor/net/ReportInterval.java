package org.sipanchor.net;

import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * When a report of something that may happen once per packet is due: once per {@link #INTERVAL_NANOS}, the first
 * time at once. What a flood makes happen must not flood the log too, nor cost a line's formatting per packet.
 */
public final class ReportInterval {

    /** Ten seconds. */
    public static final long INTERVAL_NANOS = 10_000_000_000L;

    private final LongSupplier clockNanos;
    private final AtomicLong lastReportNanos;

    /** An interval on the system's monotonic clock. */
    public ReportInterval() {
        this(System::nanoTime);
    }

    /** An interval on {@code clockNanos} (a test's clock). */
    public ReportInterval(LongSupplier clockNanos) {
        this.clockNanos = clockNanos;
        this.lastReportNanos = new AtomicLong(clockNanos.getAsLong() - INTERVAL_NANOS);
    }

    /** True for exactly one caller per interval: the one that should write the report. */
    public boolean due() {
        long now = clockNanos.getAsLong();
        long last = lastReportNanos.get();
        return now - last >= INTERVAL_NANOS && lastReportNanos.compareAndSet(last, now);
    }
}
