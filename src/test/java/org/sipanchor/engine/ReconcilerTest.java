package org.sipanchor.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.sipanchor.engine.EnginePoolHealthTest.awaitNanos;

import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.sipanchor.config.ReconcileConfig;
import org.sipanchor.ng.NgClient;
import org.sipanchor.ng.NgCommand;
import org.sipanchor.ng.NgReply;
import org.sipanchor.ng.NgRequest;
import org.sipanchor.sdp.SessionDescription;
import org.sipanchor.testing.RtpEndpoint;
import org.sipanchor.testing.RtpEngineDaemon;
import org.sipanchor.testing.SampleSdp;

/**
 * Reconciliation against a real RTPEngine, with a short interval and grace: calls left by a crashed node are made with
 * a raw NG client, as that node would have left them.
 */
@DisplayName("Reconciliation: RTPEngine's calls that no live call owns are deleted, but never a call still in use")
class ReconcilerTest {

    private static final Duration TIMEOUT = Duration.ofMillis(500);
    private static final Duration INTERVAL = Duration.ofMillis(200);
    private static final Duration GRACE = Duration.ofSeconds(2);
    private static final String RECONCILED = "sipanchor_rtpengine_reconciled_total";

    @RegisterExtension
    final RtpEngineDaemon daemon = RtpEngineDaemon.builder().build();

    private final Set<String> live = ConcurrentHashMap.newKeySet();
    private final NodeMark mark = new NodeMark("test-node", "1");
    private PrometheusRegistry registry;
    private EnginePool pool;
    private Reconciler reconciler;
    private NgClient crashedNode;

    @BeforeEach
    void start() {
        registry = new PrometheusRegistry();
        pool = EnginePool.start(TestCalls.config(TIMEOUT, List.of(daemon)), Duration.ofSeconds(1), registry);
        reconciler = Reconciler.start(pool, new ReconcileConfig(true, INTERVAL, GRACE), mark, live::contains,
                live::size, registry);
        crashedNode = NgClient.builder().address(daemon.ngAddress()).timeout(TIMEOUT).build();
    }

    @AfterEach
    void stop() {
        crashedNode.close();
        reconciler.close();
        pool.close();
    }

    @Test
    @DisplayName("a call nobody here knows, unmarked and without media (a crashed node's), is deleted after the grace")
    void idleUnknownCallDeletedAfterGrace() throws Exception {
        long created = System.nanoTime();
        crashedNode.execute(offer("crashed-1", 40000, Optional.empty()));
        assertEquals(1, daemon.sessionCount());
        long deleted = awaitNanos(() -> daemon.sessionCount() == 0, 15_000);
        assertTrue(deleted - created >= GRACE.toNanos(), "not before the grace period: after "
                + TimeUnit.NANOSECONDS.toMillis(deleted - created) + " ms");
        assertEquals(1, reconciled());
    }

    @Test
    @DisplayName("a call another node marked, without media, is deleted after the grace too")
    void idleForeignCallDeleted() throws Exception {
        crashedNode.execute(offer("foreign-1", 40000, Optional.of(new NodeMark("other-node", "1").label())));
        awaitNanos(() -> daemon.sessionCount() == 0, 15_000);
        assertEquals(1, reconciled());
    }

    @Test
    @DisplayName("a live call of this server is never deleted, however long it stays idle")
    void liveCallKept() throws Exception {
        live.add("live-1");
        pool.offer(offer("live-1", 40000, Optional.of(mark.label()))).get();
        long from = reconciler.rounds();
        long roundsOverTwoGraces = 2 * GRACE.toMillis() / INTERVAL.toMillis() + 2;
        awaitNanos(() -> reconciler.rounds() >= from + roundsOverTwoGraces, 30_000);
        assertEquals(1, daemon.sessionCount(), "still there after two grace periods of rounds");
        assertEquals(0, reconciled());
        assertEquals(1, ScrapedMetrics.of(registry).value("sipanchor_rtpengine_sessions",
                Map.of("instance", TestCalls.name(daemon))));
        assertEquals(1, ScrapedMetrics.of(registry).value("sipanchor_media_live_calls", Map.of()));
        pool.send(TestCalls.delete("live-1"), Optional.empty()).get();
    }

