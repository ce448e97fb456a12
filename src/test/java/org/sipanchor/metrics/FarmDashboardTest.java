package org.sipanchor.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.prometheus.metrics.model.registry.PrometheusRegistry;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import jakarta.json.JsonValue;
import java.io.Reader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.sipanchor.config.EngineInstanceConfig;
import org.sipanchor.config.EngineTransport;
import org.sipanchor.config.HostPort;
import org.sipanchor.config.ReconcileConfig;
import org.sipanchor.config.RtpEngineConfig;
import org.sipanchor.engine.EnginePool;
import org.sipanchor.engine.NodeMark;
import org.sipanchor.engine.Reconciler;
import org.sipanchor.ng.NgCommand;
import org.sipanchor.ng.NgRequest;
import org.sipanchor.testing.FreePorts;
import org.sipanchor.testing.RtpEngineDaemon;
import org.sipanchor.testing.SampleSdp;

/**
 * A farm's metrics: every series the endpoint serves carries the node's label, and the Grafana dashboard shipped in
 * {@code deploy/grafana/sipanchor-farm.json} asks only for series the server exports, filtered by that label. The
 * exporter is the real one (pool, reconciliation, endpoint) against a real RTPEngine, scraped over HTTP.
 */
@DisplayName("The farm's metrics: a node label on every series, and a dashboard that asks only for real series")
class FarmDashboardTest {

    /** Takes one call and refuses the next: offers fail over to {@link #LARGE}. */
    @RegisterExtension
    static final RtpEngineDaemon SMALL = RtpEngineDaemon.builder().extraArgs("--max-sessions=1").build();
    @RegisterExtension
    static final RtpEngineDaemon LARGE = RtpEngineDaemon.builder().build();

    private static final Path DASHBOARD = Path.of("deploy/grafana/sipanchor-farm.json");
    private static final Pattern SERIES = Pattern.compile("\\b(sipanchor_[a-z0-9_]+)");
    private static final Pattern TYPE = Pattern.compile("(?m)^# TYPE (\\S+) (counter|gauge|histogram)$");

    @Test
    @DisplayName("every series of /metrics carries node=\"<media.node_id>\", and every series the dashboard reads is exported")
    void dashboardReadsExportedSeries() throws Exception {
        String scrape = scrape("edge-1");

        List<String> samples = scrape.lines().filter(line -> !line.isBlank() && !line.startsWith("#")).toList();
        assertTrue(samples.size() > 20, "a pool with calls has many series:\n" + scrape);
        assertTrue(scrape.contains("jvm_gc_collection_seconds_count{"), "the JVM's series are there too:\n" + scrape);
        for (String sample : samples) {
            assertTrue(sample.contains("node=\"edge-1\""), "no node label: " + sample);
        }

        Set<String> exported = exportedSeries(scrape);
        Set<String> read = new TreeSet<>();
        List<String> expressions = expressions();
        assertTrue(expressions.size() >= 8, "the dashboard has panels for calls, latency, instances, failovers, reconciliation");
        for (String expression : expressions) {
            Matcher m = SERIES.matcher(expression);
            while (m.find()) {
                read.add(m.group(1));
            }
            assertTrue(expression.contains("node=~\"$node\""), "every query is filtered by the node variable: " + expression);
        }
        Set<String> missing = new TreeSet<>(read);
        missing.removeAll(exported);
        assertEquals(Set.of(), missing, "series the dashboard reads but no node exports (exported: " + exported + ")");
        for (String needed : List.of("sipanchor_media_live_calls", "sipanchor_ng_request_duration_seconds_bucket",
                "sipanchor_rtpengine_instances_up", "sipanchor_rtpengine_failovers_total", "sipanchor_rtpengine_reconciled_total")) {
            assertTrue(read.contains(needed), "the dashboard shows " + needed);
        }
    }

