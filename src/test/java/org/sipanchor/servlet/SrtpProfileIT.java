package org.sipanchor.servlet;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.sipanchor.testing.AnchoredSdp.assertPlainRtp;
import static org.sipanchor.testing.AnchoredSdp.assertSdesSrtp;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
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
        assertPlainRtp(calls.callee().received("INVITE").get(0).body(), rtpengine, "sipanchor");
        assertSdesSrtp(calls.caller().receivedResponses(200, "INVITE").get(0).body(), rtpengine, "sipanchor");
    }

    @Test
    @DisplayName("RTP caller, SRTP callee: the callee gets RTP/SAVP with a key, the caller gets RTP/AVP")
    void srtpCallee() {
        Calls calls = proxy.call(Sipp.scenario("uac-call.xml").service("ue"),
                Sipp.scenario("uas-answer.xml").answer("srtp-answer.sdp"));
        assertSdesSrtp(calls.callee().received("INVITE").get(0).body(), rtpengine, "sipanchor");
        assertPlainRtp(calls.caller().receivedResponses(200, "INVITE").get(0).body(), rtpengine, "sipanchor");
    }
}
