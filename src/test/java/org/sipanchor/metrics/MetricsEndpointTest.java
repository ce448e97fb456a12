package org.sipanchor.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.sipanchor.config.EngineInstanceConfig;
import org.sipanchor.config.EngineTransport;
import org.sipanchor.config.HostPort;
import org.sipanchor.config.RtpEngineConfig;
import org.sipanchor.engine.EnginePool;
import org.sipanchor.engine.EngineReply;
import org.sipanchor.ng.NgCommand;
import org.sipanchor.ng.NgRequest;
import org.sipanchor.testing.FreePorts;
import org.sipanchor.testing.RtpEngineDaemon;
import org.sipanchor.testing.SampleSdp;

@DisplayName("MetricsEndpoint: /metrics in Prometheus text format, /health 200 or 503, loopback only")
class MetricsEndpointTest {

    @RegisterExtension
    static final RtpEngineDaemon ONE = RtpEngineDaemon.builder().extraArgs("--max-sessions=2").build();
    @RegisterExtension
    static final RtpEngineDaemon TWO = RtpEngineDaemon.builder().build();

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private FreePorts.Block ports;
    private HostPort listen;

    @BeforeEach
    void claimPort() {
        ports = FreePorts.claim();
        listen = new HostPort("127.0.0.1", ports.control(5));
    }

    @AfterEach
    void releasePort() {
        ports.close();
    }

