package org.sipanchor.servlet;

import static org.sipanchor.testing.AnchoredSdp.assertPlainRtp;
import static org.sipanchor.testing.AnchoredSdp.assertSdesSrtp;
import static org.sipanchor.testing.AnchoredSdp.assertWebRtcAnswer;
import static org.sipanchor.testing.AnchoredSdp.assertWebRtcOffer;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.sipanchor.testing.AnchoringServer;
import org.sipanchor.testing.AnchoringServer.Calls;
import org.sipanchor.testing.Sipp;

/**
 * The bundled B2BUA as an SBC ({@code srtp_to_rtp}) and as a WebRTC gateway ({@code wss_to_rtp}), with SIPp on both
 * legs: whichever side calls, the secure side sees only secure media and the core only plain RTP.
 */
@DisplayName("Media profiles on the bundled B2BUA")
class B2buaProfilesIT {

    @RegisterExtension
    static final AnchoringServer sbc = AnchoringServer.bundled().mode("b2bua").profile("srtp_to_rtp");

    @RegisterExtension
    static final AnchoringServer gateway = AnchoringServer.bundled().mode("b2bua").profile("wss_to_rtp");

    @Test
    @DisplayName("srtp_to_rtp, access calls core: the core gets RTP/AVP without a=crypto, the access side RTP/SAVP with RTPEngine's key")
    void srtpAccessCallsCore() {
        Calls calls = sbc.call(Sipp.scenario("uac-call.xml").offer("srtp-offer.sdp").service("core"),
                Sipp.scenario("uas-answer.xml"));
        assertPlainRtp(calls.callee().received("INVITE").get(0).body(), sbc.rtpengine(), sbc.sdpName());
        assertSdesSrtp(calls.caller().receivedResponses(200, "INVITE").get(0).body(), sbc.rtpengine(), sbc.sdpName());
    }

    @Test
    @DisplayName("srtp_to_rtp, core calls access: the access side is offered RTP/SAVP with a key, the core gets RTP/AVP back")
    void srtpCoreCallsAccess() {
        Calls calls = sbc.call(Sipp.scenario("uac-call.xml").service("ue"),
                Sipp.scenario("uas-answer.xml").answer("srtp-answer.sdp"));
        assertSdesSrtp(calls.callee().received("INVITE").get(0).body(), sbc.rtpengine(), sbc.sdpName());
        assertPlainRtp(calls.caller().receivedResponses(200, "INVITE").get(0).body(), sbc.rtpengine(), sbc.sdpName());
    }

    @Test
    @DisplayName("wss_to_rtp, browser calls core: RTP/AVP without ICE or DTLS to the core, DTLS-SRTP with ICE back")
    void browserCallsCore() {
        Calls calls = gateway.call(Sipp.scenario("uac-call.xml").offer("browser-offer.sdp").service("core"),
                Sipp.scenario("uas-answer.xml"));
        assertPlainRtp(calls.callee().received("INVITE").get(0).body(), gateway.rtpengine(), gateway.sdpName());
        assertWebRtcAnswer(calls.caller().receivedResponses(200, "INVITE").get(0).body(), gateway.rtpengine(), gateway.sdpName());
    }

    @Test
    @DisplayName("wss_to_rtp, core calls browser: DTLS-SRTP with ICE and a mid to the browser, RTP/AVP back to the core")
    void coreCallsBrowser() {
        Calls calls = gateway.call(Sipp.scenario("uac-call.xml").service("browser"),
                Sipp.scenario("uas-answer.xml").answer("browser-answer.sdp"));
        assertWebRtcOffer(calls.callee().received("INVITE").get(0).body(), gateway.rtpengine(), gateway.sdpName());
        assertPlainRtp(calls.caller().receivedResponses(200, "INVITE").get(0).body(), gateway.rtpengine(), gateway.sdpName());
    }
}
