package org.sipanchor.servlet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.sipanchor.testing.AnchoredSdp.assertAnchored;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.sipanchor.sdp.MediaDescription;
import org.sipanchor.sdp.SessionDescription;
import org.sipanchor.testing.AnchoringServer;
import org.sipanchor.testing.AnchoringServer.Calls;
import org.sipanchor.testing.RtpEngineDaemon;
import org.sipanchor.testing.Sipp;

/**
 * The bundled B2BUA as an SBC ({@code srtp_to_rtp}) and as a WebRTC gateway ({@code wss_to_rtp}), with SIPp on both
 * legs: whichever side calls, the secure side sees only secure media and the core only plain RTP.
 */
@DisplayName("Media profiles on the bundled B2BUA")
class B2buaProfilesIT {

    private static final String SRTP_KEY = "WVNfX19zZW1jdGwgKCkgewkyMjA7fQp9CnVubGVz";

    @RegisterExtension
    static final AnchoringServer sbc = AnchoringServer.bundled().mode("b2bua").profile("srtp_to_rtp");

    @RegisterExtension
    static final AnchoringServer gateway = AnchoringServer.bundled().mode("b2bua").profile("wss_to_rtp");

    @Test
    @DisplayName("srtp_to_rtp, access calls core: the core gets RTP/AVP without a=crypto, the access side RTP/SAVP with RTPEngine's key")
    void srtpAccessCallsCore() {
        Calls calls = sbc.call(Sipp.scenario("uac-call.xml").offer("srtp-offer.sdp").service("core"),
                Sipp.scenario("uas-answer.xml"));
        assertPlainRtp(calls.callee().received("INVITE").get(0).body(), sbc.rtpengine());
        assertSrtp(calls.caller().receivedResponses(200, "INVITE").get(0).body(), sbc.rtpengine());
    }

    @Test
    @DisplayName("srtp_to_rtp, core calls access: the access side is offered RTP/SAVP with a key, the core gets RTP/AVP back")
    void srtpCoreCallsAccess() {
        Calls calls = sbc.call(Sipp.scenario("uac-call.xml").service("ue"),
                Sipp.scenario("uas-answer.xml").answer("srtp-answer.sdp"));
        assertSrtp(calls.callee().received("INVITE").get(0).body(), sbc.rtpengine());
        assertPlainRtp(calls.caller().receivedResponses(200, "INVITE").get(0).body(), sbc.rtpengine());
    }

    @Test
    @DisplayName("wss_to_rtp, browser calls core: RTP/AVP without ICE or DTLS to the core, DTLS-SRTP with ICE back")
    void browserCallsCore() {
        Calls calls = gateway.call(Sipp.scenario("uac-call.xml").offer("browser-offer.sdp").service("core"),
                Sipp.scenario("uas-answer.xml"));
        assertPlainRtp(calls.callee().received("INVITE").get(0).body(), gateway.rtpengine());
        assertWebRtc(calls.caller().receivedResponses(200, "INVITE").get(0).body(), gateway.rtpengine(), false);
    }

    @Test
    @DisplayName("wss_to_rtp, core calls browser: DTLS-SRTP with ICE and a mid to the browser, RTP/AVP back to the core")
    void coreCallsBrowser() {
        Calls calls = gateway.call(Sipp.scenario("uac-call.xml").service("browser"),
                Sipp.scenario("uas-answer.xml").answer("browser-answer.sdp"));
        assertWebRtc(calls.callee().received("INVITE").get(0).body(), gateway.rtpengine(), true);
        assertPlainRtp(calls.caller().receivedResponses(200, "INVITE").get(0).body(), gateway.rtpengine());
    }

    private static void assertSrtp(String sdpText, RtpEngineDaemon rtpengine) {
        MediaDescription audio = assertAnchored(sdpText, rtpengine, "sipanchor").media().get(0);
        assertEquals("RTP/SAVP", audio.protocol(), sdpText);
        assertTrue(audio.hasCrypto(), "a=crypto on the secure side\n" + sdpText);
        assertFalse(sdpText.contains(SRTP_KEY), "RTPEngine's key, not the caller's\n" + sdpText);
        assertFalse(audio.hasAttribute("fingerprint") || audio.hasAttribute("ice-ufrag"), sdpText);
    }

    private static void assertPlainRtp(String sdpText, RtpEngineDaemon rtpengine) {
        MediaDescription audio = assertAnchored(sdpText, rtpengine, "sipanchor").media().get(0);
        assertEquals("RTP/AVP", audio.protocol(), sdpText);
        assertFalse(audio.hasCrypto(), "no a=crypto on the RTP side\n" + sdpText);
        assertFalse(audio.hasAttribute("fingerprint") || audio.hasAttribute("ice-ufrag") || audio.hasAttribute("candidate"), sdpText);
        assertFalse(audio.hasAttribute("rtcp-mux"), "RTCP on its own port toward the core\n" + sdpText);
    }

    private static void assertWebRtc(String sdpText, RtpEngineDaemon rtpengine, boolean offer) {
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