    private HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create("http://" + listen + path)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static double sample(String text, String line) {
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(line) + " (\\S+)$").matcher(text);
        assertTrue(m.find(), "no sample " + line + " in\n" + text);
        return Double.parseDouble(m.group(1));
    }

    @Test
    @DisplayName("/metrics has every family, and its figures match what the daemons report (rtpengine-ctl)")
    void metricsMatchTheDaemons() throws Exception {
        PrometheusRegistry registry = new PrometheusRegistry();
        RtpEngineConfig config = new RtpEngineConfig(List.of(
                new EngineInstanceConfig(HostPort.parse(ONE.ngHostPort()), 1),
                new EngineInstanceConfig(HostPort.parse(TWO.ngHostPort()), 1)),
                Duration.ofMillis(500), EngineTransport.UDP);
        try (EnginePool pool = EnginePool.start(config, Duration.ofSeconds(1), registry);
                MetricsEndpoint endpoint = MetricsEndpoint.start(listen, registry, () -> pool.upCount() > 0,
                        () -> "up " + pool.upCount() + " of " + pool.instances().size())) {
            assertEquals(InetAddress.getByName("127.0.0.1"), endpoint.address().getAddress(), "loopback only");
            for (int i = 0; i < 8; i++) { // ONE takes 2 (its --max-sessions), refuses 2: failovers
                pool.offer(NgRequest.builder(NgCommand.OFFER).callId("m-" + i).fromTag("f")
                        .sdp(SampleSdp.plainAudio("m-" + i, 40000)).build()).get();
            }
            pool.send(NgRequest.delete("never-existed"), Optional.empty()).get(); // ok + warning on both

            HttpResponse<String> r = get("/metrics");
            assertEquals(200, r.statusCode());
            assertEquals("text/plain; version=0.0.4; charset=utf-8",
                    r.headers().firstValue("Content-Type").orElse(""));
            String text = r.body();
            for (String family : List.of("sipanchor_rtpengine_instances_up gauge", "sipanchor_rtpengine_up gauge",
                    "sipanchor_ng_requests_total counter", "sipanchor_ng_request_duration_seconds histogram",
                    "sipanchor_rtpengine_failovers_total counter", "sipanchor_ng_retransmissions_total counter")) {
                assertTrue(text.contains("# TYPE " + family), "family " + family + " in\n" + text);
            }
            String one = ONE.ngHostPort();
            String two = TWO.ngHostPort();
            assertEquals(2, sample(text, "sipanchor_rtpengine_instances_up"));
            assertEquals(1, sample(text, "sipanchor_rtpengine_up{instance=\"" + one + "\"}"));
            // What each daemon itself counts equals the offers the endpoint says it took.
            assertEquals(ONE.sessionCount(), sample(text, "sipanchor_ng_requests_total{command=\"offer\",instance=\""
                    + one + "\",result=\"ok\"}"));
            assertEquals(TWO.sessionCount(), sample(text, "sipanchor_ng_requests_total{command=\"offer\",instance=\""
                    + two + "\",result=\"ok\"}"));
            assertEquals(2, ONE.sessionCount());
            assertEquals(2, sample(text, "sipanchor_rtpengine_failovers_total{instance=\"" + one + "\"}"));
            assertEquals(1, sample(text, "sipanchor_ng_requests_total{command=\"delete\",instance=\"" + two
                    + "\",result=\"warning\"}"));
            assertTrue(sample(text, "sipanchor_ng_request_duration_seconds_count{command=\"offer\",instance=\""
                    + two + "\"}") >= 6);

            HttpResponse<String> health = get("/health");
            assertEquals(200, health.statusCode());
            assertEquals("up 2 of 2\n", health.body());
            for (int i = 0; i < 8; i++) {
                pool.send(NgRequest.delete("m-" + i), Optional.empty()).get();
            }
            assertEquals(0, ONE.sessionCount() + TWO.sessionCount());
        }
    }

    @Test
    @DisplayName("/health is 503 when no instance is up")
    void healthWhenAllDown() throws Exception {
        RtpEngineConfig config = new RtpEngineConfig(List.of(
                new EngineInstanceConfig(new HostPort("127.0.0.1", ports.control(3)), 1),
                new EngineInstanceConfig(new HostPort("127.0.0.1", ports.control(4)), 1)),
                Duration.ofMillis(200), EngineTransport.UDP);
        PrometheusRegistry registry = new PrometheusRegistry();
        try (EnginePool pool = EnginePool.start(config, Duration.ofSeconds(1), registry);
                MetricsEndpoint endpoint = MetricsEndpoint.start(listen, registry, () -> pool.upCount() > 0,
                        () -> "up " + pool.upCount() + " of " + pool.instances().size())) {
            HttpResponse<String> health = get("/health");
            assertEquals(503, health.statusCode());
            assertEquals("up 0 of 2\n", health.body());
            String text = get("/metrics").body();
            assertEquals(0, sample(text, "sipanchor_rtpengine_instances_up"));
            assertEquals(0, sample(text, "sipanchor_rtpengine_up{instance=\"127.0.0.1:" + ports.control(3) + "\"}"));
        }
    }

    @Test
    @DisplayName("health follows the supplier at every request")
    void healthFollowsSupplier() throws Exception {
        AtomicBoolean healthy = new AtomicBoolean(true);
        try (MetricsEndpoint endpoint = MetricsEndpoint.start(listen, new PrometheusRegistry(), healthy::get,
                () -> healthy.get() ? "fine" : "not fine")) {
            assertEquals(200, get("/health").statusCode());
            healthy.set(false);
            HttpResponse<String> r = get("/health");
            assertEquals(503, r.statusCode());
            assertEquals("not fine\n", r.body());
        }
    }

    @Test
    @DisplayName("404 for other paths, 405 for other methods")
    void notFoundAndMethodNotAllowed() throws Exception {
        PrometheusRegistry registry = new PrometheusRegistry();
        Counter.builder().name("test_things").help("things").register(registry).inc();
        try (MetricsEndpoint endpoint = MetricsEndpoint.start(listen, registry, () -> true, () -> "ok")) {
            assertEquals(404, get("/").statusCode());
            assertEquals(404, get("/metrics/extra").statusCode());
            assertEquals(404, get("/healthz").statusCode());
            HttpResponse<String> post = http.send(HttpRequest.newBuilder(URI.create("http://" + listen + "/metrics"))
                    .POST(HttpRequest.BodyPublishers.ofString("x")).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(405, post.statusCode());
            assertEquals("GET", post.headers().firstValue("Allow").orElse(""));
            assertTrue(get("/metrics").body().contains("test_things_total 1.0"));
        }
    }

    @Test
    @DisplayName("an address in use is a MetricsBindException naming it")
    void bindFailure() {
        try (MetricsEndpoint first = MetricsEndpoint.start(listen, new PrometheusRegistry(), () -> true, () -> "")) {
            MetricsBindException e = assertThrows(MetricsBindException.class,
                    () -> MetricsEndpoint.start(listen, new PrometheusRegistry(), () -> true, () -> ""));
            assertEquals(listen, e.address());
            assertTrue(e.getMessage().contains(listen.toString()), e.getMessage());
        }
    }
}
