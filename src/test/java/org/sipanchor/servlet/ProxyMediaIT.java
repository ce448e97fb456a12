package org.sipanchor.servlet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.sipanchor.testing.AnchoredSdp.assertAnchored;
import static org.sipanchor.testing.AnchoredSdp.awaitSessions;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.sipanchor.sdp.SessionDescription;
import org.sipanchor.testing.AnchoringServer;
import org.sipanchor.testing.AnchoringServer.Calls;
import org.sipanchor.testing.LoopbackPorts;
import org.sipanchor.testing.LossyUdpRelay;
import org.sipanchor.testing.RtpEngineDaemon;
import org.sipanchor.testing.RunningSipAnchor.Container;
import org.sipanchor.testing.SipMessageTrace;
import org.sipanchor.testing.SipMessageTrace.Message;
import org.sipanchor.testing.Sipp;

/**
 * The bundled proxy anchors every call's media on a real RTPEngine, on each path a call can take, and leaves
 * no session behind: after every scenario RTPEngine holds zero sessions.
 */
@DisplayName("Media anchoring on the bundled proxy")
class ProxyMediaIT {

    private static final Duration CALL_TIME = Duration.ofSeconds(30);
    private static final String SDP_NAME = "anchor";

    @RegisterExtension
    static final AnchoringServer proxy = AnchoringServer.bundled().sdpName(SDP_NAME);

    private static final RtpEngineDaemon rtpengine = proxy.rtpengine();

    @Test
    @DisplayName("a basic call: both sides get RTPEngine's SDP, BYE releases it")
    void basicCall() {
        Calls calls = proxy.call("uac-call.xml", "uas-answer.xml");
        assertAnchored(calls.callee().received("INVITE").get(0).body(), rtpengine, SDP_NAME);
        assertAnchored(calls.caller().receivedResponses(200, "INVITE").get(0).body(), rtpengine, SDP_NAME);
    }

    @Test
    @DisplayName("CANCEL before the answer releases the media")
    void cancelBeforeAnswer() {
        Calls calls = proxy.call("uac-cancel.xml", "uas-cancelled.xml");
        assertAnchored(calls.callee().received("INVITE").get(0).body(), rtpengine, SDP_NAME);
    }

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource({"486, Busy Here", "603, Decline"})
    @DisplayName("a final failure from the callee releases the media")
    void calleeRefuses(String status, String reason) {
        Calls calls = proxy.call(Sipp.scenario("uac-expect-status.xml").set("status", status).service("bob"),
                Sipp.scenario("uas-reject.xml").set("status", status).set("reason", reason));
        assertEquals(1, rtpengine.commandsLogged(callId(calls.caller()), "delete"), "released once, not per branch and again per call");
    }

    @Test
    @DisplayName("no answer before app.no_answer_timeout_secs: the proxy cancels, the caller gets 408 (487 on Open Liberty), media released")
    void noAnswerTimesOut() {
        // the container's proxy timer: Restcomm answers 408; Liberty relays the cancelled branch's 487 (RFC 3261 16.8)
        String status = Container.underTest() == Container.LIBERTY ? "487" : "408";
        proxy.call(Sipp.scenario("uac-expect-status.xml").set("status", status).service("bob"),
                Sipp.scenario("uas-cancelled.xml"));
    }

    @Test
    @DisplayName("a 2xx the caller never acknowledges, from a callee that never hangs up: the media is released after 64 x T1 (32 s); an acknowledged call keeps its media past that")
    void noAckFromCaller() {
        // the talking call hangs up 42 s after its ACK, so the first session to go can only be the unacknowledged one
        try (Sipp callee = Sipp.scenario("uas-answer-hang-up-later.xml").set("talk_ms", "42000").calls(2)
                        .port(proxy.calleePort()).start();
                Sipp talking = Sipp.scenario("uac-wait-bye.xml").service("bob").remote(proxy.sipAddress()).start()) {
            awaitSessions(rtpengine, 1, Duration.ofSeconds(10), "the talking call anchored");
            long abandoned = System.nanoTime();
            Sipp.scenario("uac-no-ack-abandon.xml").service("bob").remote(proxy.sipAddress()).run();
            assertEquals(2, rtpengine.sessionCount(), "both calls anchored");

            awaitSessions(rtpengine, 1, Duration.ofSeconds(39), "the unacknowledged call released");
            Duration held = Duration.ofNanos(System.nanoTime() - abandoned);
            assertTrue(held.compareTo(Duration.ofSeconds(31)) > 0, "released only after the callee's 2xx wait: " + held);
            talking.assertSucceeded(Duration.ofSeconds(30));
            callee.assertSucceeded(Duration.ofSeconds(30));
        }
    }

