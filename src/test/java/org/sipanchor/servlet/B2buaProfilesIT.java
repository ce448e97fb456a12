package org.sipanchor.servlet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.sipanchor.testing.AnchoredSdp.assertAnchored;

import java.time.Duration;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.sipanchor.sdp.MediaDescription;
import org.sipanchor.sdp.SessionDescription;
import org.sipanchor.testing.AnchoredSdp;
import org.sipanchor.testing.LoopbackPorts;
import org.sipanchor.testing.RtpEngineDaemon;
import org.sipanchor.testing.SipAnchorServer;
import org.sipanchor.testing.SipMessageTrace;
import org.sipanchor.testing.Sipp;

/**
 * The bundled B2BUA as an SBC ({@code srtp_to_rtp}) and as a WebRTC gateway ({@code wss_to_rtp}), with SIPp on both
 * legs: whichever side calls, the secure side sees only secure media and the core only plain RTP.
 */
@DisplayName("Media profiles on the bundled B2BUA")
class B2buaProfilesIT {

    private static final Duration CALL_TIME = Duration.ofSeconds(30);
    private static final String SRTP_KEY = "WVNfX19zZW1jdGwgKCkgewkyMjA7fQp9CnVubGVz";

    @RegisterExtension
    static final RtpEngineDaemon rtpengine = RtpEngineDaemon.builder().build();

    private static Server sbc;
    private static Server gateway;

    /** One bundled B2BUA with its profile, and the port of the peer behind it. */
    private record Server(SipAnchorServer process, int calleePort) {

        static Server start(String profile) {
            int sipPort = LoopbackPorts.free();
            int calleePort = LoopbackPorts.free();
            return new Server(SipAnchorServer.start(SipAnchorServer.config(sipPort, """
                    app:
                      mode: b2bua
                      next_hop: "sip:127.0.0.1:%d"
                      profile: %s
                    media:
                      rtpengine:
                        address: "%s"
                    """.formatted(calleePort, profile, rtpengine.ngHostPort())), sipPort), calleePort);
        }

        /** Runs a caller and a callee through this server and returns their traces. */
        SipMessageTrace[] call(Sipp.Builder caller, Sipp.Builder callee) {
            try (Sipp calleeRun = callee.port(calleePort).start()) {
                Sipp callerRun = caller.remote(process.sipAddress()).start();
                callerRun.assertSucceeded(CALL_TIME);
                calleeRun.assertSucceeded(CALL_TIME);
                return new SipMessageTrace[] {SipMessageTrace.parse(callerRun.messages()), SipMessageTrace.parse(calleeRun.messages())};
            }
        }
    }

    @BeforeAll
    static void startServers() {
        sbc = Server.start("srtp_to_rtp");
        gateway = Server.start("wss_to_rtp");
    }

    @AfterAll
    static void stopServers() {
        for (Server server : new Server[] {sbc, gateway}) {
            if (server != null) {
                assertEquals(0, server.process().stop());
            }
        }
    }

    @AfterEach
    void noSessionLeft() {
        AnchoredSdp.assertNoSessionLeft(rtpengine);
    }

    @Test
    @DisplayName("srtp_to_rtp, access calls core: the core gets RTP/AVP without a=crypto, the access side RTP/SAVP with RTPEngine's key")
    void srtpAccessCallsCore() {
        SipMessageTrace[] traces = sbc.call(Sipp.scenario("uac-call.xml").offer("srtp-offer.sdp").service("core"),
                Sipp.scenario("uas-answer.xml"));
        assertPlainRtp(traces[1].received("INVITE").get(0).body());
        assertSrtp(traces[0].receivedResponses(200, "INVITE").get(0).body());
    }

