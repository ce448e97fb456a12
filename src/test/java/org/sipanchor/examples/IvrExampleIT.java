package org.sipanchor.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.sipanchor.testing.AnchoredSdp.assertAnchored;

import java.time.Duration;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.sipanchor.testing.ExampleServer;
import org.sipanchor.testing.LoopbackPorts;
import org.sipanchor.testing.SipMessageTrace;
import org.sipanchor.testing.Sipp;
import org.sipanchor.testing.ToneFile;

/**
 * {@code examples/ivr}, deployed as a user deploys it, answering a caller's keys (RFC 4733 events that RTPEngine reports
 * to sipanchor) with an announcement, a timer, a tone and a hang-up, all from the servlet's {@code onDtmf}.
 */
@DisplayName("examples/ivr: a DTMF menu on the B2BUA")
class IvrExampleIT {

    private static final String ANNOUNCEMENT = "/var/lib/sipanchor/prompts/welcome.wav";

    @RegisterExtension
    static final ExampleServer ivr = ExampleServer.of("ivr").withDtmfEvents()
            .replacing(ANNOUNCEMENT, ToneFile.write("ivr-welcome.wav", 8000, 1.0).toString());

    @Test
    @DisplayName("1 announces, 2 announces again on a timer, 3 is played back as a tone, # hangs up both legs")
    void menu() {
        String callId;
        // the back office talks: RTPEngine injects a tone toward the caller into the back office's stream
        try (Sipp callee = Sipp.scenario("uas-answer-talking.xml").answer("pcma-answer.sdp").port(ivr.calleePort())
                        .args("-mp", Integer.toString(LoopbackPorts.free())).start();
                Sipp caller = Sipp.scenario("uac-ivr-menu.xml").service("bob").offer("g729-pcmu-offer.sdp")
                        .args("-mp", Integer.toString(LoopbackPorts.free())).remote(ivr.sipAddress()).start()) {
            caller.assertSucceeded(Duration.ofSeconds(30));
            callee.assertSucceeded(Duration.ofSeconds(30));
            SipMessageTrace calleeSide = SipMessageTrace.parse(callee.messages());
            SipMessageTrace callerSide = SipMessageTrace.parse(caller.messages());
            String offer = calleeSide.received("INVITE").get(0).body();
            assertAnchored(offer, ivr.rtpengine(), "sipanchor");
            assertFalse(offer.contains("G729"), "shapeOffer kept G.711 only:\n" + offer);
            assertTrue(offer.contains("PCMU/8000") && offer.contains("telephone-event/8000"), offer);
            assertEquals(1, calleeSide.received("BYE").size(), "the back office is hung up too");
            callId = callerSide.received("BYE").get(0).header("Call-ID").orElseThrow();
        }
        String log = ivr.server().output();
        assertTrue(log.contains("call-id=" + callId + " caller pressed 1"), "the application's own INFO lines are logged:\n" + log);
        assertEquals(2, count(log, "call-id=" + callId + " announcement playing for 1000 ms"),
                "once for 1, once when the timer that 2 started fired; RTPEngine reported the file's length each time\n" + log);
        assertTrue(log.contains("call-id=" + callId + " 3 played back as a tone"), log);
        assertTrue(log.contains("call-id=" + callId + " call ended by sipanchor (caller left the menu)"), log);
        // and the extension checks that RTPEngine holds no session after the test
    }

    private static long count(String text, String needle) {
        return text.lines().filter(line -> line.contains(needle)).count();
    }
}
