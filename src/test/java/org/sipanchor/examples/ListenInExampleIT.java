package org.sipanchor.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.sipanchor.testing.AnchoredSdp.assertAnchored;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.stream.Stream;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.sipanchor.testing.ExampleServer;
import org.sipanchor.testing.LoopbackPorts;
import org.sipanchor.testing.SipMessageTrace;
import org.sipanchor.testing.SipMessageTrace.Message;
import org.sipanchor.testing.Sipp;
import org.sipanchor.testing.TestOutput;

/**
 * {@code examples/listen-in}, deployed as a user deploys it: a proxy that records every answered call and, when the
 * caller presses 0, calls a supervisor from its {@code onDtmf} with RTPEngine's subscription offer, then hangs the
 * supervisor up with the call.
 */
@DisplayName("examples/listen-in: a recording proxy with a supervisor on call")
class ListenInExampleIT {

    private static final Path RECORDINGS = TestOutput.directory("listen-in-recordings");

    @RegisterExtension
    static final ExampleServer listenIn = ExampleServer.of("listen-in").withDtmfEvents()
            .rtpengineArgs("--recording-dir=" + RECORDINGS, "--recording-method=pcap");

    @Test
    @DisplayName("0 brings in the supervisor, who gets a sendonly offer of both parties; the call is recorded; BYE ends both")
    void supervisorListensIn() throws IOException {
        try (Sipp callee = Sipp.scenario("uas-answer.xml").port(listenIn.calleePort()).start();
                Sipp supervisor = Sipp.scenario("uas-answer.xml").answer("monitor-answer.sdp").port(listenIn.secondCalleePort()).start();
                Sipp caller = Sipp.scenario("uac-listen-in.xml").service("bob").remote(listenIn.sipAddress())
                        .args("-mp", Integer.toString(LoopbackPorts.free())).start()) {
            caller.assertSucceeded(Duration.ofSeconds(30));
            callee.assertSucceeded(Duration.ofSeconds(30));
            supervisor.assertSucceeded(Duration.ofSeconds(30));
            assertAnchored(SipMessageTrace.parse(callee.messages()).received("INVITE").get(0).body(), listenIn.rtpengine(), "sipanchor");
            Message offer = SipMessageTrace.parse(supervisor.messages()).received("INVITE").get(0);
            assertTrue(offer.body().contains("a=sendonly"), "RTPEngine's subscription offer:\n" + offer.body());
            assertEquals(2, offer.body().lines().filter(line -> line.startsWith("m=audio")).count(),
                    "one stream per party:\n" + offer.body());
            assertEquals(1, SipMessageTrace.parse(supervisor.messages()).received("BYE").size(), "the supervisor is hung up");
        }
        String log = listenIn.server().output();
        assertTrue(log.contains("answered: recording"), log);
        assertTrue(log.contains("caller pressed 0: supervisor called"), log);
        assertTrue(log.contains("is listening"), log);
        try (Stream<Path> files = Files.walk(RECORDINGS)) {
            assertTrue(files.anyMatch(file -> file.toString().endsWith(".pcap")), "RTPEngine wrote the call's recording");
        }
    }
}
