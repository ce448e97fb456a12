package org.sipanchor.servlet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.sipanchor.testing.AnchoredSdp.assertAnchored;

import java.time.Duration;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.sipanchor.testing.AnchoringServer;
import org.sipanchor.testing.AnchoringServer.Calls;
import org.sipanchor.testing.LoopbackPorts;
import org.sipanchor.testing.SipMessageTrace;
import org.sipanchor.testing.SipMessageTrace.Message;
import org.sipanchor.testing.Sipp;

/**
 * How the bundled application reaches a callee, in either mode: over the transport the callee's URI names, else over
 * UDP (RFC 3263 section 4.1), whatever transport the caller used; a callee that cannot be reached at all is a 503
 * from it (RFC 3261 sections 8.1.3.1 and 16.9), never the server's own 500, and the other callees of a forked call go
 * on. RTPEngine holds zero sessions after every scenario ({@link AnchoringServer}).
 */
abstract class CalleeTransportContract {

    private static final Duration CALL_TIME = Duration.ofSeconds(30);

    /** The server under test, in the mode of the subclass. */
    abstract AnchoringServer server();

    @Test
    @DisplayName("a caller over TCP reaches a callee behind app.next_hop over UDP: the call is answered and anchored")
    void tcpCallerToUdpOnlyCallee() {
        Calls calls = server().call(Sipp.scenario("uac-call.xml").tcp().service("bob"), Sipp.scenario("uas-answer.xml"));

        Message invite = calls.callee().received("INVITE").get(0);
        assertTrue(invite.headerValues("Via").get(0).startsWith("SIP/2.0/UDP"), "the INVITE reached the callee over UDP\n" + invite);
        assertAnchored(invite.body(), server().rtpengine(), server().sdpName());
        assertAnchored(calls.caller().receivedResponses(200, "INVITE").get(0).body(), server().rtpengine(), server().sdpName());
        assertEquals(1, calls.callee().received("BYE").size(), "the caller's BYE reached the callee");
    }

    @Test
    @DisplayName("a callee registered over TCP, with no connection to it yet, gets each of three calls over TCP: answered, anchored and hung up")
    void tcpCalleeWithoutConnection() {
        int calleePort = LoopbackPorts.free();
        Sipp.scenario("register.xml").tcp().set("contact_port", Integer.toString(calleePort)).service("tcp-callee")
                .remote(server().sipAddress()).run();
        try (Sipp callee = Sipp.scenario("uas-answer.xml").tcp().port(calleePort).calls(3).start()) {
            Sipp caller = Sipp.scenario("uac-call.xml").service("tcp-callee").calls(3).remote(server().sipAddress()).start();
            caller.assertSucceeded(CALL_TIME);
            callee.assertSucceeded(CALL_TIME);
            SipMessageTrace calleeTrace = SipMessageTrace.parse(callee.messages());
            assertEquals(3, calleeTrace.received("BYE").size(), "the callee got every call's BYE");
            Message invite = calleeTrace.received("INVITE").get(0);
            assertTrue(invite.headerValues("Via").get(0).startsWith("SIP/2.0/TCP"), "the INVITE reached the callee over TCP\n" + invite);
            assertAnchored(invite.body(), server().rtpengine(), server().sdpName());
        }
    }

    @Test
    @DisplayName("a callee that refuses the connection (;transport=tcp to a closed port) is a 503 to the caller, not a 500")
    void refusedConnectionIs503() {
        registerRefusingContact("refusing");

        Sipp.scenario("uac-expect-status.xml").set("status", "503").service("refusing").remote(server().sipAddress()).run();
    }

    @Test
    @DisplayName("of two contacts, one refusing the connection: the other answers the call")
    void otherContactAnswersWhenOneRefuses() {
        // the refusing contact first: the other is reached only if the server goes on after the failure
        registerRefusingContact("split");
        int answering = LoopbackPorts.free();
        Sipp.scenario("register.xml").port(answering).service("split").remote(server().sipAddress()).run();
        try (Sipp callee = Sipp.scenario("uas-answer.xml").port(answering).start()) {
            Sipp caller = Sipp.scenario("uac-call.xml").service("split").remote(server().sipAddress()).start();
            caller.assertSucceeded(CALL_TIME);
            callee.assertSucceeded(CALL_TIME);
            SipMessageTrace callerTrace = SipMessageTrace.parse(caller.messages());
            assertAnchored(callerTrace.receivedResponses(200, "INVITE").get(0).body(), server().rtpengine(), server().sdpName());
        }
    }

    /** Registers {@code user} at a TCP contact on a port nobody listens on. */
    private void registerRefusingContact(String user) {
        int closed = LoopbackPorts.free();
        Sipp.scenario("register.xml").tcp().set("contact_port", Integer.toString(closed)).service(user)
                .remote(server().sipAddress()).run();
    }
}
