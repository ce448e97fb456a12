package org.sipanchor.servlet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.sipanchor.testing.AnchoredSdp;
import org.sipanchor.testing.LoopbackPorts;
import org.sipanchor.testing.RtpEngineDaemon;
import org.sipanchor.testing.SipAnchorServer;
import org.sipanchor.testing.SipMessageTrace;
import org.sipanchor.testing.SipMessageTrace.Message;
import org.sipanchor.testing.Sipp;

/**
 * The bundled proxy killed with SIGKILL while calls are up, and started again with the same configuration on the
 * same ports: the calls it record-routed before go on through the new process (their re-INVITEs keep the media
 * anchored, their BYEs release it), and RTPEngine ends with nothing.
 */
@DisplayName("The bundled proxy after kill -9 and a restart")
class ProxyRestartIT {

    private static final int CALLS = 3;
    /** How long each call stays up before its re-INVITE: the kill and the restart happen within it. */
    private static final Duration HOLD = Duration.ofSeconds(12);

    @RegisterExtension
    final RtpEngineDaemon rtpengine = RtpEngineDaemon.builder().build();

    @Test
    @DisplayName("relays the re-INVITEs and BYEs of the calls it record-routed before, media anchored then released: 0 sessions left")
    void servesCallsItRecordRoutedBefore() throws Exception {
        int sipPort = LoopbackPorts.free();
        int calleePort = LoopbackPorts.free();
        String yaml = SipAnchorServer.config(sipPort, """
                app:
                  mode: proxy
                  auth: off
                  next_hop: "sip:127.0.0.1:%d"
                media:
                  node_id: "restart-test"
                  rtpengine:
                    address: "%s"
                    timeout_ms: 500
                """.formatted(calleePort, rtpengine.ngHostPort()));
        SipAnchorServer first = SipAnchorServer.start(yaml, sipPort);
        try (Sipp callee = Sipp.scenario("uas-answer-reinvite.xml").port(calleePort).calls(CALLS).start();
                Sipp caller = Sipp.scenario("uac-hold-reinvite.xml").service("bob").calls(CALLS)
                        .set("hold_ms", Long.toString(HOLD.toMillis())).remote(first.sipAddress()).start()) {
            long callsStarted = System.nanoTime();
            awaitSessions(CALLS, Duration.ofSeconds(10));
            Thread.sleep(300); // the ACKs go through
            first.kill();
            assertEquals(CALLS, rtpengine.sessionCount(), "a killed proxy released nothing");

            try (SipAnchorServer second = SipAnchorServer.start(yaml, sipPort)) {
                assertTrue(System.nanoTime() - callsStarted < HOLD.toNanos() - Duration.ofSeconds(1).toNanos(),
                        "restarted before the calls' re-INVITEs (raise HOLD if the machine is this slow)");
                caller.assertSucceeded(Duration.ofSeconds(60));
                callee.assertSucceeded(Duration.ofSeconds(60));

                SipMessageTrace atCaller = SipMessageTrace.parse(caller.messages());
                SipMessageTrace atCallee = SipMessageTrace.parse(callee.messages());
                assertTrue(atCaller.all().stream().noneMatch(m -> m.isResponse() && m.status() == 481),
                        "no 481 for requests of dialogs record-routed before the restart:\n" + caller.messages());
                List<Message> reinvites = atCallee.received("INVITE").stream()
                        .filter(m -> m.header("CSeq").orElse("").startsWith("2 ")).toList();
                assertEquals(CALLS, reinvites.size(), callee.messages());
                for (Message reinvite : reinvites) {
                    // the caller's re-offer (port 16000, a=sendonly) arrives as RTPEngine's
                    AnchoredSdp.assertAnchored(reinvite.body(), rtpengine, "sipanchor");
                    assertTrue(reinvite.body().contains("a=sendonly"), reinvite.body());
                }
                List<Message> reinviteAnswers = atCaller.receivedResponses(200, "INVITE").stream()
                        .filter(m -> m.header("CSeq").orElse("").startsWith("2 ")).toList();
                assertEquals(CALLS, reinviteAnswers.size(), caller.messages());
                for (Message answer : reinviteAnswers) {
                    AnchoredSdp.assertAnchored(answer.body(), rtpengine, "sipanchor");
                }
                assertEquals(CALLS, second.output().lines()
                        .filter(line -> line.contains("BYE of a dialog this process did not record-route")).count(),
                        second.output());
                AnchoredSdp.assertNoSessionLeft(rtpengine);
                assertFalse(second.output().contains("Cannot find the corresponding sip application session"), second.output());
            }
        } finally {
            first.close();
        }
    }

    private void awaitSessions(int expected, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (rtpengine.sessionCount() < expected) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("RTPEngine holds " + rtpengine.sessionCount() + " calls, expected " + expected);
            }
            Thread.sleep(50);
        }
    }
}
