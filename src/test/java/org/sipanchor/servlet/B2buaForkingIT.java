package org.sipanchor.servlet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.sipanchor.testing.AnchoredSdp.assertAnchored;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.sipanchor.sdp.SessionDescription;
import org.sipanchor.testing.AnchoringServer;
import org.sipanchor.testing.LoopbackPorts;
import org.sipanchor.testing.RtpEngineDaemon;
import org.sipanchor.testing.SipMessageTrace;
import org.sipanchor.testing.Sipp;

/**
 * The bundled B2BUA rings every registered contact of the called user at once, one B-leg each with its own offer
 * on RTPEngine: the first to answer takes the call, the others are cancelled and their media released; when all
 * fail, the caller gets the best failure. RTPEngine holds zero sessions after every scenario.
 */
@DisplayName("Forking on the bundled B2BUA")
class B2buaForkingIT {

    private static final Duration CALL_TIME = Duration.ofSeconds(30);
    private static final String SDP_NAME = "anchor";

    @RegisterExtension
    static final AnchoringServer b2bua = AnchoringServer.bundled().mode("b2bua").sdpName(SDP_NAME);

    private static final RtpEngineDaemon rtpengine = b2bua.rtpengine();

    @Test
    @DisplayName("the first contact to answer takes the call: the other is cancelled and its media released at once")
    void firstAnswerWins() {
        // The answering contact registers first: the B2BUA that rang only the contact registered last would never
        // reach it, and the caller would get 408.
        Forked call = forkTo("fork-wins", Sipp.scenario("uac-call.xml"),
                Sipp.scenario("uas-answer-late.xml").args("-d", "500"),
                Sipp.scenario("uas-cancelled-b2bua.xml"));
        SipMessageTrace answering = call.callees().get(0);
        SipMessageTrace ringing = call.callees().get(1);

        SessionDescription toAnswering = assertAnchored(answering.received("INVITE").get(0).body(), rtpengine, SDP_NAME);
        SessionDescription toRinging = assertAnchored(ringing.received("INVITE").get(0).body(), rtpengine, SDP_NAME);
        assertNotEquals(toAnswering.media().get(0).port(), toRinging.media().get(0).port(),
                "each B-leg is offered on its own via-branch, with its own RTPEngine ports");
        assertAnchored(call.caller().receivedResponses(200, "INVITE").get(0).body(), rtpengine, SDP_NAME);
        assertEquals(1, ringing.received("CANCEL").size(), "the ringing contact is cancelled when the other answers");
        assertTrue(ringing.received("BYE").isEmpty(), "the loser's early dialog is cancelled, not hung up");
        assertEquals(1, answering.received("BYE").size(), "the caller's BYE reaches the winner");
        assertEquals(2, rtpengine.commandsLogged(callId(call.caller()), "delete"),
                "the losing branch is released when the winner answers, the rest of the call on BYE");
    }

    @Test
    @DisplayName("every contact fails: the caller gets the best failure (same class: the lowest status) and the media goes")
    void allFail() {
        Forked call = forkTo("fork-fails", Sipp.scenario("uac-expect-status.xml").set("status", "480"),
                Sipp.scenario("uas-reject.xml").set("status", "486").set("reason", "Busy Here"),
                Sipp.scenario("uas-reject.xml").set("status", "480").set("reason", "Temporarily Unavailable"));
        for (SipMessageTrace callee : call.callees()) {
            assertAnchored(callee.received("INVITE").get(0).body(), rtpengine, SDP_NAME);
        }
        assertTrue(call.caller().receivedResponses(486, "INVITE").isEmpty(), "one final response reaches the caller");
        assertEquals(2, rtpengine.commandsLogged(callId(call.caller()), "delete"),
                "the first failed branch is released while the other rings, the call with the last failure");
    }

    @Test
    @DisplayName("the caller's CANCEL cancels every ringing contact and releases the media")
    void callerCancels() {
        Forked call = forkTo("fork-cancel", Sipp.scenario("uac-cancel.xml"),
                Sipp.scenario("uas-cancelled-b2bua.xml"), Sipp.scenario("uas-cancelled-b2bua.xml"));
        for (SipMessageTrace callee : call.callees()) {
            assertEquals(1, callee.received("CANCEL").size(), "every B-leg is cancelled");
        }
    }

