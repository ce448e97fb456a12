package org.sipanchor.net;

import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;

/**
 * The log of something counted per packet: one line per ten seconds with the count since the last line and the last
 * one's example, and one when the ten seconds end with some not yet written ({@link ReportInterval#report}).
 *
 * <pre>{@code
 * CountReport<String> refusals = new CountReport<>(new ReportInterval(),
 *         (count, callId) -> LOG.warning(count + " refused since the last report; e.g. call-id=" + callId));
 * refusals.count(callId);
 * }</pre>
 *
 * @param <E> what the line gives as its example
 */
public final class CountReport<E> {

    /** Writes one line: the count since the last one, and the last one's example. */
    @FunctionalInterface
    public interface Writer<E> {
        void write(long count, E example);
    }

    private final ReportInterval interval;
    private final Writer<E> writer;
    private final AtomicLong total = new AtomicLong();
    private final AtomicLong sinceWritten = new AtomicLong();
    private final BooleanSupplier writeSinceWritten = this::writeSinceWritten;
    private volatile E last;

    public CountReport(ReportInterval interval, Writer<E> writer) {
        this.interval = interval;
        this.writer = writer;
    }

    /** Counts one, with {@code example}; returns how many since the last line (1 for the first after it). */
    public long count(E example) {
        total.incrementAndGet();
        long since = sinceWritten.incrementAndGet();
        last = example;
        interval.report(writeSinceWritten);
        return since;
    }

    /** How many were counted in all. */
    public long total() {
        return total.get();
    }

    private boolean writeSinceWritten() {
        long count = sinceWritten.getAndSet(0);
        if (count == 0) {
            return false;
        }
        writer.write(count, last);
        return true;
    }
}