    @Test
    @DisplayName("the dashboard's node variable is read from a series every node exports")
    void nodeVariable() throws Exception {
        JsonObject dashboard = dashboard();
        JsonObject node = dashboard.getJsonObject("templating").getJsonArray("list").stream()
                .map(JsonValue::asJsonObject).filter(v -> v.getString("name").equals("node")).findFirst().orElseThrow();
        Matcher m = Pattern.compile("label_values\\((sipanchor_[a-z_]+), node\\)").matcher(node.getString("query"));
        assertTrue(m.matches(), node.getString("query"));
        assertTrue(exportedSeries(scrape("edge-2")).contains(m.group(1)));
    }

    @Test
    @DisplayName("without constant labels the scrape is the registry's own")
    void noLabelsByDefault() throws Exception {
        assertFalse(scrape(null).contains("node="));
    }

    /**
     * A pool of two RTPEngines (one full after a call, so that offers fail over) and reconciliation (which deletes the
     * calls left there, owned by no live call and without media), scraped over HTTP once reconciliation has deleted them
     * all: every kind of series then has figures.
     */
    private static String scrape(String node) throws Exception {
        PrometheusRegistry registry = JvmSeries.addTo(new PrometheusRegistry()); // as the application's
        RtpEngineConfig config = new RtpEngineConfig(List.of(new EngineInstanceConfig(HostPort.parse(SMALL.ngHostPort()), 1),
                new EngineInstanceConfig(HostPort.parse(LARGE.ngHostPort()), 1)), Duration.ofMillis(500), EngineTransport.UDP);
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        try (FreePorts.Block ports = FreePorts.claim();
                EnginePool pool = EnginePool.start(config, Duration.ofSeconds(1), registry);
                Reconciler reconciler = Reconciler.start(pool, new ReconcileConfig(true, Duration.ofMillis(200), Duration.ofMillis(200)),
                        NodeMark.of(node == null ? "test" : node), callId -> false, () -> 0, registry);
                MetricsEndpoint endpoint = MetricsEndpoint.start(new HostPort("127.0.0.1", ports.control(6)), registry,
                        node == null ? ConstantLabels.NONE : ConstantLabels.of("node", node), () -> true, () -> "ok")) {
            for (int i = 0; i < 4; i++) {
                String callId = "dashboard-" + node + "-" + i;
                pool.offer(NgRequest.builder(NgCommand.OFFER).callId(callId).fromTag("f").sdp(SampleSdp.plainAudio(callId, 40000)).build()).get();
            }
            URI metrics = URI.create("http://127.0.0.1:" + endpoint.address().getPort() + "/metrics");
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            String text;
            do {
                Thread.sleep(100);
                HttpResponse<String> response = http.send(HttpRequest.newBuilder(metrics).GET().build(), HttpResponse.BodyHandlers.ofString());
                assertEquals(200, response.statusCode());
                text = response.body();
            } while ((SMALL.sessionCount() + LARGE.sessionCount() > 0 || !text.contains("sipanchor_rtpengine_reconciled_total{"))
                    && System.nanoTime() < deadline);
            assertEquals(0, SMALL.sessionCount() + LARGE.sessionCount(), "reconciliation deleted the calls nobody owned");
            return text;
        }
    }

    /** The series names a scrape declares: a histogram's buckets, sum and count, a counter's total, a gauge. */
    private static Set<String> exportedSeries(String scrape) {
        Set<String> names = new TreeSet<>();
        Matcher m = TYPE.matcher(scrape);
        while (m.find()) {
            String name = m.group(1);
            names.add(name);
            if (m.group(2).equals("histogram")) {
                names.addAll(List.of(name + "_bucket", name + "_sum", name + "_count"));
            }
        }
        return names;
    }

    private static JsonObject dashboard() throws Exception {
        try (Reader in = Files.newBufferedReader(DASHBOARD); JsonReader json = Json.createReader(in)) {
            return json.readObject();
        }
    }

    private static List<String> expressions() throws Exception {
        List<String> expressions = new ArrayList<>();
        for (JsonValue panel : dashboard().getJsonArray("panels")) {
            for (JsonValue target : panel.asJsonObject().getJsonArray("targets")) {
                expressions.add(target.asJsonObject().getString("expr"));
            }
        }
        return expressions;
    }
}
