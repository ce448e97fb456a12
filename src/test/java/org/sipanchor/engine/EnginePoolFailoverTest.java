package org.sipanchor.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.sipanchor.engine.EnginePoolHealthTest.awaitNanos;
import static org.sipanchor.engine.EnginePoolHealthTest.pause;

import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.sipanchor.config.EngineInstanceConfig;
import org.sipanchor.config.EngineTransport;
import org.sipanchor.config.HostPort;
import org.sipanchor.config.RtpEngineConfig;
import org.sipanchor.ng.NgCommand;
import org.sipanchor.ng.NgErrorException;
import org.sipanchor.ng.NgRequest;
import org.sipanchor.ng.NgTimeoutException;
import org.sipanchor.testing.FreePorts;
import org.sipanchor.testing.RtpEngineDaemon;

@DisplayName("EnginePool failover: full and frozen instances, errors that are not failed over, nothing leaked")
class EnginePoolFailoverTest {

    private static final Duration TIMEOUT = Duration.ofMillis(300);
    private static final Duration INTERVAL = Duration.ofSeconds(1);

    @RegisterExtension
    final RtpEngineDaemon full = RtpEngineDaemon.builder().extraArgs("--max-sessions=5").build();
    @RegisterExtension
    final RtpEngineDaemon other = RtpEngineDaemon.builder().build();

    @Test
    @DisplayName("a daemon at its session limit (--max-sessions): new calls go to the other one, none fails")
    void sessionLimit() throws Exception {
        PrometheusRegistry registry = new PrometheusRegistry();
        try (EnginePool pool = EnginePool.start(TestCalls.config(TIMEOUT, List.of(full, other), 1, 1), INTERVAL,
                registry)) {
            List<String> ids = new ArrayList<>();
            for (int i = 0; i < 40; i++) {
                String id = "limit-" + i;
                ids.add(id);
                pool.offer(TestCalls.offer(id)).get(); // throws if any call failed
            }
            assertEquals(5, full.sessionCount());
            assertEquals(35, other.sessionCount());
            ScrapedMetrics m = ScrapedMetrics.of(registry);
            String fullName = TestCalls.name(full);
            // The rotation sent 20 offers to the full daemon: 5 taken, 15 refused and moved on.
            assertEquals(15, m.value("sipanchor_rtpengine_failovers_total", Map.of("instance", fullName)));
            assertEquals(15, m.value("sipanchor_ng_requests_total", Map.of("instance", fullName, "command", "offer",
                    "result", "load_limit")));
            assertEquals(2, pool.upCount(), "a full instance is not a dead one");
            for (String id : ids) {
                pool.send(TestCalls.delete(id), Optional.empty()).get();
            }
            assertEquals(0, full.sessionCount() + other.sessionCount());
        }
    }

    @Test
    @DisplayName("an error about the request itself (unparsable SDP) is the caller's: not failed over, one attempt")
    void requestErrorNotFailedOver() throws Exception {
        PrometheusRegistry registry = new PrometheusRegistry();
        try (EnginePool pool = EnginePool.start(TestCalls.config(TIMEOUT, List.of(full, other), 1, 1), INTERVAL,
                registry)) {
            NgRequest bad = NgRequest.builder(NgCommand.OFFER).callId("bad-sdp").fromTag("f").sdp("garbage\r\n")
                    .build();
            ExecutionException e = assertThrows(ExecutionException.class, () -> pool.offer(bad).get());
            NgErrorException error = assertInstanceOf(NgErrorException.class, e.getCause());
            assertFalse(error.isCapacityRefusal());
            assertTrue(error.getMessage().contains("bad-sdp"), error.getMessage());
            ScrapedMetrics m = ScrapedMetrics.of(registry);
            assertEquals(1, m.value("sipanchor_ng_requests_total", Map.of("command", "offer")), "one attempt");
            assertEquals(0, m.value("sipanchor_rtpengine_failovers_total"));
            assertEquals(0, full.sessionCount() + other.sessionCount());
        }
    }

