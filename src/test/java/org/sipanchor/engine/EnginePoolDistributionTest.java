package org.sipanchor.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.sipanchor.testing.RtpEngineDaemon;

@DisplayName("EnginePool spreads new calls by weight over real rtpengine daemons")
class EnginePoolDistributionTest {

    @RegisterExtension
    static final RtpEngineDaemon HEAVY = RtpEngineDaemon.builder().build();
    @RegisterExtension
    static final RtpEngineDaemon LIGHT = RtpEngineDaemon.builder().build();

    /** Calls alive at once: each daemon has 500 RTP ports, and a call takes 4 of them. */
    private static final int BATCH = 120;

    @Test
    @DisplayName("3,000 offers with weights 2:1 land 2:1 on the daemons (within 3%), interleaved, never 3 in a row")
    void twoToOne() throws Exception {
        PrometheusRegistry registry = new PrometheusRegistry();
        try (EnginePool pool = EnginePool.start(TestCalls.config(Duration.ofSeconds(1), List.of(HEAVY, LIGHT), 2, 1),
                Duration.ofSeconds(1), registry)) {
            assertEquals(2, pool.upCount());
            List<String> sequence = new ArrayList<>();
            int onHeavy = 0;
            int onLight = 0;
            for (int batch = 0; batch < 3000 / BATCH; batch++) {
                List<CompletableFuture<EngineReply>> offers = new ArrayList<>();
                List<String> ids = new ArrayList<>();
                for (int i = 0; i < BATCH; i++) {
                    String id = "wrr-" + batch + "-" + i;
                    ids.add(id);
                    offers.add(pool.offer(TestCalls.offer(id))); // picked in this order, on this thread
                }
                for (CompletableFuture<EngineReply> f : offers) {
                    sequence.add(f.get().instance());
                }
                // What the daemons themselves hold, not what the pool believes.
                onHeavy += HEAVY.sessionCount();
                onLight += LIGHT.sessionCount();
                List<CompletableFuture<EngineReply>> deletes = new ArrayList<>();
                for (String id : ids) {
                    deletes.add(pool.send(TestCalls.delete(id), Optional.empty()));
                }
                for (CompletableFuture<EngineReply> f : deletes) {
                    assertTrue(f.get().reply().warning().isEmpty(), "delete found its call");
                }
            }
            assertEquals(3000, onHeavy + onLight, "every offer made exactly one session");
            double ratio = (double) onHeavy / onLight;
            System.out.printf("distribution: heavy %d, light %d, ratio %.4f%n", onHeavy, onLight, ratio);
            assertTrue(Math.abs(ratio - 2.0) / 2.0 <= 0.03, "ratio " + ratio);

            String heavy = TestCalls.name(HEAVY);
            int run = 0;
            int longest = 0;
            for (String s : sequence) {
                run = s.equals(heavy) ? run + 1 : 0;
                longest = Math.max(longest, run);
            }
            assertTrue(longest <= 2, "longest run on the heavy instance: " + longest);
            assertEquals(onHeavy, sequence.stream().filter(heavy::equals).count(), "replies agree with the daemons");

            ScrapedMetrics m = ScrapedMetrics.of(registry);
            assertEquals(onHeavy, m.value("sipanchor_ng_requests_total",
                    Map.of("instance", heavy, "command", "offer", "result", "ok")));
            assertEquals(onLight, m.value("sipanchor_ng_requests_total",
                    Map.of("instance", TestCalls.name(LIGHT), "command", "offer", "result", "ok")));
            assertEquals(0, HEAVY.sessionCount() + LIGHT.sessionCount());
            assertEquals(0, pool.anchoredCalls(), "deletes emptied the anchor table");
        }
    }
}
