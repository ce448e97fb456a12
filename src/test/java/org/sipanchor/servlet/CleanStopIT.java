package org.sipanchor.servlet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.sipanchor.testing.AnchoredSdp;
import org.sipanchor.testing.LoopbackPorts;
import org.sipanchor.testing.RtpEngineDaemon;
import org.sipanchor.testing.SipAnchorServer;
import org.sipanchor.testing.SipMessageTrace;
import org.sipanchor.testing.Sipp;

/**
 * SIGTERM to the bundled B2BUA while calls are up: its dialogs die with the process, so it ends them before it exits
 * (BYE on both legs, media released). The proxy hands its calls over instead: see {@link ProxyRestartIT}.
 */
@DisplayName("The bundled B2BUA on SIGTERM")
class CleanStopIT {

    private static final int CALLS = 2;

    @RegisterExtension
    final RtpEngineDaemon rtpengine = RtpEngineDaemon.builder().build();

    @Test
    @DisplayName("hangs up both legs of every call and releases its media before it exits 0: 0 sessions left")
    void endsItsCalls() throws Exception {
        int sipPort = LoopbackPorts.free();
        int calleePort = LoopbackPorts.free();
        try (SipAnchorServer server = SipAnchorServer.start(SipAnchorServer.config(sipPort, """
                app:
                  mode: b2bua
                  auth: off
                  next_hop: "sip:127.0.0.1:%d"
                media:
                  rtpengine:
                    address: "%s"
                    timeout_ms: 500
                """.formatted(calleePort, rtpengine.ngHostPort())), sipPort);
                Sipp callee = Sipp.scenario("uas-answer.xml").port(calleePort).calls(CALLS).start();
                Sipp caller = Sipp.scenario("uac-call-await-bye.xml").service("bob").calls(CALLS)
                        .remote(server.sipAddress()).start()) {
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (rtpengine.sessionCount() < CALLS && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            assertEquals(CALLS, rtpengine.sessionCount());
            Thread.sleep(300); // the ACKs go through

            assertEquals(0, server.stop(), server.output());
            assertTrue(server.logged(line -> line.contains("stopping: " + CALLS + " calls ended (BYE on both legs, media released)")),
                    server.output());
            caller.assertSucceeded(Duration.ofSeconds(20));
            callee.assertSucceeded(Duration.ofSeconds(20));
            assertEquals(CALLS, SipMessageTrace.parse(caller.messages()).received("BYE").size(), caller.messages());
            assertTrue(SipMessageTrace.parse(caller.messages()).received("BYE").get(0).header("Reason").orElse("")
                    .contains("cause=503"), caller.messages());
            assertEquals(CALLS, SipMessageTrace.parse(callee.messages()).received("BYE").size(), callee.messages());
            AnchoredSdp.assertNoSessionLeft(rtpengine);
        }
    }
}
