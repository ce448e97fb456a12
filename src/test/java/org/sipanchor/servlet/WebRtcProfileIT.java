package org.sipanchor.servlet;

import static org.sipanchor.testing.AnchoredSdp.assertPlainRtp;
import static org.sipanchor.testing.AnchoredSdp.assertWebRtcAnswer;
import static org.sipanchor.testing.AnchoredSdp.assertWebRtcOffer;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
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
        assertPlainRtp(calls.callee().received("INVITE").get(0).body(), rtpengine, "sipanchor");
        assertWebRtcAnswer(calls.caller().receivedResponses(200, "INVITE").get(0).body(), rtpengine, "sipanchor");
    }

    @Test
    @DisplayName("the core calls a browser: the browser is offered DTLS-SRTP with ICE and a mid, the core gets RTP/AVP back")
    void coreCallsBrowser() {
        Calls calls = proxy.call(Sipp.scenario("uac-call.xml").service("browser"),
                Sipp.scenario("uas-answer.xml").answer("browser-answer.sdp"));
        assertWebRtcOffer(calls.callee().received("INVITE").get(0).body(), rtpengine, "sipanchor");
        assertPlainRtp(calls.caller().receivedResponses(200, "INVITE").get(0).body(), rtpengine, "sipanchor");
    }
}
