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
 * {@code wss_to_rtp} on the bundled proxy: a browser's DTLS-SRTP + ICE offer reaches the core as plain RTP, and
 * the core's answer reaches the browser as DTLS-SRTP with RTPEngine as the only ICE candidate.
 */
@DisplayName("The wss_to_rtp profile")
class WebRtcProfileIT {

    @RegisterExtension
    static final AnchoringServer proxy = AnchoringServer.bundled().profile("wss_to_rtp");

    private static final RtpEngineDaemon rtpengine = proxy.rtpengine();

    @Test
    @DisplayName("a browser calls the core: RTP/AVP without ICE or DTLS to the core, DTLS-SRTP with ICE back")
    void browserCallsCore() {
        Calls calls = proxy.call(Sipp.scenario("uac-call.xml").offer("browser-offer.sdp").service("core"),
                Sipp.scenario("uas-answer.xml"));

        String toCore = calls.callee().received("INVITE").get(0).body();
        MediaDescription core = assertAnchored(toCore, rtpengine, "sipanchor").media().get(0);
        assertEquals("RTP/AVP", core.protocol(), toCore);
        assertFalse(core.hasAttribute("fingerprint") || core.hasAttribute("ice-ufrag") || core.hasAttribute("candidate"), toCore);
        assertFalse(core.hasAttribute("rtcp-mux"), "RTCP demultiplexed toward the core\n" + toCore);

        String toBrowser = calls.caller().receivedResponses(200, "INVITE").get(0).body();
        SessionDescription answer = assertAnchored(toBrowser, rtpengine, "sipanchor");
        MediaDescription audio = answer.media().get(0);
        assertEquals("UDP/TLS/RTP/SAVPF", audio.protocol(), toBrowser);
        assertTrue(audio.hasAttribute("fingerprint") || answer.attribute("fingerprint").isPresent(), "a DTLS fingerprint\n" + toBrowser);
        assertTrue(audio.hasAttribute("ice-ufrag") || answer.attribute("ice-ufrag").isPresent(), "ICE credentials\n" + toBrowser);
        assertTrue(audio.attributeValues("candidate").stream().allMatch(c -> c.contains("127.0.0.1")),
                "RTPEngine is the only ICE candidate\n" + toBrowser);
        assertTrue(audio.hasAttribute("rtcp-mux"), "rtcp-mux accepted\n" + toBrowser);
        assertFalse(audio.hasCrypto(), "no SDES toward the browser\n" + toBrowser);
    }

    @Test
    @DisplayName("the core calls a browser: the browser is offered DTLS-SRTP with ICE and a mid, the core gets RTP/AVP back")
    void coreCallsBrowser() {
        Calls calls = proxy.call(Sipp.scenario("uac-call.xml").service("browser"),
                Sipp.scenario("uas-answer.xml").answer("browser-answer.sdp"));

        String toBrowser = calls.callee().received("INVITE").get(0).body();
        MediaDescription offer = assertAnchored(toBrowser, rtpengine, "sipanchor").media().get(0);
        assertEquals("UDP/TLS/RTP/SAVPF", offer.protocol(), toBrowser);
        assertTrue(offer.hasAttribute("fingerprint"), toBrowser);
        assertTrue(offer.hasAttribute("ice-ufrag"), toBrowser);
        assertTrue(offer.hasAttribute("rtcp-mux"), toBrowser);
        assertTrue(offer.mid().isPresent(), "a=mid generated\n" + toBrowser);
        assertFalse(offer.hasCrypto(), toBrowser);

        String toCore = calls.caller().receivedResponses(200, "INVITE").get(0).body();
        MediaDescription answer = assertAnchored(toCore, rtpengine, "sipanchor").media().get(0);
        assertEquals("RTP/AVP", answer.protocol(), toCore);
        assertFalse(answer.hasAttribute("fingerprint") || answer.hasAttribute("ice-ufrag"), toCore);
    }
}
