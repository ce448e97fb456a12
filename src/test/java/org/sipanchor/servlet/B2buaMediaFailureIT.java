package org.sipanchor.servlet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.sipanchor.testing.LoopbackPorts;
import org.sipanchor.testing.SipAnchorServer;
import org.sipanchor.testing.SipMessageTrace;
import org.sipanchor.testing.SipMessageTrace.Message;
import org.sipanchor.testing.Sipp;

/**
 * When no RTPEngine can take a call, the bundled B2BUA never leaves it half-anchored: it refuses the call with 503
 * and Retry-After before any B-leg exists, or (with {@code media.on_failure: relay}) lets it through with the
 * endpoints' own SDP.
 */
@DisplayName("The bundled B2BUA without a working RTPEngine")
class B2buaMediaFailureIT {

    private static final Duration CALL_TIME = Duration.ofSeconds(30);

    private static SipAnchorServer rejecting;
    private static SipAnchorServer relaying;
    private static int calleePort;

    @BeforeAll
    static void startServers() {
        calleePort = LoopbackPorts.free();
        int deadEngine = LoopbackPorts.free();
        rejecting = start(deadEngine, "reject");
        relaying = start(deadEngine, "relay");
    }

    private static SipAnchorServer start(int deadEngine, String onFailure) {
        int sipPort = LoopbackPorts.free();
        return SipAnchorServer.start(SipAnchorServer.config(sipPort, """
                app:
                  mode: b2bua
                  next_hop: "sip:127.0.0.1:%d"
                media:
                  rtpengine:
                    address: "127.0.0.1:%d"
                    timeout_ms: 300
                  on_failure: %s
                """.formatted(calleePort, deadEngine, onFailure)), sipPort);
    }

    @AfterAll
    static void stopServers() {
        for (SipAnchorServer server : new SipAnchorServer[] {rejecting, relaying}) {
            if (server != null) {
                assertEquals(0, server.stop());
            }
        }
    }

    @Test
    @DisplayName("media.on_failure: reject refuses the call with 503, Retry-After and a Warning, and no B-leg is started")
    void rejects() {
        Sipp caller = Sipp.scenario("uac-expect-status.xml").set("status", "503").service("bob").remote(rejecting.sipAddress()).start();
        caller.assertSucceeded(CALL_TIME);
        Message refusal = SipMessageTrace.parse(caller.messages()).receivedResponses(503, "INVITE").get(0);
        assertEquals("5", refusal.header("Retry-After").orElse(""), refusal.toString());
        assertTrue(refusal.header("Warning").orElse("").startsWith("399 sipanchor"), refusal.toString());
        assertTrue(rejecting.logged(line -> line.contains("INVITE rejected with 503")), rejecting.output());
    }

    @Test
    @DisplayName("media.on_failure: relay lets the call through unanchored, each side getting the other's own SDP")
    void relaysUnanchored() {
        try (Sipp callee = Sipp.scenario("uas-answer.xml").port(calleePort).start()) {
            Sipp caller = Sipp.scenario("uac-call.xml").service("bob").remote(relaying.sipAddress()).start();
            caller.assertSucceeded(CALL_TIME);
            callee.assertSucceeded(CALL_TIME);
            assertTrue(SipMessageTrace.parse(callee.messages()).received("INVITE").get(0).body().contains("o=alice"),
                    "the caller's own SDP");
            assertTrue(SipMessageTrace.parse(caller.messages()).receivedResponses(200, "INVITE").get(0).body().contains("o=bob"),
                    "the callee's own SDP");
        }
        assertTrue(relaying.logged(line -> line.contains("relayed with its media unanchored")), relaying.output());
    }
}
