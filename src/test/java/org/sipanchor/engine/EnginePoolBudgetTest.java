package org.sipanchor.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.sipanchor.ng.NgTimeoutException;
import org.sipanchor.testing.RtpEngineDaemon;

/**
 * No caller waits longer than the pool's budget, whatever the instances do: a SIP thread blocked on an offer gets its
 * answer (a 503, at worst) in bounded time even when every RTPEngine is frozen (SIGSTOP).
 */
@DisplayName("EnginePool budget: every future completes within max(2 x timeout, min(instances x timeout, 3 s))")
class EnginePoolBudgetTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(1);
    /** Long enough that no health round runs during a test: only the requests under test change an instance's state. */
    private static final Duration INTERVAL = Duration.ofMinutes(1);
    /** What the caller allows beyond the budget for a starved timer thread, as the media layer should. */
    private static final long MARGIN_MS = 1000;

    @RegisterExtension
    final RtpEngineDaemon d0 = RtpEngineDaemon.builder().build();
    @RegisterExtension
    final RtpEngineDaemon d1 = RtpEngineDaemon.builder().build();
    @RegisterExtension
    final RtpEngineDaemon d2 = RtpEngineDaemon.builder().build();
    @RegisterExtension
    final RtpEngineDaemon d3 = RtpEngineDaemon.builder().build();

    @Test
    @DisplayName("is two timeouts for one or two instances, one timeout per instance beyond, capped at 3 s unless two "
            + "timeouts are longer")
    void formula() {
        assertEquals(Duration.ofSeconds(2), EnginePool.budget(Duration.ofSeconds(1), 1));
        assertEquals(Duration.ofSeconds(2), EnginePool.budget(Duration.ofSeconds(1), 2));
        assertEquals(Duration.ofSeconds(3), EnginePool.budget(Duration.ofSeconds(1), 3));
        assertEquals(Duration.ofSeconds(3), EnginePool.budget(Duration.ofSeconds(1), 10));
        assertEquals(Duration.ofMillis(600), EnginePool.budget(Duration.ofMillis(300), 2));
        assertEquals(Duration.ofMillis(1500), EnginePool.budget(Duration.ofMillis(300), 5));
        assertEquals(Duration.ofSeconds(20), EnginePool.budget(Duration.ofSeconds(10), 4), "the largest timeout_ms");
    }

    @Test
    @DisplayName("with every daemon frozen: the offer stops failing over when the budget is spent (3 of 4 instances "
            + "tried), and an anchored answer, a delete everywhere and an unanchored answer end within it too")
    void everyDaemonFrozen() throws Exception {
        try (EnginePool pool = EnginePool.start(TestCalls.config(TIMEOUT, List.of(d0, d1, d2, d3)), INTERVAL,
                new PrometheusRegistry())) {
            assertEquals(4, pool.upCount());
            assertEquals(Duration.ofSeconds(3), pool.budget());
            long limitMs = pool.budget().toMillis() + MARGIN_MS;
            EngineReply held = pool.offer(TestCalls.offer("held")).get(limitMs, TimeUnit.MILLISECONDS);
            List<RtpEngineDaemon> all = List.of(d0, d1, d2, d3);
            all.forEach(RtpEngineDaemon::pause);
            try {
                CompletableFuture<EngineReply> offer = pool.offer(TestCalls.offer("frozen-offer"));

                ExecutionException e = assertThrows(ExecutionException.class,
                        () -> offer.get(limitMs, TimeUnit.MILLISECONDS), "no outcome within the budget");
                EngineUnavailableException u = assertInstanceOf(EngineUnavailableException.class, e.getCause());
                assertEquals(3, u.instancesTried().size(), "a fourth timeout would not fit: " + u.getMessage());
                assertTrue(u.getMessage().contains("budget"), u.getMessage());
                assertEquals(1, pool.upCount(), "the three that timed out are down, the untried one is not");

                CompletableFuture<EngineReply> anchored = pool.send(TestCalls.answer("held"),
                        Optional.of(held.instance()));
                CompletableFuture<EngineReply> everywhere = pool.send(TestCalls.delete("nobody-knows"),
                        Optional.empty());
                CompletableFuture<EngineReply> located = pool.send(TestCalls.answer("nobody-knows-either"),
                        Optional.empty());
                long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(limitMs);

                assertInstanceOf(NgTimeoutException.class, failure(anchored, deadline));
                assertInstanceOf(EngineUnavailableException.class, failure(everywhere, deadline));
                assertInstanceOf(EngineUnavailableException.class, failure(located, deadline));
            } finally {
                all.forEach(RtpEngineDaemon::resume);
            }
        }
    }

    /** The failure of {@code future}, which must come before {@code deadlineNanos}. */
    private static Throwable failure(CompletableFuture<EngineReply> future, long deadlineNanos) {
        long left = Math.max(1, deadlineNanos - System.nanoTime());
        return assertThrows(ExecutionException.class, () -> future.get(left, TimeUnit.NANOSECONDS),
                "no outcome within the budget").getCause();
    }
}
