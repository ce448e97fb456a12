package org.sipanchor.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.sipanchor.engine.EnginePoolHealthTest.awaitNanos;

import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.sipanchor.ng.NgRequest;
import org.sipanchor.testing.RtpEngineDaemon;

@DisplayName("EnginePool releases: confirmed by RTPEngine, or kept and deleted again until they are")
class EnginePoolReleaseTest {

    private static final Duration TIMEOUT = Duration.ofMillis(300);
    private static final Duration INTERVAL = Duration.ofSeconds(1);
    private static final String PENDING = "sipanchor_media_pending_releases";

    @RegisterExtension
    final RtpEngineDaemon daemon = RtpEngineDaemon.builder().build();

    @Test
    @DisplayName("a delete RTPEngine confirms is DELETED; a second one, of a call it no longer has, is NOT_FOUND")
    void confirmed() throws Exception {
        try (EnginePool pool = EnginePool.start(TestCalls.config(TIMEOUT, List.of(daemon)), INTERVAL,
                new PrometheusRegistry())) {
            String anchor = pool.offer(TestCalls.offer("confirmed-1")).get().instance();
            assertEquals(ReleaseResult.DELETED, pool.release("confirmed-1", Optional.of(anchor)).get());
            assertEquals(ReleaseResult.NOT_FOUND, pool.release("confirmed-1", Optional.of(anchor)).get());
            assertEquals(0, pool.pendingReleases());
            assertEquals(0, daemon.sessionCount());
        }
    }

    @Test
    @DisplayName("a delete that times out (frozen daemon) is PENDING, counted, and confirmed once the daemon is back")
    void timedOutDeleteIsRetried() throws Exception {
        PrometheusRegistry registry = new PrometheusRegistry();
        try (EnginePool pool = EnginePool.start(TestCalls.config(TIMEOUT, List.of(daemon)), INTERVAL, registry)) {
            String anchor = pool.offer(TestCalls.offer("frozen-1")).get().instance();
            daemon.pause();
            try {
                assertEquals(ReleaseResult.PENDING, pool.release("frozen-1", Optional.of(anchor))
                        .get(pool.budget().toMillis() + 1000, TimeUnit.MILLISECONDS));
                assertEquals(1, pool.pendingReleases());
                assertTrue(pool.isReleasePending("frozen-1"));
                assertEquals(1, ScrapedMetrics.of(registry).value(PENDING, Map.of()));
            } finally {
                daemon.resume();
            }
            awaitNanos(() -> pool.pendingReleases() == 0, 15_000);
            assertEquals(0, daemon.sessionCount());
            assertEquals(0, ScrapedMetrics.of(registry).value(PENDING, Map.of()));
        }
    }

    @Test
    @DisplayName("a delete the client refuses itself (its bound on requests in flight) is kept and sent when it can be")
    void refusedDeleteIsRetried() throws Exception {
        try (EnginePool pool = EnginePool.start(TestCalls.config(Duration.ofSeconds(3), List.of(daemon)), INTERVAL,
                new PrometheusRegistry())) {
            String anchor = pool.offer(TestCalls.offer("refused-1")).get().instance();
            daemon.pause();
            List<CompletableFuture<EngineReply>> filling = new ArrayList<>();
            try {
                // The frozen daemon answers nothing: these queries fill the client's bound of requests in flight.
                for (int i = 0; i < EnginePool.MAX_IN_FLIGHT; i++) {
                    filling.add(pool.send(NgRequest.query("refused-1"), Optional.of(anchor)));
                }
                CompletableFuture<ReleaseResult> release = pool.release("refused-1", Optional.of(anchor));
                assertEquals(ReleaseResult.PENDING, release.get(1, TimeUnit.SECONDS), "refused at once, not sent");
                assertEquals(1, pool.pendingReleases());
            } finally {
                daemon.resume();
            }
            awaitNanos(() -> pool.pendingReleases() == 0, 15_000);
            awaitNanos(() -> daemon.sessionCount() == 0, 5_000);
            filling.forEach(f -> f.handle((reply, e) -> null).join());
        }
    }

}
