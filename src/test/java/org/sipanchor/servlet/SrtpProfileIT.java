package org.sipanchor.servlet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.sipanchor.testing.AnchoredSdp.assertAnchored;

import org.junit.jupiter.api.AfterAll;
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
 * {@code srtp_to_rtp} on the bundled proxy works whichever side is the SRTP one: the secure side always sees
 * RTP/SAVP with a=crypto, the other side RTP/AVP without it.
 */
@DisplayName("The srtp_to_rtp profile")
class SrtpProfileIT {

    @RegisterExtension
    static final AnchoringServer proxy = AnchoringServer.bundled().profile("srtp_to_rtp").yaml("log:\n  sip_trace: true\n");

    private static final RtpEngineDaemon rtpengine = proxy.rtpengine();

    @AfterAll
    static void noKeyInTheLog() {
        String log = proxy.server().output();
        assertFalse(log.contains("WVNfX19zZW1jdGwgKCkgewkyMjA7fQp9CnVubGVz"), "no SRTP key in the log");
        assertTrue(log.contains("inline:***"), "the SIP trace shows where keys were, masked");
    }

    @Test
    @DisplayName("SRTP caller, RTP callee: the callee gets RTP/AVP, the caller gets RTP/SAVP with its own key")
    void srtpCaller() {
        Calls calls = proxy.call(Sipp.scenario("uac-call.xml").offer("srtp-offer.sdp").service("core"),
                Sipp.scenario("uas-answer.xml"));
        assertPlainRtp(calls.callee().received("INVITE").get(0).body());
        assertSrtp(calls.caller().receivedResponses(200, "INVITE").get(0).body());
    }

    @Test
    @DisplayName("RTP caller, SRTP callee: the callee gets RTP/SAVP with a key, the caller gets RTP/AVP")
    void srtpCallee() {
        Calls calls = proxy.call(Sipp.scenario("uac-call.xml").service("ue"),
                Sipp.scenario("uas-answer.xml").answer("srtp-answer.sdp"));
        assertSrtp(calls.callee().received("INVITE").get(0).body());
        assertPlainRtp(calls.caller().receivedResponses(200, "INVITE").get(0).body());
    }

    private static void assertSrtp(String sdpText) {
        SessionDescription sdp = assertAnchored(sdpText, rtpengine, "sipanchor");
        MediaDescription audio = sdp.media().get(0);
        assertEquals("RTP/SAVP", audio.protocol(), sdpText);
        assertTrue(audio.hasCrypto(), "a=crypto on the secure side\n" + sdpText);
        assertFalse(sdpText.contains("WVNfX19zZW1jdGwgKCkgewkyMjA7fQp9CnVubGVz"), "RTPEngine's key, not the caller's");
    }

    private static void assertPlainRtp(String sdpText) {
        SessionDescription sdp = assertAnchored(sdpText, rtpengine, "sipanchor");
        MediaDescription audio = sdp.media().get(0);
        assertEquals("RTP/AVP", audio.protocol(), sdpText);
        assertFalse(audio.hasCrypto(), "no a=crypto on the RTP side\n" + sdpText);
    }
}
