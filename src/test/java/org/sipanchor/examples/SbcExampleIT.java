package org.sipanchor.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.sipanchor.testing.AnchoredSdp.assertAnchored;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.sipanchor.testing.ExampleServer;
import org.sipanchor.testing.Examples;
import org.sipanchor.testing.SipMessageTrace;
import org.sipanchor.testing.SipMessageTrace.Message;
import org.sipanchor.testing.Sipp;

/**
 * {@code examples/sbc}, deployed as a user deploys it: a B2BUA whose profile follows the caller's transport, whose codec
 * policy (an application-scoped CDI bean of its own war) shapes offers and answers, and which hides the topology but
 * for one header. Its timers come with the base class: the core's no-answer timeout cancels the call.
 */
@DisplayName("examples/sbc: an SBC on the B2BUA")
class SbcExampleIT {

    @RegisterExtension
    static final ExampleServer sbc = ExampleServer.of("sbc").replacing("no_answer_timeout_secs: 30", "no_answer_timeout_secs: 2");

    @Test
    @DisplayName("is a war of the application's own classes and its one descriptor: the server brings sipanchor")
    void warHoldsOnlyItsOwnCode() throws IOException {
        try (ZipFile war = new ZipFile(Examples.war("sbc").toFile())) {
            List<String> files = war.stream().filter(entry -> !entry.isDirectory()).map(ZipEntry::getName)
                    .filter(name -> !name.startsWith("META-INF/")).sorted().toList();
            assertEquals(List.of("WEB-INF/classes/com/example/sbc/CodecPolicy.class", "WEB-INF/classes/com/example/sbc/Sbc.class",
                    "WEB-INF/sip.xml"), files);
        }
    }

    @Test
    @DisplayName("a call reaches the core anchored, G.711 mu-law only, with a new Call-ID and only the account header")
    void call() {
        try (Sipp core = Sipp.scenario("uas-answer.xml").port(sbc.calleePort()).start();
                Sipp phone = Sipp.scenario("uac-call-account.xml").service("bob").remote(sbc.sipAddress()).start()) {
            phone.assertSucceeded(Duration.ofSeconds(30));
            core.assertSucceeded(Duration.ofSeconds(30));
            Message invite = SipMessageTrace.parse(core.messages()).received("INVITE").get(0);
            Message ok = SipMessageTrace.parse(phone.messages()).receivedResponses(200, "INVITE").get(0);
            assertAnchored(invite.body(), sbc.rtpengine(), "sipanchor");
            assertAnchored(ok.body(), sbc.rtpengine(), "sipanchor");
            assertTrue(invite.body().contains("RTP/AVP 0 101"), "the codec policy kept PCMU and telephone-event:\n" + invite.body());
            assertFalse(invite.body().contains("PCMA"), invite.body());
            assertEquals("4711", invite.header("X-Account-Id").orElse(null), "the header the core bills on crosses");
            assertTrue(invite.header("X-Access-Secret").isEmpty(), "nothing else of the access side does");
            assertNotEquals(ok.header("Call-ID"), invite.header("Call-ID"), "the legs share no Call-ID");
        }
    }

    @Test
    @DisplayName("a core that does not answer is cancelled when the no-answer timer fires, and the caller gets 408")
    void noAnswer() {
        try (Sipp core = Sipp.scenario("uas-cancelled-b2bua.xml").port(sbc.calleePort()).start();
                Sipp phone = Sipp.scenario("uac-expect-status.xml").set("status", "408").service("bob")
                        .remote(sbc.sipAddress()).start()) {
            phone.assertSucceeded(Duration.ofSeconds(30));
            core.assertSucceeded(Duration.ofSeconds(30));
        }
    }
}
