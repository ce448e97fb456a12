package org.sipanchor.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.sipanchor.config.EngineInstanceConfig;
import org.sipanchor.config.EngineTransport;
import org.sipanchor.config.HostPort;
import org.sipanchor.config.RtpEngineConfig;
import org.sipanchor.ng.NgRequest;
import org.sipanchor.testing.FreePorts;

/** What does not need a running daemon: configuration, registry, misuse, close. Instances here answer nothing. */
@DisplayName("EnginePool lifecycle: configuration checks, its own metrics on the given registry, misuse, close")
class EnginePoolLifecycleTest {

    private FreePorts.Block ports;
    private RtpEngineConfig silent;

    @BeforeEach
    void silentInstances() {
        ports = FreePorts.claim();
        silent = new RtpEngineConfig(List.of(new EngineInstanceConfig(new HostPort("127.0.0.1", ports.control(3)), 2),
                new EngineInstanceConfig(new HostPort("127.0.0.1", ports.control(4)), 1)), Duration.ofMillis(100),
                EngineTransport.UDP);
    }

    @AfterEach
    void release() {
        ports.close();
    }

    @Test
    @DisplayName("instances() reports address, weight, down with the reason, in configuration order")
    void status() {
        try (EnginePool pool = EnginePool.start(silent, Duration.ofSeconds(5), new PrometheusRegistry())) {
            List<EngineStatus> all = pool.instances();
            assertEquals(2, all.size());
            assertEquals("127.0.0.1:" + ports.control(3), all.get(0).address());
            assertEquals(2, all.get(0).weight());
            assertFalse(all.get(0).up());
            assertTrue(all.get(0).lastError().orElseThrow().contains("no reply within 100 ms"), all.toString());
            assertEquals(0, pool.upCount());
        }
    }

    @Test
    @DisplayName("metrics go on the given registry only; a second pool on it is refused; close unregisters them")
    void registry() {
        PrometheusRegistry registry = new PrometheusRegistry();
        EnginePool pool = EnginePool.start(silent, Duration.ofSeconds(5), registry);
        assertEquals(0, ScrapedMetrics.of(PrometheusRegistry.defaultRegistry).value(
                "sipanchor_rtpengine_instances_up"), "nothing on the global registry");
        assertTrue(ScrapedMetrics.of(registry).text().contains("sipanchor_rtpengine_instances_up 0"));
        assertThrows(IllegalStateException.class, () -> EnginePool.start(silent, Duration.ofSeconds(5), registry));
        pool.close();
        assertFalse(ScrapedMetrics.of(registry).text().contains("sipanchor_"), "unregistered on close");
        EnginePool.start(silent, Duration.ofSeconds(5), registry).close(); // and the registry is usable again
    }

    @Test
    @DisplayName("the same address twice, or no instance at all, is refused")
    void configuration() {
        HostPort one = new HostPort("127.0.0.1", ports.control(3));
        RtpEngineConfig twice = new RtpEngineConfig(List.of(new EngineInstanceConfig(one, 1),
                new EngineInstanceConfig(one, 1)), Duration.ofMillis(100), EngineTransport.UDP);
        assertThrows(IllegalArgumentException.class,
                () -> EnginePool.start(twice, Duration.ofSeconds(5), new PrometheusRegistry()));
        RtpEngineConfig none = new RtpEngineConfig(List.of(), Duration.ofMillis(100), EngineTransport.UDP);
        assertThrows(IllegalArgumentException.class,
                () -> EnginePool.start(none, Duration.ofSeconds(5), new PrometheusRegistry()));
    }

    @Test
    @DisplayName("offer() takes only an offer with a call-id; send() without call-id needs an anchor")
    void misuse() {
        try (EnginePool pool = EnginePool.start(silent, Duration.ofSeconds(5), new PrometheusRegistry())) {
            assertInstanceOf(IllegalArgumentException.class, assertThrows(ExecutionException.class,
                    () -> pool.offer(NgRequest.delete("x")).get()).getCause());
            assertInstanceOf(IllegalArgumentException.class, assertThrows(ExecutionException.class,
                    () -> pool.send(NgRequest.statistics(), Optional.empty()).get()).getCause());
        }
    }

    @Test
    @DisplayName("after close: requests fail with EngineUnavailableException, the health thread is gone")
    void close() throws Exception {
        EnginePool pool = EnginePool.start(silent, Duration.ofMillis(50), new PrometheusRegistry());
        assertTrue(Thread.getAllStackTraces().keySet().stream()
                .anyMatch(t -> t.getName().equals("rtpengine-health") && t.isDaemon()));
        pool.close();
        pool.close(); // idempotent
        ExecutionException e = assertThrows(ExecutionException.class, () -> pool.offer(TestCalls.offer("c")).get());
        assertTrue(e.getCause().getMessage().contains("closed"), e.getCause().getMessage());
        EnginePoolHealthTest.awaitNanos(() -> Thread.getAllStackTraces().keySet().stream()
                .noneMatch(t -> t.getName().equals("rtpengine-health") && t.isAlive()), 2000);
    }
}