    @Test
    @DisplayName("the caller's BYE before the answer cancels every ringing contact, the INVITE gets 487")
    void callerHangsUpEarly() {
        Forked call = forkTo("fork-bye", Sipp.scenario("uac-bye-early.xml"),
                Sipp.scenario("uas-cancelled-b2bua.xml"), Sipp.scenario("uas-cancelled-b2bua.xml"));
        for (SipMessageTrace callee : call.callees()) {
            assertEquals(1, callee.received("CANCEL").size(), "every B-leg is cancelled");
        }
    }

    @Test
    @DisplayName("no answer before app.no_answer_timeout_secs: every contact is cancelled, the caller gets 408")
    void noAnswerTimesOut() {
        Forked call = forkTo("fork-timeout", Sipp.scenario("uac-expect-status.xml").set("status", "408"),
                Sipp.scenario("uas-cancelled-b2bua.xml"), Sipp.scenario("uas-cancelled-b2bua.xml"));
        for (SipMessageTrace callee : call.callees()) {
            assertEquals(1, callee.received("CANCEL").size(), "every B-leg is cancelled");
        }
    }

    @Test
    @DisplayName("B-legs share out the caller's Max-Breadth (RFC 5393): each of two carries half of 4")
    void maxBreadthShared() {
        Forked call = forkTo("fork-breadth", Sipp.scenario("uac-max-breadth.xml").set("max_breadth", "4").set("status", "486"),
                Sipp.scenario("uas-reject.xml").set("status", "486").set("reason", "Busy Here"),
                Sipp.scenario("uas-reject.xml").set("status", "486").set("reason", "Busy Here"));
        for (SipMessageTrace callee : call.callees()) {
            assertEquals(Optional.of("2"), callee.received("INVITE").get(0).header("Max-Breadth"),
                    "each B-leg carries its share");
        }
    }

    @Test
    @DisplayName("a fork wider than the caller's Max-Breadth gets 440 before any B-leg or RTPEngine offer exists")
    void maxBreadthExceeded() {
        for (int i = 0; i < 2; i++) {
            Sipp.scenario("register.xml").port(LoopbackPorts.free()).service("fork-narrow").remote(b2bua.sipAddress()).run();
        }
        try (Sipp caller = Sipp.scenario("uac-max-breadth.xml").set("max_breadth", "1").set("status", "440")
                .service("fork-narrow").remote(b2bua.sipAddress()).start()) {
            caller.assertSucceeded(CALL_TIME);
            assertEquals(0, rtpengine.commandsLogged(callId(SipMessageTrace.parse(caller.messages())), "offer"),
                    "nothing was anchored for a refused fork");
        }
    }

    /** The traces of a caller and of each contact it rang, all of which completed their scenarios. */
    private record Forked(SipMessageTrace caller, List<SipMessageTrace> callees) {
    }

    /**
     * Registers one contact of {@code user} per callee scenario (in that order), runs each behind its contact, calls
     * {@code user} with {@code caller}, and waits for every SIPp to complete. Every process ends here, whatever fails.
     */
    private static Forked forkTo(String user, Sipp.Builder caller, Sipp.Builder... callees) {
        List<Integer> ports = new ArrayList<>();
        for (int i = 0; i < callees.length; i++) {
            int port = LoopbackPorts.free();
            Sipp.scenario("register.xml").port(port).service(user).remote(b2bua.sipAddress()).run();
            ports.add(port);
        }
        List<Sipp> running = new ArrayList<>();
        try {
            for (int i = 0; i < callees.length; i++) {
                running.add(callees[i].port(ports.get(i)).start());
            }
            Sipp callerRun = caller.service(user).remote(b2bua.sipAddress()).start();
            running.add(callerRun);
            // the caller first: when a contact is never rung, the caller's failure tells why
            callerRun.assertSucceeded(CALL_TIME);
            for (Sipp sipp : running) {
                sipp.assertSucceeded(CALL_TIME);
            }
            List<SipMessageTrace> traces = new ArrayList<>();
            for (int i = 0; i < callees.length; i++) {
                traces.add(SipMessageTrace.parse(running.get(i).messages()));
            }
            return new Forked(SipMessageTrace.parse(callerRun.messages()), traces);
        } finally {
            running.forEach(Sipp::close);
        }
    }

    private static String callId(SipMessageTrace caller) {
        return caller.sent("INVITE").get(0).header("Call-ID").orElseThrow();
    }
}
