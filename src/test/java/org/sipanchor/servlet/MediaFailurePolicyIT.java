package org.sipanchor.servlet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.sipanchor.sdp.SessionDescription;
import org.sipanchor.testing.LoopbackPorts;
import org.sipanchor.testing.SipAnchorServer;
import org.sipanchor.testing.SipMessageTrace;
import org.sipanchor.testing.SipMessageTrace.Message;
import org.sipanchor.testing.Sipp;

/**
 * What a new call meets when no RTPEngine can anchor it, on the bundled proxy and on the bundled B2BUA alike: it is
 * never left half-anchored, but refused with 503 by default, or (with {@code media.on_failure: relay}) let through
 * with the endpoints' own SDP.
 */
@DisplayName("When no RTPEngine is up")
class MediaFailurePolicyIT {

    private static final Duration CALL_TIME = Duration.ofSeconds(30);

    /** The bundled app in {@code mode}; nothing listens on the configured NG port: its only RTPEngine is down from the start. */
    private static SipAnchorServer start(String mode, int calleePort, String onFailure) {
        int sipPort = LoopbackPorts.free();
        return SipAnchorServer.start(SipAnchorServer.config(sipPort, """
                app:
                  mode: %s
                  next_hop: "sip:127.0.0.1:%d"
                media:
                  rtpengine:
                    address: "127.0.0.1:%d"
                    timeout_ms: 300
                  on_failure: %s
                """.formatted(mode, calleePort, LoopbackPorts.free(), onFailure)), sipPort);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"proxy", "b2bua"})
    @DisplayName("media.on_failure: reject answers a new call 503 with Retry-After and a Warning giving the reason")
    void rejects(String mode) {
        try (SipAnchorServer server = start(mode, LoopbackPorts.free(), "reject");
                Sipp caller = Sipp.scenario("uac-expect-status.xml").set("status", "503").service("bob")
                        .remote(server.sipAddress()).start()) {
            caller.assertSucceeded(CALL_TIME);
            Message refusal = SipMessageTrace.parse(caller.messages()).receivedResponses(503, "INVITE").get(0);
            assertEquals("5", refusal.header("Retry-After").orElse(""), refusal.toString());
            assertTrue(refusal.header("Warning").orElse("").startsWith("399 sipanchor \""), refusal.toString());
            assertTrue(server.logged(line -> line.contains("call-id=") && line.contains("INVITE rejected with 503")), server.output());
            assertEquals(0, server.stop());
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"proxy", "b2bua"})
    @DisplayName("media.on_failure: relay lets the call through unanchored, each side getting the other's own SDP")
    void relays(String mode) {
        int calleePort = LoopbackPorts.free();
        try (SipAnchorServer server = start(mode, calleePort, "relay");
                Sipp callee = Sipp.scenario("uas-answer.xml").port(calleePort).start();
                Sipp caller = Sipp.scenario("uac-call.xml").service("bob").remote(server.sipAddress()).start()) {
            caller.assertSucceeded(CALL_TIME);
            callee.assertSucceeded(CALL_TIME);
            SessionDescription toCallee = SessionDescription.parse(SipMessageTrace.parse(callee.messages()).received("INVITE").get(0).body());
            assertEquals("alice", toCallee.origin().username(), "the caller's own SDP");
            assertEquals(16000, toCallee.media().get(0).port(), "the caller's own port");
            SessionDescription toCaller = SessionDescription.parse(
                    SipMessageTrace.parse(caller.messages()).receivedResponses(200, "INVITE").get(0).body());
            assertEquals("bob", toCaller.origin().username(), "the callee's own SDP");
            assertTrue(server.logged(line -> line.contains("relayed with its media unanchored")), server.output());
            assertEquals(0, server.stop());
        }
    }
}
