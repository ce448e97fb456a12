package org.sipanchor.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.sipanchor.testing.RtpEngineDaemon;

/**
 * A daemon dies while calls go on, and comes back. Health interval 1 s and NG timeout 300 ms, so "within two
 * health intervals" is 2 s; the margins below allow for a loaded 2-core machine.
 */
@DisplayName("EnginePool health: a killed rtpengine leaves the rotation, calls go on, it comes back when restarted")
class EnginePoolHealthTest {

    private static final Duration INTERVAL = Duration.ofSeconds(1);
    private static final Duration TIMEOUT = Duration.ofMillis(300);
    /** Two intervals, plus scheduling slack on a shared machine. */
    private static final long DETECTION_LIMIT_MS = 2 * INTERVAL.toMillis() + 500;

    @RegisterExtension
    final RtpEngineDaemon a = RtpEngineDaemon.builder().build();
    @RegisterExtension
    final RtpEngineDaemon b = RtpEngineDaemon.builder().build();
    @RegisterExtension
    final RtpEngineDaemon c = RtpEngineDaemon.builder().build();

    /** One call as the load generator saw it. */
    private record Call(String callId, long startNanos, String instance, boolean failed, String failure) {
    }

    @Test
    @DisplayName("killed under a steady call rate: out of rotation within two intervals, no new call to it, no failed "
            + "call after detection, metric drops; restarted: back in rotation, nothing leaked")
    void killAndRestartUnderLoad() throws Exception {
        PrometheusRegistry registry = new PrometheusRegistry();
        String victim = TestCalls.name(c);
        try (EnginePool pool = EnginePool.start(TestCalls.config(TIMEOUT, List.of(a, b, c), 1, 1, 1), INTERVAL,
                registry)) {
            assertEquals(3, pool.upCount());
            List<Call> calls = Collections.synchronizedList(new ArrayList<>());
            AtomicBoolean running = new AtomicBoolean(true);
            AtomicInteger seq = new AtomicInteger();
            List<Thread> workers = new ArrayList<>();
            for (int w = 0; w < 3; w++) {
                Thread t = new Thread(() -> {
                    while (running.get()) {
                        calls.add(oneCall(pool, "kill-" + seq.incrementAndGet()));
                        pause(15);
                    }
                }, "caller-" + w);
                t.start();
                workers.add(t);
            }
            pause(1500);
            long killed = System.nanoTime();
            c.kill();
            long detected = awaitNanos(() -> !pool.instances().get(2).up(), 10_000);
            long detectionMs = TimeUnit.NANOSECONDS.toMillis(detected - killed);
            pause(3000);

            ScrapedMetrics down = ScrapedMetrics.of(registry);
            assertEquals(0, down.value("sipanchor_rtpengine_up", Map.of("instance", victim)), "its up metric");
            assertEquals(2, down.value("sipanchor_rtpengine_instances_up"));
            assertFalse(pool.instances().get(2).lastError().isEmpty());

            long restarted = System.nanoTime();
            c.start();
            long back = awaitNanos(() -> pool.instances().get(2).up(), 10_000);
            long comebackMs = TimeUnit.NANOSECONDS.toMillis(back - restarted);
            pause(2000);
            running.set(false);
            for (Thread t : workers) {
                t.join(10_000);
            }

            List<Call> all = new ArrayList<>(calls);
            List<Call> before = all.stream().filter(x -> x.startNanos < detected).toList();
            // up to the restart, not to "back": the poller sees it back a moment after calls may already go there again
            List<Call> between = all.stream().filter(x -> x.startNanos >= detected && x.startNanos < restarted).toList();
            List<Call> after = all.stream().filter(x -> x.startNanos >= back).toList();
            long failedBefore = before.stream().filter(Call::failed).count();
            System.out.printf("kill test: %d calls; detection %d ms after the kill; back %d ms after the restart; "
                    + "failed calls: %d before detection (%s), %d after; %d calls while it was down, %d after%n",
                    all.size(), detectionMs, comebackMs, failedBefore,
                    before.stream().filter(Call::failed).map(Call::failure).limit(3).toList(),
                    all.stream().filter(x -> x.startNanos >= detected && x.failed).count(), between.size(),
                    after.size());

            assertTrue(detectionMs <= DETECTION_LIMIT_MS, "detected after " + detectionMs + " ms");
            assertTrue(comebackMs <= DETECTION_LIMIT_MS, "back after " + comebackMs + " ms");
            assertTrue(between.size() > 50, "calls went on while it was down: " + between.size());
            assertEquals(List.of(), between.stream().filter(x -> victim.equals(x.instance)).toList(),
                    "no new call to the dead instance");
            assertEquals(List.of(), all.stream().filter(x -> x.startNanos >= detected && x.failed).toList(),
                    "no failed call after detection");
            assertTrue(after.stream().anyMatch(x -> victim.equals(x.instance)), "back in rotation after restart");
            assertTrue(failedBefore <= 10, "only the calls it held when it died fail: " + failedBefore);

            ScrapedMetrics up = ScrapedMetrics.of(registry);
            assertEquals(1, up.value("sipanchor_rtpengine_up", Map.of("instance", victim)));
            assertEquals(3, up.value("sipanchor_rtpengine_instances_up"));
            awaitNanos(() -> pool.orphans(victim) == 0, 5_000); // deletes of its lost calls, now answered
            assertEquals(0, a.sessionCount(), "leaked on a");
            assertEquals(0, b.sessionCount(), "leaked on b");
            assertEquals(0, c.sessionCount(), "leaked on c");
        }
    }