    @Test
    @DisplayName("srtp_to_rtp, core calls access: the access side is offered RTP/SAVP with a key, the core gets RTP/AVP back")
    void srtpCoreCallsAccess() {
        SipMessageTrace[] traces = sbc.call(Sipp.scenario("uac-call.xml").service("ue"),
                Sipp.scenario("uas-answer.xml").answer("srtp-answer.sdp"));
        assertSrtp(traces[1].received("INVITE").get(0).body());
        assertPlainRtp(traces[0].receivedResponses(200, "INVITE").get(0).body());
    }

    @Test
    @DisplayName("wss_to_rtp, browser calls core: RTP/AVP without ICE or DTLS to the core, DTLS-SRTP with ICE back")
    void browserCallsCore() {
        SipMessageTrace[] traces = gateway.call(Sipp.scenario("uac-call.xml").offer("browser-offer.sdp").service("core"),
                Sipp.scenario("uas-answer.xml"));
        assertPlainRtp(traces[1].received("INVITE").get(0).body());
        assertWebRtc(traces[0].receivedResponses(200, "INVITE").get(0).body(), false);
    }

    @Test
    @DisplayName("wss_to_rtp, core calls browser: DTLS-SRTP with ICE and a mid to the browser, RTP/AVP back to the core")
    void coreCallsBrowser() {
        SipMessageTrace[] traces = gateway.call(Sipp.scenario("uac-call.xml").service("browser"),
                Sipp.scenario("uas-answer.xml").answer("browser-answer.sdp"));
        assertWebRtc(traces[1].received("INVITE").get(0).body(), true);
        assertPlainRtp(traces[0].receivedResponses(200, "INVITE").get(0).body());
    }

    private static void assertSrtp(String sdpText) {
        MediaDescription audio = assertAnchored(sdpText, rtpengine, "sipanchor").media().get(0);
        assertEquals("RTP/SAVP", audio.protocol(), sdpText);
        assertTrue(audio.hasCrypto(), "a=crypto on the secure side\n" + sdpText);
        assertFalse(sdpText.contains(SRTP_KEY), "RTPEngine's key, not the caller's\n" + sdpText);
        assertFalse(audio.hasAttribute("fingerprint") || audio.hasAttribute("ice-ufrag"), sdpText);
    }

    private static void assertPlainRtp(String sdpText) {
        MediaDescription audio = assertAnchored(sdpText, rtpengine, "sipanchor").media().get(0);
        assertEquals("RTP/AVP", audio.protocol(), sdpText);
        assertFalse(audio.hasCrypto(), "no a=crypto on the RTP side\n" + sdpText);
        assertFalse(audio.hasAttribute("fingerprint") || audio.hasAttribute("ice-ufrag") || audio.hasAttribute("candidate"), sdpText);
        assertFalse(audio.hasAttribute("rtcp-mux"), "RTCP on its own port toward the core\n" + sdpText);
    }

    private static void assertWebRtc(String sdpText, boolean offer) {
        SessionDescription sdp = assertAnchored(sdpText, rtpengine, "sipanchor");
        MediaDescription audio = sdp.media().get(0);
        assertEquals("UDP/TLS/RTP/SAVPF", audio.protocol(), sdpText);
        assertTrue(audio.hasAttribute("fingerprint") || sdp.attribute("fingerprint").isPresent(), "a DTLS fingerprint\n" + sdpText);
        assertTrue(audio.hasAttribute("ice-ufrag") || sdp.attribute("ice-ufrag").isPresent(), "ICE credentials\n" + sdpText);
        assertTrue(audio.attributeValues("candidate").stream().allMatch(c -> c.contains("127.0.0.1")),
                "RTPEngine is the only ICE candidate\n" + sdpText);
        assertTrue(audio.hasAttribute("rtcp-mux"), "rtcp-mux\n" + sdpText);
        assertFalse(audio.hasCrypto(), "no SDES toward the browser\n" + sdpText);
        if (offer) {
            assertTrue(audio.mid().isPresent(), "a=mid generated\n" + sdpText);
        }
    }
}