    @Test
    @DisplayName("no instance up: the offer fails at once with EngineUnavailableException naming the Call-ID")
    void nothingUp() throws Exception {
        try (FreePorts.Block nobody = FreePorts.claim()) {
            RtpEngineConfig config = new RtpEngineConfig(List.of(
                    new EngineInstanceConfig(new HostPort("127.0.0.1", nobody.control(3)), 1),
                    new EngineInstanceConfig(new HostPort("127.0.0.1", nobody.control(4)), 1)),
                    TIMEOUT, EngineTransport.UDP);
            long t0 = System.nanoTime();
            try (EnginePool pool = EnginePool.start(config, INTERVAL, new PrometheusRegistry())) {
                assertTrue(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0) < TIMEOUT.toMillis() + 1000);
                assertEquals(0, pool.upCount());
                ExecutionException e = assertThrows(ExecutionException.class,
                        () -> pool.offer(TestCalls.offer("nowhere")).get(1, TimeUnit.SECONDS));
                EngineUnavailableException u = assertInstanceOf(EngineUnavailableException.class, e.getCause());
                assertEquals(Optional.of("nowhere"), u.callId());
                assertEquals(NgCommand.OFFER, u.command());
                assertTrue(u.getMessage().contains("no instance is up (0 of 2)"), u.getMessage());
                assertInstanceOf(EngineUnavailableException.class, assertThrows(ExecutionException.class,
                        () -> pool.send(TestCalls.delete("nowhere"), Optional.empty()).get()).getCause());
            }
        }
    }

    @Test
    @DisplayName("a frozen daemon (SIGSTOP): the offer moves on; the call it creates when it wakes is deleted there")
    void frozenInstanceLeavesNoOrphan() throws Exception {
        PrometheusRegistry registry = new PrometheusRegistry();
        // "other" first: on equal weights the first instance gets the first call.
        try (EnginePool pool = EnginePool.start(TestCalls.config(TIMEOUT, List.of(other, full), 1, 1), INTERVAL,
                registry)) {
            String frozen = TestCalls.name(other);
            other.pause();
            try {
                long t0 = System.nanoTime();
                EngineReply reply = pool.offer(TestCalls.offer("orphan-1")).get(5, TimeUnit.SECONDS);
                long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
                assertEquals(TestCalls.name(full), reply.instance(), "taken by the other instance");
                assertTrue(ms < 2 * TIMEOUT.toMillis() + 500, "one timeout, then the next instance: " + ms + " ms");
                assertFalse(pool.instances().get(0).up(), "the frozen one is out of rotation at once");
                assertEquals(1, pool.orphans(frozen), "its possible copy of the call is remembered");
                pause(TIMEOUT.toMillis() + 200); // the immediate delete times out too: still an orphan
                assertEquals(1, pool.orphans(frozen));
            } finally {
                other.resume();
            }
            // Awake, it handles the queued offer (creating the call) and answers the next ping; then the delete.
            awaitNanos(() -> pool.orphans(frozen) == 0, 4 * INTERVAL.toMillis());
            assertTrue(Files.readString(other.logFile()).contains("[orphan-1]: [core] Creating new call"),
                    "the frozen daemon did create the call when it woke up");
            assertEquals(0, other.sessionCount(), "and it was deleted there");
            assertEquals(1, full.sessionCount());
            assertTrue(pool.instances().get(0).up());
            ScrapedMetrics m = ScrapedMetrics.of(registry);
            assertEquals(1, m.value("sipanchor_rtpengine_failovers_total", Map.of("instance", frozen)));
            assertTrue(m.value("sipanchor_ng_retransmissions_total", Map.of("instance", frozen)) > 0);
            assertEquals(1, m.value("sipanchor_ng_requests_total", Map.of("instance", frozen, "command", "offer",
                    "result", "timeout")));
            // Its late replies to what had timed out meanwhile are dropped and counted, not matched to anything.
            awaitNanos(() -> ScrapedMetrics.of(registry).value("sipanchor_ng_stray_replies_total",
                    Map.of("instance", frozen, "reason", "duplicate")) > 0, 2000);
            EngineReply deleted = pool.send(TestCalls.delete("orphan-1"), Optional.empty()).get();
            assertEquals(TestCalls.name(full), deleted.instance(), "affinity: the delete went where the call is");
            assertEquals(0, full.sessionCount());
        }
    }

    @Test
    @DisplayName("a delete that times out on a frozen daemon is sent again when it wakes: its session is released")
    void deleteTimedOutIsRetried() throws Exception {
        try (EnginePool pool = EnginePool.start(TestCalls.config(TIMEOUT, List.of(other, full), 1, 1), INTERVAL,
                new PrometheusRegistry())) {
            EngineReply offered = pool.offer(TestCalls.offer("late-delete")).get();
            assertEquals(TestCalls.name(other), offered.instance());
            other.pause();
            try {
                ExecutionException e = assertThrows(ExecutionException.class, () -> pool.send(
                        TestCalls.delete("late-delete"), Optional.of(offered.instance())).get(5, TimeUnit.SECONDS));
                assertInstanceOf(NgTimeoutException.class, e.getCause());
                assertEquals(1, pool.orphans(offered.instance()));
            } finally {
                other.resume();
            }
            awaitNanos(() -> pool.orphans(offered.instance()) == 0, 4 * INTERVAL.toMillis());
            assertEquals(0, other.sessionCount());
        }
    }

    @Test
    @DisplayName("over TCP: calls work, and a killed daemon is down at the first refused connection")
    void tcp() throws Exception {
        RtpEngineConfig config = new RtpEngineConfig(List.of(
                new EngineInstanceConfig(TestCalls.tcp(other), 1),
                new EngineInstanceConfig(TestCalls.tcp(full), 1)), TIMEOUT, EngineTransport.TCP);
        try (EnginePool pool = EnginePool.start(config, INTERVAL, new PrometheusRegistry())) {
            assertEquals(2, pool.upCount());
            for (int i = 0; i < 4; i++) {
                String id = "tcp-" + i;
                EngineReply offered = pool.offer(TestCalls.offer(id)).get();
                assertEquals(offered.instance(), pool.send(TestCalls.answer(id), Optional.empty()).get().instance());
                pool.send(TestCalls.delete(id), Optional.empty()).get();
            }
            other.kill();
            for (int i = 0; i < 4; i++) {
                assertEquals(TestCalls.tcp(full).toString(), pool.offer(TestCalls.offer("tcp-after-" + i)).get()
                        .instance(), "every call on the survivor");
            }
            assertEquals(1, pool.upCount());
            assertEquals(4, full.sessionCount());
            for (int i = 0; i < 4; i++) {
                pool.send(TestCalls.delete("tcp-after-" + i), Optional.empty()).get();
            }
            assertEquals(0, full.sessionCount());
        }
    }
}