    @Test
    @DisplayName("an unknown call whose media flows is kept through the grace, and deleted once its media stops")
    void flowingMediaProtectsUnknownCall() throws Exception {
        try (RtpEndpoint caller = new RtpEndpoint(); RtpEndpoint callee = new RtpEndpoint()) {
            crashedNode.execute(offer("flowing-1", caller.port(), Optional.of(new NodeMark("other-node", "1").label())));
            NgReply answered = crashedNode.execute(NgRequest.builder(NgCommand.ANSWER).callId("flowing-1")
                    .fromTag("from-flowing-1").toTag("to-flowing-1")
                    .sdp(SampleSdp.plainAudio("flowing-1", callee.port())).build());
            int port = SessionDescription.parse(answered.sdp()).media().get(0).port();
            InetSocketAddress toRtpEngine = new InetSocketAddress(InetAddress.getLoopbackAddress(), port);
            AtomicBoolean talking = new AtomicBoolean(true);
            Thread media = new Thread(() -> {
                try {
                    while (talking.get()) {
                        caller.sendPcmu(toRtpEngine, 5);
                    }
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }, "caller-media");
            media.start();
            try {
                long from = reconciler.rounds();
                long roundsOverTwoGraces = 2 * GRACE.toMillis() / INTERVAL.toMillis() + 2;
                awaitNanos(() -> reconciler.rounds() >= from + roundsOverTwoGraces, 30_000);
                assertTrue(!callee.received().isEmpty(), "media flows through RTPEngine");
                assertEquals(1, daemon.sessionCount(), "a call whose media flows is kept, whoever owns it");
                assertEquals(0, reconciled());
            } finally {
                talking.set(false);
                media.join();
            }
            long stopped = System.nanoTime();
            long deleted = awaitNanos(() -> daemon.sessionCount() == 0, 15_000);
            assertTrue(deleted - stopped >= GRACE.toNanos() - TimeUnit.SECONDS.toNanos(1),
                    "deleted only about a grace period after its media stopped");
            assertEquals(1, reconciled());
        }
    }

    @Test
    @DisplayName("a call this very process offered that no live call owns any more is deleted after the grace")
    void ownUnownedCallDeleted() throws Exception {
        pool.offer(offer("own-1", 40000, Optional.of(mark.label()))).get();
        awaitNanos(() -> daemon.sessionCount() == 0, 15_000);
        assertEquals(1, reconciled());
    }

    @Test
    @DisplayName("media.reconcile off: nothing is ever deleted")
    void off() throws Exception {
        reconciler.close();
        reconciler = Reconciler.start(pool, ReconcileConfig.OFF, mark, live::contains, live::size,
                new PrometheusRegistry());
        crashedNode.execute(offer("off-1", 40000, Optional.empty()));
        // Nothing to poll for when nothing runs: two graces of the enabled configuration, then the call is still there.
        EnginePoolHealthTest.pause(2 * GRACE.toMillis());
        assertEquals(1, daemon.sessionCount());
        assertEquals(0, reconciled());
        crashedNode.execute(TestCalls.delete("off-1"));
    }

    private double reconciled() {
        return ScrapedMetrics.of(registry).value(RECONCILED, Map.of("instance", TestCalls.name(daemon)));
    }

    private static NgRequest offer(String callId, int port, Optional<String> label) {
        NgRequest.Builder b = NgRequest.builder(NgCommand.OFFER).callId(callId).fromTag("from-" + callId)
                .sdp(SampleSdp.plainAudio(callId, port));
        label.ifPresent(b::label);
        return b.build();
    }
}
