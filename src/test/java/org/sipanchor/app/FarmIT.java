package org.sipanchor.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.sipanchor.testing.KamailioDispatcher;
import org.sipanchor.testing.LoopbackPorts;
import org.sipanchor.testing.RedisServer;
import org.sipanchor.testing.RtpEngineDaemon;
import org.sipanchor.testing.SipAnchorServer;
import org.sipanchor.testing.SipMessageTrace;
import org.sipanchor.testing.Sipp;

/**
 * A farm on loopback, as the README's "Running several nodes" sets it up: Redis (the shared registrar), two
 * RTPEngines, two packaged sipanchor proxy nodes that record-route through Kamailio, and Kamailio running
 * {@code deploy/kamailio/dispatcher.cfg} in front. A REGISTER through one node is found by an INVITE through the other;
 * calls spread over both nodes through Kamailio; one node is killed with SIGKILL while its calls are up, and their
 * re-INVITEs and BYEs are relayed by the survivor, media commands on the RTPEngine each call is anchored on: no call
 * fails, no BYE fails, no session is left on either RTPEngine.
 *
 * <p>The callee answers as a UA must, to the top Via of each request (SIPp alone would answer the node that relayed
 * the call's INVITE, dead by then), and answers each re-INVITE only after {@link #REINVITE_ANSWER}, past Kamailio's
 * 2 s timer: a node that relays a dead node's re-INVITE must send its own 100 Trying upstream at once, or Kamailio
 * answers 408 and marks the survivor down as well.
 */
