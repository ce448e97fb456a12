package org.sipanchor.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.sipanchor.testing.Await;

@DisplayName("A report interval lets one report through per ten seconds, and writes a report of counts' tail when they end")
class ReportIntervalTest {

    private static final long SECOND = 1_000_000_000L;

    private final AtomicLong clock = new AtomicLong(100 * SECOND);
    private final List<Deferred> deferred = new ArrayList<>();
    private final ReportInterval interval = new ReportInterval(clock::get, (task, delay) -> deferred.add(new Deferred(task, delay)));
    private final AtomicLong counted = new AtomicLong();
    private final List<Long> written = new ArrayList<>();

    @Test
    @DisplayName("the first report is due at once, the next ten seconds later")
    void oncePerInterval() {
        assertTrue(interval.due());
        clock.addAndGet(9 * SECOND);
        assertFalse(interval.due());
        clock.addAndGet(SECOND);
        assertTrue(interval.due());
        assertFalse(interval.due(), "one caller per interval");
    }

    @Test
    @DisplayName("what was counted after the last report is written when the interval ends, though nothing more happens")
    void writesTheTail() {
        count(1);
        assertEquals(List.of(1L), written, "the first at once");
        clock.addAndGet(2 * SECOND);
        count(999);
        assertEquals(List.of(1L), written, "the rest waits for the interval's end");
        assertEquals(1, deferred.size(), "one deferred report, however many counts");
        assertEquals(8 * SECOND, deferred.get(0).delayNanos(), "deferred to the interval's end");

        clock.addAndGet(8 * SECOND);
        runDeferred();
        assertEquals(List.of(1L, 999L), written);
        assertTrue(deferred.isEmpty(), "nothing left to defer");
    }

    @Test
    @DisplayName("a deferred report that finds nothing to write leaves the interval open: the next count is written at once")
    void anEmptyTailLeavesTheIntervalOpen() {
        count(1);
        clock.addAndGet(SECOND);
        count(1); // deferred
        clock.addAndGet(9 * SECOND);
        count(1); // due: written with the deferred report's count, before that one runs, which defers itself again
        assertEquals(List.of(1L, 2L), written);
        runDeferred();
        clock.addAndGet(10 * SECOND);
        runDeferred();
        assertEquals(List.of(1L, 2L), written, "nothing was left to write");
        assertTrue(deferred.isEmpty(), "and nothing deferred any more");

        clock.addAndGet(SECOND);
        count(1);
        assertEquals(List.of(1L, 2L, 1L), written, "written at once, one second after the empty report");
    }

    @Test
    @DisplayName("a report written while another was deferred defers that one again, to its own interval's end")
    void deferredAgainAfterAnotherReport() {
        count(1);
        clock.addAndGet(SECOND);
        count(1); // deferred, to 9 s from now
        clock.addAndGet(9 * SECOND);
        count(1); // due now: writes 2 and opens a new interval
        clock.addAndGet(SECOND);
        count(5); // counted in the new interval; the deferred report is still pending
        runDeferred(); // runs before this interval ends: defers itself again
        assertEquals(List.of(1L, 2L), written);
        assertEquals(1, deferred.size());
        assertEquals(9 * SECOND, deferred.get(0).delayNanos());

        clock.addAndGet(9 * SECOND);
        runDeferred();
        assertEquals(List.of(1L, 2L, 5L), written);
    }

    @Test
    @DisplayName("a deferred report runs on the reports' own daemon thread")
    void deferredOnTheReportsThread() throws InterruptedException {
        AtomicLong realClock = new AtomicLong(100 * SECOND);
        ReportInterval shared = new ReportInterval(realClock::get);
        List<String> threads = new CopyOnWriteArrayList<>();
        BooleanSupplier write = () -> {
            threads.add(Thread.currentThread().getName() + (Thread.currentThread().isDaemon() ? " (daemon)" : ""));
            return true;
        };
        shared.report(write);
        realClock.addAndGet(ReportInterval.INTERVAL_NANOS - 1_000_000); // 1 ms before the interval ends
        shared.report(write);
        realClock.addAndGet(SECOND);
        Await.count("reports written", 2, threads::size);
        assertEquals(List.of(Thread.currentThread().getName(), "sipanchor-reports (daemon)"), threads);
    }

    private void count(int n) {
        for (int i = 0; i < n; i++) {
            counted.incrementAndGet();
            interval.report(() -> {
                long total = counted.getAndSet(0);
                if (total == 0) {
                    return false;
                }
                written.add(total);
                return true;
            });
        }
    }

    private void runDeferred() {
        List<Deferred> due = List.copyOf(deferred);
        deferred.clear();
        due.forEach(d -> d.task().run());
    }

    private record Deferred(Runnable task, long delayNanos) {
    }
}