    @Test
    @DisplayName("the ACK lost past the proxy: the callee's 2xx sent again reaches the caller, and its ACK sent again the callee")
    void ackLostPastTheProxy() throws Exception {
        int sippPort = LoopbackPorts.free();
        InetSocketAddress calleeHop = new InetSocketAddress(InetAddress.getLoopbackAddress(), proxy.calleePort());
        InetSocketAddress sipp = new InetSocketAddress(InetAddress.getLoopbackAddress(), sippPort);
        try (LossyUdpRelay lossy = LossyUdpRelay.dropping(calleeHop, sipp, new LossyUdpRelay.FirstOf("ACK "));
                Sipp callee = Sipp.scenario("uas-answer.xml").port(sippPort)
                        .set("contact_port", Integer.toString(proxy.calleePort())).start();
                Sipp caller = Sipp.scenario("uac-call.xml").set("ack_to_bye_ms", "3000").service("bob")
                        .remote(proxy.sipAddress()).start()) {
            caller.assertSucceeded(CALL_TIME);
            callee.assertSucceeded(CALL_TIME);
            assertEquals(1, lossy.droppedToServer.get(), "the proxy's first ACK was lost: " + lossy);
            List<Message> answers = SipMessageTrace.parse(caller.messages()).receivedResponses(200, "INVITE");
            assertTrue(answers.size() >= 2, "the callee's 2xx, sent again, was relayed to the caller: " + answers);
            assertAnchored(answers.get(0).body(), rtpengine, SDP_NAME);
            assertEquals(answers.get(0).body(), answers.get(1).body(), "relayed again with RTPEngine's SDP, not the callee's");
            assertEquals(1, SipMessageTrace.parse(callee.messages()).received("ACK").size(),
                    "the caller's second ACK reached the callee");
        }
    }

    @Test
    @DisplayName("after the ACK, a late copy of the INVITE and a CANCEL that crossed the 200 leave the call as it is")
    void lateCopiesAfterTheAck() {
        // a server may answer the copy with its 200 again (RFC 6026; Open Liberty does): the caller's ACK of it then
        // reaches the callee a second time, which a phone takes in its stride
        Calls calls = proxy.call(Sipp.scenario("uac-call-late-copies.xml").service("bob"),
                Sipp.scenario("uas-answer.xml").args("-default_behaviors", "all,-abortunexp"));
        assertEquals(1, calls.callee().received("INVITE").size(), "the copy of the INVITE was absorbed");
        assertEquals(List.of(), calls.callee().received("CANCEL"), "the CANCEL was answered, not relayed");
        assertEquals(1, rtpengine.commandsLogged(callId(calls.caller()), "delete"), "released once, by the BYE");
    }

    @Test
    @DisplayName("a re-INVITE from the caller is anchored both ways")
    void reinviteFromCaller() {
        Calls calls = proxy.call("uac-reinvite.xml", "uas-answer-reinvite.xml");
        List<Message> invites = calls.callee().received("INVITE");
        assertEquals(2, invites.size());
        SessionDescription reoffer = assertAnchored(invites.get(1).body(), rtpengine, SDP_NAME);
        assertEquals("sendonly", reoffer.media().get(0).direction().attributeName(), "the hold is relayed");
        assertAnchored(calls.caller().receivedResponses(200, "INVITE").get(1).body(), rtpengine, SDP_NAME);
    }

    @Test
    @DisplayName("answers a re-INVITE 100 Trying before relaying it, as it does a new INVITE")
    void reinviteTryingComesFirst() {
        Calls calls = proxy.call("uac-reinvite.xml", "uas-answer-reinvite.xml");
        Message reinvite = calls.caller().sent("INVITE").get(1);
        assertEquals(List.of(100, 200), calls.caller().receivedStatuses(reinvite),
                "the responses to the re-INVITE (" + reinvite.header("CSeq").orElseThrow() + "), in order");
    }

