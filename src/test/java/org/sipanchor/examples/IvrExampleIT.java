package org.sipanchor.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.sipanchor.testing.AnchoredSdp.assertAnchored;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.sipanchor.testing.ExampleServer;
import org.sipanchor.testing.Examples;
import org.sipanchor.testing.LoopbackPorts;
import org.sipanchor.testing.SipAnchorServer;
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

    @Test
    @DisplayName("a profile the servlet names in init() but nobody defined stops the server at start-up, naming the known ones")
    void unknownProfileStopsTheStart() throws IOException {
        int sipPort = LoopbackPorts.free();
        String yaml = Files.readString(Path.of("examples/ivr/sipanchor.yaml"))
                .replace("127.0.0.1:5060", "127.0.0.1:" + sipPort)
                .replace("    ivr:\n      offer:", "    menu:\n      offer:");
        try (SipAnchorServer server = SipAnchorServer.launch(yaml, sipPort, "--app", Examples.war("ivr").toString())) {
            assertEquals(1, server.waitForExit(Duration.ofSeconds(60)), server.output());
            assertTrue(server.output().contains("unknown media profile \"ivr\" (known: menu, rtp_passthrough, srtp_to_rtp,"),
                    server.output());
            assertTrue(server.output().contains("servlet ivr of ivr did not start"), server.output());
        }
    }

    private static long count(String text, String needle) {
        return text.lines().filter(line -> line.contains(needle)).count();
    }
}
