package org.sipanchor.servlet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.sipanchor.sdp.SessionDescription;
import org.sipanchor.testing.LoopbackPorts;
import org.sipanchor.testing.SipAnchorServer;
import org.sipanchor.testing.SipMessageTrace;
import org.sipanchor.testing.SipMessageTrace.Message;
import org.sipanchor.testing.Sipp;

/** What a new call meets when no RTPEngine can anchor it: 503 by default, or relayed unanchored if configured. */
@DisplayName("When no RTPEngine is up")
class MediaFailurePolicyIT {

    private static final Duration CALL_TIME = Duration.ofSeconds(30);

    private static String config(int sipPort, int calleePort, String policy) {
        // nothing listens on the configured NG port: the only RTPEngine is down from the start
        return SipAnchorServer.config(sipPort, """
                app:
                  next_hop: "sip:127.0.0.1:%d"
                media:
                  rtpengine:
                    address: "127.0.0.1:%d"
                    timeout_ms: 300
                  on_failure: %s
                """.formatted(calleePort, LoopbackPorts.free(), policy));
    }

    @Test
    @DisplayName("a new call is answered 503 with Retry-After and a Warning giving the reason")
    void rejectedByDefault() {
        int sipPort = LoopbackPorts.free();
        try (SipAnchorServer proxy = SipAnchorServer.start(config(sipPort, LoopbackPorts.free(), "reject"), sipPort)) {
            Sipp caller = Sipp.scenario("uac-expect-status.xml").set("status", "503").service("bob").remote(proxy.sipAddress()).start();
            caller.assertSucceeded(CALL_TIME);
            Message refusal = SipMessageTrace.parse(caller.messages()).receivedResponses(503, "INVITE").get(0);
            assertTrue(refusal.header("Retry-After").isPresent(), refusal.toString());
            assertTrue(refusal.header("Warning").orElse("").startsWith("399 sipanchor \""), refusal.toString());
            assertTrue(proxy.logged(line -> line.contains("call-id=") && line.contains("rejected with 503")), proxy.output());
            assertEquals(0, proxy.stop());
        }
    }

    @Test
    @DisplayName("with media.on_failure: relay the call goes through with its SDP untouched")
    void relayedWhenConfigured() {
        int sipPort = LoopbackPorts.free();
        int calleePort = LoopbackPorts.free();
        try (SipAnchorServer proxy = SipAnchorServer.start(config(sipPort, calleePort, "relay"), sipPort);
                Sipp callee = Sipp.scenario("uas-answer.xml").port(calleePort).start()) {
            Sipp caller = Sipp.scenario("uac-call.xml").service("bob").remote(proxy.sipAddress()).start();
            caller.assertSucceeded(CALL_TIME);
            callee.assertSucceeded(CALL_TIME);
            SessionDescription toCallee = SessionDescription.parse(SipMessageTrace.parse(callee.messages()).received("INVITE").get(0).body());
            assertEquals("alice", toCallee.origin().username(), "the caller's own SDP");
            assertEquals(16000, toCallee.media().get(0).port(), "the caller's own port");
            assertTrue(proxy.logged(line -> line.contains("relayed with its media unanchored")), proxy.output());
            assertEquals(0, proxy.stop());
        }
    }
}