    @Test
    @DisplayName("a re-INVITE from the callee is an offer the other way, anchored both ways")
    void reinviteFromCallee() {
        Calls calls = proxy.call("uac-answer-reinvite.xml", "uas-reinvites.xml");
        assertAnchored(calls.caller().received("INVITE").get(0).body(), rtpengine, SDP_NAME);
        assertAnchored(calls.callee().receivedResponses(200, "INVITE").get(0).body(), rtpengine, SDP_NAME);
    }

    @Test
    @DisplayName("early media: the 183's SDP and the 200's are anchored")
    void earlyMedia() {
        Calls calls = proxy.call("uac-call.xml", "uas-early-media.xml");
        assertAnchored(calls.caller().receivedResponses(183, "INVITE").get(0).body(), rtpengine, SDP_NAME);
        assertAnchored(calls.caller().receivedResponses(200, "INVITE").get(0).body(), rtpengine, SDP_NAME);
    }

    @Test
    @DisplayName("a late offer: the 200 carries the offer and the ACK the answer, both anchored")
    void lateOffer() {
        Calls calls = proxy.call("uac-late-offer.xml", "uas-late-offer.xml");
        assertTrue(calls.callee().received("INVITE").get(0).body().isEmpty(), "the INVITE had no SDP");
        assertAnchored(calls.caller().receivedResponses(200, "INVITE").get(0).body(), rtpengine, SDP_NAME);
        assertAnchored(calls.callee().received("ACK").get(0).body(), rtpengine, SDP_NAME);
    }

    @Test
    @DisplayName("forking to two registered contacts: each branch anchored on its own, the cancelled one released")
    void forking() {
        int first = LoopbackPorts.free();
        int second = LoopbackPorts.free();
        Sipp.scenario("register.xml").port(first).service("fork").remote(proxy.sipAddress()).run();
        Sipp.scenario("register.xml").port(second).service("fork").remote(proxy.sipAddress()).run();
        try (Sipp answering = Sipp.scenario("uas-answer-late.xml").port(first).args("-d", "500").start();
                Sipp ringing = Sipp.scenario("uas-cancelled.xml").port(second).start()) {
            Sipp caller = Sipp.scenario("uac-call.xml").service("fork").remote(proxy.sipAddress()).start();
            caller.assertSucceeded(CALL_TIME);
            answering.assertSucceeded(CALL_TIME);
            ringing.assertSucceeded(CALL_TIME);
            SessionDescription toFirst = assertAnchored(SipMessageTrace.parse(answering.messages()).received("INVITE").get(0).body(), rtpengine, SDP_NAME);
            SessionDescription toSecond = assertAnchored(SipMessageTrace.parse(ringing.messages()).received("INVITE").get(0).body(), rtpengine, SDP_NAME);
            assertNotEquals(toFirst.media().get(0).port(), toSecond.media().get(0).port(), "each branch has its own RTPEngine ports");
            assertEquals(2, rtpengine.commandsLogged(callId(SipMessageTrace.parse(caller.messages())), "delete"),
                    "the cancelled branch is released when the other answers, the call on BYE");
        }
    }

    @Test
    @DisplayName("malformed SDP is refused with 488 and a Warning naming the line, nothing anchored")
    void malformedSdp() {
        Sipp caller = Sipp.scenario("uac-expect-status.xml").set("status", "488").set("offer", "v=0\no=broken\ns=x")
                .service("bob").remote(proxy.sipAddress()).start();
        caller.assertSucceeded(CALL_TIME);
        Message refusal = SipMessageTrace.parse(caller.messages()).receivedResponses(488, "INVITE").get(0);
        assertTrue(refusal.header("Warning").orElse("").contains("malformed SDP"), refusal.toString());
        assertTrue(refusal.header("Warning").orElse("").contains("line 2"), refusal.toString());
    }

    private static String callId(SipMessageTrace caller) {
        return caller.sent("INVITE").get(0).header("Call-ID").orElseThrow();
    }
}