    @Test
    @DisplayName("idle pool: a killed daemon is down within interval + timeout by the pings alone, and comes back")
    void detectedByPingsAlone() throws Exception {
        try (EnginePool pool = EnginePool.start(TestCalls.config(TIMEOUT, List.of(a, b), 1, 1), INTERVAL,
                new PrometheusRegistry())) {
            assertEquals(2, pool.upCount());
            long killed = System.nanoTime();
            b.kill();
            long detected = awaitNanos(() -> pool.upCount() == 1, 10_000);
            long ms = TimeUnit.NANOSECONDS.toMillis(detected - killed);
            System.out.printf("idle detection: %d ms (interval %d ms, timeout %d ms)%n", ms, INTERVAL.toMillis(),
                    TIMEOUT.toMillis());
            assertTrue(ms <= DETECTION_LIMIT_MS, "detected after " + ms + " ms");
            EngineStatus status = pool.instances().get(1);
            assertFalse(status.up());
            assertTrue(status.lastError().orElseThrow().contains("ping failed"), status.toString());
            for (int i = 0; i < 10; i++) {
                assertEquals(TestCalls.name(a), pool.offer(TestCalls.offer("idle-" + i)).get().instance());
            }
            b.start();
            awaitNanos(() -> pool.upCount() == 2, 10_000);
            for (int i = 0; i < 10; i++) {
                pool.send(TestCalls.delete("idle-" + i), Optional.empty()).get();
            }
            assertEquals(0, a.sessionCount());
        }
    }

    @Test
    @DisplayName("a daemon that is not running at start-up is down, not fatal, and joins when it starts")
    void downAtStartup() throws Exception {
        b.kill();
        long t0 = System.nanoTime();
        try (EnginePool pool = EnginePool.start(TestCalls.config(TIMEOUT, List.of(a, b), 1, 1), INTERVAL,
                new PrometheusRegistry())) {
            long startMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
            assertTrue(startMs < TIMEOUT.toMillis() + 1000, "start took " + startMs + " ms");
            assertEquals(1, pool.upCount());
            assertFalse(pool.instances().get(1).up());
            b.start();
            awaitNanos(() -> pool.upCount() == 2, 5_000);
        }
    }

    private static Call oneCall(EnginePool pool, String id) {
        long start = System.nanoTime();
        String instance = null;
        try {
            EngineReply offered = pool.offer(TestCalls.offer(id)).get(5, TimeUnit.SECONDS);
            instance = offered.instance();
            pool.send(TestCalls.answer(id), Optional.of(instance)).get(5, TimeUnit.SECONDS);
            pause(20); // the call lasts a moment
            pool.send(TestCalls.delete(id), Optional.of(instance)).get(5, TimeUnit.SECONDS);
            return new Call(id, start, instance, false, null);
        } catch (Exception e) {
            return new Call(id, start, instance, true, e.getCause() == null ? e.toString()
                    : e.getCause().getClass().getSimpleName());
        }
    }

    static long awaitNanos(BooleanSupplier condition, long timeoutMs) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("condition not met within " + timeoutMs + " ms");
            }
            Thread.sleep(5);
        }
        return System.nanoTime();
    }

    static void pause(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
