package org.sipanchor.servlet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.sipanchor.testing.AnchoredSdp.assertAnchored;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.sipanchor.testing.AnchoredSdp;
import org.sipanchor.testing.LibertyServer;
import org.sipanchor.testing.LoopbackPorts;
import org.sipanchor.testing.RtpEngineDaemon;
import org.sipanchor.testing.SipMessageTrace;
import org.sipanchor.testing.Sipp;

/**
 * What only Open Liberty has: the {@code .sar} deployed by {@code <application type="sar">} on a server of its own,
 * {@code sipanchor.yaml} found next to {@code server.xml} with no system property, a warning for each setting that
 * Liberty owns, {@code /metrics} on sipanchor's own listener, and a clean stop of the whole server. The shared
 * scenarios (ProxyMediaIT, B2buaMediaIT, ...) run on Liberty in the same build with the war.
 */
@DisplayName("sipanchor on Open Liberty")
class LibertyDeploymentIT {

    private static final Path SAR = LibertyServer.bundledWar().resolveSibling("sipanchor.sar");
    private static final RtpEngineDaemon rtpengine = RtpEngineDaemon.builder().build();
    private static final HttpClient http = HttpClient.newHttpClient();
    private static final int calleePort = LoopbackPorts.free();
    private static final int metricsPort = LoopbackPorts.free();
    private static LibertyServer liberty;

    @BeforeAll
    static void deploySar() {
        rtpengine.start();
        // written as for the launcher: sip.listen and log.level are the container's on Liberty
        String yaml = """
                sip:
                  listen:
                    - { transport: udp, address: "127.0.0.1:5060" }
                app:
                  mode: b2bua
                  next_hop: "sip:127.0.0.1:%d"
                  auth: off
                media:
                  rtpengine:
                    address: "%s"
                metrics:
                  listen: "127.0.0.1:%d"
                log:
                  level: debug
                  sip_trace: false
                """.formatted(calleePort, rtpengine.ngHostPort(), metricsPort);
        liberty = LibertyServer.start(yaml, LoopbackPorts.free(), SAR, List.of());
    }

    @AfterEach
    void noSessionLeft() {
        AnchoredSdp.assertNoSessionLeft(rtpengine);
    }

    @AfterAll
    static void stopServer() {
        try {
            if (liberty != null) {
                liberty.stopCleanly();
            }
        } finally {
            rtpengine.close();
        }
    }

    @Test
    @DisplayName("the .sar runs the bundled B2BUA: a call anchored both ways, media released on BYE")
    void sarAnchorsCalls() {
        try (Sipp callee = Sipp.scenario("uas-answer.xml").port(calleePort).start();
                Sipp caller = Sipp.scenario("uac-call.xml").service("bob").remote(liberty.sipAddress()).start()) {
            caller.assertSucceeded(Duration.ofSeconds(30));
            callee.assertSucceeded(Duration.ofSeconds(30));
            assertAnchored(SipMessageTrace.parse(callee.messages()).received("INVITE").get(0).body(), rtpengine, "sipanchor");
            assertAnchored(SipMessageTrace.parse(caller.messages()).receivedResponses(200, "INVITE").get(0).body(), rtpengine, "sipanchor");
        }
    }

    @Test
    @DisplayName("sipanchor.yaml is found next to server.xml, with no system property")
    void configurationNextToServerXml() throws IOException {
        Path config = liberty.serverDir().resolve("sipanchor.yaml");
        assertTrue(Files.readAllLines(liberty.serverDir().resolve("jvm.options")).isEmpty(), "no -Dsipanchor.config");
        assertTrue(liberty.logged(line -> line.contains("CDI started for sipanchor with configuration " + config.toAbsolutePath())),
                liberty.output());
    }

    @Test
    @DisplayName("each setting Liberty owns is warned about once, with its line and what to set instead; absent ones are not")
    void containerSettingsWarned() {
        String config = liberty.serverDir().resolve("sipanchor.yaml").toAbsolutePath().toString();
        assertEquals(1, count(config + ":2: sip.listen is ignored on Open Liberty: set <sipEndpoint> in server.xml"), liberty.output());
        assertEquals(1, count(config + ":14: log.level is ignored on Open Liberty: set <logging traceSpecification="), liberty.output());
        assertEquals(0, count("sip.tls is ignored"), "not in the file, not warned about");
        assertEquals(0, count("log.sip_trace is ignored"), "sipanchor applies log.sip_trace itself");
    }

    @Test
    @DisplayName("/metrics and /health answer on metrics.listen: the calls' NG requests are counted")
    void metricsOnOwnListener() throws Exception {
        sarAnchorsCalls();
        String metrics = get("/metrics");
        Matcher offers = Pattern.compile("(?m)^sipanchor_ng_requests_total\\{(?=[^}]*command=\"offer\")[^}]*\\} ([0-9.eE+]+)$")
                .matcher(metrics);
        assertTrue(offers.find(), metrics);
        assertTrue(Double.parseDouble(offers.group(1)) >= 1, "the call's offer:\n" + metrics);
        assertEquals(200, http.send(request("/health"), HttpResponse.BodyHandlers.discarding()).statusCode());
    }

    private static long count(String text) {
        return liberty.output().lines().filter(line -> line.contains(text)).count();
    }

    private static String get(String path) throws IOException, InterruptedException {
        HttpResponse<String> response = http.send(request(path), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode(), response.body());
        return response.body();
    }

    private static HttpRequest request(String path) {
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + metricsPort + path)).build();
    }
}
