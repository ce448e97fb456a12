package org.sipanchor.servlet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.sipanchor.testing.AnchoredSdp;
import org.sipanchor.testing.LoopbackPorts;
import org.sipanchor.testing.RtpEngineDaemon;
import org.sipanchor.testing.SipAnchorServer;
import org.sipanchor.testing.Sipp;

/**
 * Two RTPEngines behind the bundled proxy under a steady SIPp call rate: one is killed and restarted in the middle;
 * no call fails, nothing is leaked, and what {@code /metrics} says agrees with what the daemons say.
 */
@DisplayName("Several RTPEngines behind the bundled proxy")
class EnginesBehindProxyIT {

    private static final int CALLS = 200;
    private static final int RATE = 20;

    @RegisterExtension
    final RtpEngineDaemon steady = RtpEngineDaemon.builder().build();
    @RegisterExtension
    final RtpEngineDaemon victim = RtpEngineDaemon.builder().build();

    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    @DisplayName("a daemon killed and restarted under load: no failed call, no leaked session, metrics match the daemons")
    void killAndRestartUnderLoad() throws Exception {
        int sipPort = LoopbackPorts.free();
        int calleePort = LoopbackPorts.free();
        int metricsPort = LoopbackPorts.free();
        try (SipAnchorServer proxy = SipAnchorServer.start(SipAnchorServer.config(sipPort, """
                app:
                  next_hop: "sip:127.0.0.1:%d"
                media:
                  rtpengine:
                    instances:
                      - { address: "%s", weight: 1 }
                      - { address: "%s", weight: 1 }
                    timeout_ms: 500
                  health_check_interval_secs: 1
                metrics:
                  listen: "127.0.0.1:%d"
                """.formatted(calleePort, steady.ngHostPort(), victim.ngHostPort(), metricsPort)), sipPort);
                Sipp callee = Sipp.scenario("uas-answer.xml").port(calleePort).calls(CALLS).start()) {
            Sipp caller = Sipp.scenario("uac-call.xml").service("bob").calls(CALLS).args("-r", Integer.toString(RATE))
                    .remote(proxy.sipAddress()).start();
            Thread.sleep(3000);
            victim.kill();
            long killed = System.nanoTime();
            awaitMetric(metricsPort, "sipanchor_rtpengine_instances_up", 1.0, Duration.ofSeconds(10));
            long detectedMillis = (System.nanoTime() - killed) / 1_000_000;
            assertTrue(detectedMillis <= 2_500, "marked down within two health intervals (took " + detectedMillis + " ms)");
            assertEquals(200, health(metricsPort), "healthy while one RTPEngine is up");
            Thread.sleep(2000);
            victim.restart();
            awaitMetric(metricsPort, "sipanchor_rtpengine_instances_up", 2.0, Duration.ofSeconds(10));

            caller.assertSucceeded(Duration.ofSeconds(60));
            callee.assertSucceeded(Duration.ofSeconds(60));

            AnchoredSdp.assertNoSessionLeft(steady);
            AnchoredSdp.assertNoSessionLeft(victim);
            String metrics = scrape(metricsPort);
            long offersOnSteady = (long) value(metrics, "sipanchor_ng_requests_total\\{(?=[^}]*command=\"offer\")(?=[^}]*instance=\""
                    + Pattern.quote(steady.ngHostPort()) + "\")(?=[^}]*result=\"ok\")[^}]*\\}");
            assertEquals(totalManagedSessions(steady), offersOnSteady,
                    "every call anchored on the steady daemon, by its own count, is one our metrics counted");
            assertTrue(offersOnSteady < CALLS, "the other daemon took calls before the kill and after the restart");
            assertTrue(value(metrics, "jvm_memory_used_bytes\\{(?=[^}]*area=\"heap\")[^}]*\\}") > 0,
                    "the JVM's own series are exported with ours");
            assertTrue(value(metrics, "process_cpu_seconds_total(?:\\{[^}]*\\})?") > 0, "and its CPU time");
        }
    }

    private int health(int metricsPort) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + metricsPort + "/health")).build(),
                HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    private String scrape(int metricsPort) throws IOException, InterruptedException {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + metricsPort + "/metrics")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode());
        return response.body();
    }

    private void awaitMetric(int metricsPort, String name, double expected, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        double seen = Double.NaN;
        while (System.nanoTime() < deadline) {
            seen = value(scrape(metricsPort), Pattern.quote(name) + "(?:\\{[^}]*\\})?"); // with its node label
            if (seen == expected) {
                return;
            }
            Thread.sleep(50);
        }
        throw new AssertionError(name + " is " + seen + ", expected " + expected);
    }

    /** The value of the first sample whose name and labels match {@code sample} (a regular expression). */
    private static double value(String metrics, String sample) {
        Matcher matcher = Pattern.compile("(?m)^" + sample + " ([0-9.eE+-]+)$").matcher(metrics);
        if (!matcher.find()) {
            throw new AssertionError("no sample " + sample + " in\n" + metrics);
        }
        return Double.parseDouble(matcher.group(1));
    }

    private static long totalManagedSessions(RtpEngineDaemon daemon) {
        Matcher matcher = Pattern.compile("Total managed sessions\\s*:(\\d+)").matcher(daemon.ctl("list", "totals"));
        assertTrue(matcher.find(), "rtpengine-ctl list totals");
        return Long.parseLong(matcher.group(1));
    }
}