@DisplayName("A farm: Redis, two RTPEngines, two nodes behind Kamailio, one node killed")
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class FarmIT {

    private static final int CALLS = 10;
    /** How long each call stays up before its re-INVITE and BYE: the kill happens within it. */
    private static final Duration HOLD = Duration.ofSeconds(6);
    /** Longer than Kamailio's {@code fr_timer} (2 s in dispatcher.cfg), which only a provisional response stops. */
    private static final Duration REINVITE_ANSWER = Duration.ofMillis(2500);
    private static final Pattern OFFERS = Pattern.compile(
            "(?m)^sipanchor_ng_requests_total\\{command=\"offer\",instance=\"[^\"]+\",node=\"([^\"]+)\",result=\"ok\"\\} (\\S+)$");

    @RegisterExtension
    static final RedisServer REDIS = new RedisServer();
    @RegisterExtension
    static final RtpEngineDaemon RTPENGINE_1 = RtpEngineDaemon.builder().build();
    @RegisterExtension
    static final RtpEngineDaemon RTPENGINE_2 = RtpEngineDaemon.builder().build();

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    /** A node of the farm: the packaged server, registrar in Redis, Record-Route through Kamailio. */
    private static SipAnchorServer node(String name, int sipPort, int metricsPort, int kamailioPort, int calleePort) {
        return SipAnchorServer.start(SipAnchorServer.config(sipPort, """
                app:
                  mode: proxy
                  auth: off
                  next_hop: "sip:127.0.0.1:%d"
                  record_route: "sip:127.0.0.1:%d"
                  registrar: { store: "%s" }
                media:
                  node_id: "%s"
                  rtpengine:
                    instances: [ { address: "%s" }, { address: "%s" } ]
                    timeout_ms: 500
                metrics:
                  listen: "127.0.0.1:%d"
                """.formatted(calleePort, kamailioPort, REDIS.uri(), name, RTPENGINE_1.ngHostPort(), RTPENGINE_2.ngHostPort(),
                metricsPort)), sipPort);
    }

    private static int kamailioPort;
    private static int calleePort;
    private static int metricsA;
    private static int metricsB;
    private static SipAnchorServer nodeA;
    private static SipAnchorServer nodeB;
    private static KamailioDispatcher kamailio;

    @BeforeAll
    static void startFarm() {
        kamailioPort = KamailioDispatcher.choosePort();
        calleePort = LoopbackPorts.free();
        metricsA = LoopbackPorts.free();
        metricsB = LoopbackPorts.free();
        nodeA = node("node-a", LoopbackPorts.free(), metricsA, kamailioPort, calleePort);
        nodeB = node("node-b", LoopbackPorts.free(), metricsB, kamailioPort, calleePort);
        kamailio = KamailioDispatcher.start(kamailioPort, List.of(nodeA.sipAddress(), nodeB.sipAddress()));
    }

    @AfterAll
    static void stopFarm() {
        for (AutoCloseable part : new AutoCloseable[] {kamailio, nodeB, nodeA}) {
            try {
                if (part != null) {
                    part.close();
                }
            } catch (Exception e) {
                // the others are stopped all the same
            }
        }
    }

    @Test
    @Order(1)
    @DisplayName("a REGISTER through node A is found by an INVITE through node B (the registrar in Redis)")
    void registerOnOneNodeCallThroughTheOther() {
        int bobPort = LoopbackPorts.free();
        Sipp.scenario("register.xml").port(bobPort).service("bob").remote(nodeA.sipAddress()).run();
        try (Sipp bob = Sipp.scenario("uas-answer.xml").port(bobPort).start()) {
            Sipp.scenario("uac-call.xml").service("bob").remote(nodeB.sipAddress()).run();
            bob.assertSucceeded(Duration.ofSeconds(30));
        }
        assertEquals(1, REDIS.integer("EXISTS sipanchor:registrar:aor:sip:bob@127.0.0.1"), "bob's binding is in Redis");
        assertEquals(0, RTPENGINE_1.sessionCount() + RTPENGINE_2.sessionCount());
    }

    @Test
    @Order(2)
    @DisplayName("calls through Kamailio over both nodes; node A killed: every re-INVITE and BYE answered, 0 sessions left")
    void survivesTheLossOfANode() throws Exception {
        int offersBeforeB = offersBy(metricsB, "node-b");
        int offersBeforeA = offersBy(metricsA, "node-a");
        try (Sipp callee = Sipp.scenario("uas-answer-reinvite-via.xml").port(calleePort).calls(CALLS)
                        .set("reinvite_answer_ms", Long.toString(REINVITE_ANSWER.toMillis())).start();
                Sipp caller = Sipp.scenario("uac-hold-reinvite.xml").service("carol").calls(CALLS)
                        .set("hold_ms", Long.toString(HOLD.toMillis())).remote(kamailio.sipAddress()).start()) {
            awaitSessions(CALLS, Duration.ofSeconds(10));
            int callsOnA = offersBy(metricsA, "node-a") - offersBeforeA;
            int callsOnB = offersBy(metricsB, "node-b") - offersBeforeB;
            assertEquals(CALLS, callsOnA + callsOnB, "every call anchored once, by one node");
            assertTrue(callsOnA > 0 && callsOnB > 0, "Kamailio spread the calls: A " + callsOnA + ", B " + callsOnB);
            Thread.sleep(300); // the ACKs go through
            nodeA.kill();

            int callerStatus = caller.waitFor(Duration.ofSeconds(60));
            callee.waitFor(Duration.ofSeconds(60));
            SipMessageTrace atCaller = SipMessageTrace.parse(caller.messages());
            long byesAnswered = atCaller.receivedResponses(200, "BYE").size();
            long failures = atCaller.all().stream().filter(m -> m.isResponse() && m.status() >= 300).count();
            int left1 = RTPENGINE_1.sessionCount();
            int left2 = RTPENGINE_2.sessionCount();
            System.out.printf("farm: %d calls (%d on node A, killed; %d on node B), %d BYEs answered 200 (%d failed),"
                    + " %d failure responses, sessions left: rtpengine 1 %d, rtpengine 2 %d%n", CALLS, callsOnA, callsOnB,
                    byesAnswered, CALLS - byesAnswered, failures, left1, left2);
            assertEquals(0, failures, "no request failed:\n" + caller.messages());
            assertEquals(CALLS, byesAnswered, "every BYE relayed and answered:\n" + caller.messages());
            assertEquals(0, callerStatus, "every call succeeded");
            assertEquals(0, left1 + left2, "sessions left on rtpengine 1: " + left1 + ", 2: " + left2);
            assertTrue(kamailio.output().lines().anyMatch(line -> line.contains("sip:" + nodeA.sipAddress()) && line.contains("down")),
                    "Kamailio marked node A down:\n" + kamailio.output());
            assertTrue(nodeB.output().contains("BYE of a dialog this process did not record-route"),
                    "node B relayed node A's BYEs:\n" + nodeB.output());
        }
    }

    /** The offers RTPEngine took from one node, from that node's own /metrics (every series names its node). */
    private static int offersBy(int metricsPort, String node) throws Exception {
        String text = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + metricsPort + "/metrics")).GET().build(),
                HttpResponse.BodyHandlers.ofString()).body();
        Matcher m = OFFERS.matcher(text);
        double offers = 0;
        while (m.find()) {
            assertEquals(node, m.group(1), text);
            offers += Double.parseDouble(m.group(2));
        }
        return (int) offers;
    }

    private static void awaitSessions(int expected, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (RTPENGINE_1.sessionCount() + RTPENGINE_2.sessionCount() < expected) {
            if (System.nanoTime() > deadline) {
                // Once seen (a clean-clone run, not reproduced alone): say where the calls stopped.
                throw new AssertionError("the RTPEngines hold " + (RTPENGINE_1.sessionCount() + RTPENGINE_2.sessionCount())
                        + " calls, expected " + expected + "\n--- Kamailio:\n" + tail(kamailio.output())
                        + "\n--- node A:\n" + tail(nodeA.output()) + "\n--- node B:\n" + tail(nodeB.output()));
            }
            Thread.sleep(50);
        }
    }

    /** The last 40 lines of a process's output. */
    private static String tail(String output) {
        java.util.List<String> lines = output.lines().toList();
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
    }
}
