package org.sipanchor.servlet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.sipanchor.testing.AnchoredSdp.assertAnchored;

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
import org.sipanchor.testing.RtpEngineDaemon;
import org.sipanchor.testing.SipMessageTrace;
import org.sipanchor.testing.SipMessageTrace.Message;
import org.sipanchor.testing.Sipp;

/**
 * The bundled B2BUA ({@code app.mode: b2bua}) anchors every call's media on a real RTPEngine on each path a call
 * can take, owns both legs (their Call-IDs, tags and topology never cross), and leaves no session behind: after
 * every scenario RTPEngine holds zero sessions.
 */
@DisplayName("Media anchoring on the bundled B2BUA")
class B2buaMediaIT {

    private static final Duration CALL_TIME = Duration.ofSeconds(30);
    private static final String SDP_NAME = "anchor";

    @RegisterExtension
    static final AnchoringServer b2bua = AnchoringServer.bundled().mode("b2bua").sdpName(SDP_NAME);

    private static final RtpEngineDaemon rtpengine = b2bua.rtpengine();

    @Test
    @DisplayName("a basic call hung up by the caller: each side gets RTPEngine's SDP, the BYE crosses and releases it")
    void callerHangsUp() {
        Calls calls = b2bua.call("uac-call.xml", "uas-answer.xml");
        assertAnchored(calls.callee().received("INVITE").get(0).body(), rtpengine, SDP_NAME);
        assertAnchored(calls.caller().receivedResponses(200, "INVITE").get(0).body(), rtpengine, SDP_NAME);
        String calleeCallId = calls.callee().received("INVITE").get(0).header("Call-ID").orElseThrow();
        assertTrue(calls.callee().received("BYE").stream().anyMatch(bye -> bye.header("Call-ID").orElse("").equals(calleeCallId)),
                "the BYE reached the callee");
    }

    @Test
    @DisplayName("a basic call hung up by the callee: the BYE crosses to the caller and releases the media")
    void calleeHangsUp() {
        Calls calls = b2bua.call("uac-wait-bye.xml", "uas-answer-bye.xml");
        assertAnchored(calls.callee().received("INVITE").get(0).body(), rtpengine, SDP_NAME);
        assertAnchored(calls.caller().receivedResponses(200, "INVITE").get(0).body(), rtpengine, SDP_NAME);
        assertEquals(1, calls.caller().received("BYE").size(), "the BYE reached the caller");
    }

    @Test
    @DisplayName("each leg is its own dialog: Call-IDs, tags, Via, Contact and private headers never cross")
    void legsNeverLeak() {
        Calls calls = b2bua.call("uac-call-identity.xml", "uas-answer-identity.xml");
        Message callerInvite = calls.caller().sent("INVITE").get(0);
        Message calleeInvite = calls.callee().received("INVITE").get(0);
        Message calleeOk = calls.callee().sentResponses(200, "INVITE").get(0);
        Message callerOk = calls.caller().receivedResponses(200, "INVITE").get(0);

        String callerCallId = callerInvite.header("Call-ID").orElseThrow();
        String calleeCallId = calleeInvite.header("Call-ID").orElseThrow();
        assertNotEquals(callerCallId, calleeCallId, "each leg has its own Call-ID");
        assertTrue(calls.callee().all().stream().noneMatch(m -> m.toString().contains(callerCallId)),
                "the A-leg Call-ID never reaches the callee");
        assertTrue(calls.caller().all().stream().noneMatch(m -> m.toString().contains(calleeCallId)),
                "the B-leg Call-ID never reaches the caller");

        assertNotEquals(tag(callerInvite.header("From").orElseThrow()), tag(calleeInvite.header("From").orElseThrow()),
                "the caller's tag stays on the A-leg");
        assertNotEquals(tag(calleeOk.header("To").orElseThrow()), tag(callerOk.header("To").orElseThrow()),
                "the callee's tag stays on the B-leg");
        // a display name that is a token may go quoted or not (RFC 3261 25.1): Restcomm quotes it, Liberty does not
        assertTrue(calleeInvite.header("From").orElseThrow().matches("\"?alice\"? <sip:alice@127\\.0\\.0\\.1.*"),
                "the caller's display name and URI cross\n" + calleeInvite);

        assertEquals(1, calleeInvite.headers().stream().filter(h -> h.toLowerCase().startsWith("via:")).count(),
                "the callee sees one Via, the B2BUA's\n" + calleeInvite);
        assertFalse(calleeInvite.toString().contains("10.99.0.1"), "the upstream proxy stays hidden\n" + calleeInvite);
        assertFalse(calleeInvite.header("Contact").orElseThrow().contains(":" + callerPortOf(callerInvite)),
                "the callee's Contact is the B2BUA\n" + calleeInvite);
        assertFalse(calleeInvite.header("User-Agent").isPresent(), "User-Agent stays behind\n" + calleeInvite);
        assertFalse(calleeInvite.header("X-Access-Secret").isPresent(), "private headers stay behind\n" + calleeInvite);
        // as a name-addr or a bare addr-spec, both RFC 3325: Restcomm writes the brackets, Liberty drops them
        assertTrue(calleeInvite.header("P-Asserted-Identity").orElse("").matches("<?sip:\\+15551230000@access\\.example\\.org>?"),
                "the asserted identity crosses\n" + calleeInvite);
        assertTrue(calleeInvite.header("Allow").orElse("").contains("UPDATE"), "Allow crosses\n" + calleeInvite);
        assertEquals("timer", calleeInvite.header("Supported").orElse(""), "Supported crosses without 100rel\n" + calleeInvite);

        assertFalse(callerOk.header("Server").orElse("").contains("core-softswitch"), "Server stays behind\n" + callerOk);
        assertFalse(callerOk.header("X-Core-Node").isPresent(), "private headers stay behind\n" + callerOk);
        assertFalse(callerOk.header("Contact").orElseThrow().contains("bob@"), "the caller's Contact is the B2BUA\n" + callerOk);
    }

    @Test
    @DisplayName("CANCEL before the answer: the callee is cancelled and the media released")
    void cancelBeforeAnswer() {
        Calls calls = b2bua.call("uac-cancel.xml", "uas-cancelled-b2bua.xml");
        assertAnchored(calls.callee().received("INVITE").get(0).body(), rtpengine, SDP_NAME);
        assertEquals(1, calls.callee().received("CANCEL").size());
    }

    @Test
    @DisplayName("a BYE from the caller while the callee rings: the callee is cancelled, the INVITE gets 487, media released")
    void byeBeforeAnswer() {
        Calls calls = b2bua.call("uac-bye-early.xml", "uas-cancelled-b2bua.xml");
        assertEquals(1, calls.callee().received("CANCEL").size());
        assertTrue(calls.callee().received("BYE").isEmpty(), "the callee's early dialog is cancelled, not hung up");
    }

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource({"486, Busy Here", "603, Decline", "408, Request Timeout"})
    @DisplayName("a final failure of the B-leg reaches the caller and releases the media")
    void calleeRefuses(String status, String reason) {
        Calls calls = b2bua.call(Sipp.scenario("uac-expect-status.xml").set("status", status).service("bob"),
                Sipp.scenario("uas-reject.xml").set("status", status).set("reason", reason));
        assertAnchored(calls.callee().received("INVITE").get(0).body(), rtpengine, SDP_NAME);
    }

    @Test
    @DisplayName("no answer before app.no_answer_timeout_secs: the B2BUA cancels the callee, the caller gets 408, media released")
    void noAnswerTimesOut() {
        b2bua.call(Sipp.scenario("uac-expect-status.xml").set("status", "408").service("bob"),
                Sipp.scenario("uas-cancelled-b2bua.xml"));
    }

    @Test
    @DisplayName("a re-INVITE from the caller is offered and answered through RTPEngine")
    void reinviteFromCaller() {
        Calls calls = b2bua.call("uac-reinvite.xml", "uas-answer-reinvite.xml");
        List<Message> invites = calls.callee().received("INVITE");
        assertEquals(2, invites.size());
        SessionDescription reoffer = assertAnchored(invites.get(1).body(), rtpengine, SDP_NAME);
        assertEquals("sendonly", reoffer.media().get(0).direction().attributeName(), "the hold is relayed");
        assertAnchored(calls.caller().receivedResponses(200, "INVITE").get(1).body(), rtpengine, SDP_NAME);
        assertEquals(2, calls.callee().received("ACK").size(), "each 2xx is acknowledged on the B-leg");
    }

    @Test
    @DisplayName("a re-INVITE from the callee is an offer the other way, anchored both ways")
    void reinviteFromCallee() {
        Calls calls = b2bua.call("uac-answer-reinvite.xml", "uas-reinvites.xml");
        assertAnchored(calls.caller().received("INVITE").get(0).body(), rtpengine, SDP_NAME);
        assertAnchored(calls.callee().receivedResponses(200, "INVITE").get(0).body(), rtpengine, SDP_NAME);
        assertEquals(1, calls.caller().received("ACK").size(), "the caller's 2xx is acknowledged");
    }

    @Test
    @DisplayName("an UPDATE from the caller is offered and answered through RTPEngine")
    void updateFromCaller() {
        Calls calls = b2bua.call("uac-update.xml", "uas-answer-update.xml");
        SessionDescription reoffer = assertAnchored(calls.callee().received("UPDATE").get(0).body(), rtpengine, SDP_NAME);
        assertEquals("sendonly", reoffer.media().get(0).direction().attributeName(), "the hold is relayed");
        assertAnchored(calls.caller().receivedResponses(200, "UPDATE").get(0).body(), rtpengine, SDP_NAME);
    }

    @Test
    @DisplayName("an UPDATE from the callee is an offer the other way, anchored both ways")
    void updateFromCallee() {
        Calls calls = b2bua.call("uac-answer-update.xml", "uas-updates.xml");
        assertAnchored(calls.caller().received("UPDATE").get(0).body(), rtpengine, SDP_NAME);
        assertAnchored(calls.callee().receivedResponses(200, "UPDATE").get(0).body(), rtpengine, SDP_NAME);
    }

    @Test
    @DisplayName("an INFO crosses with its body, and its response comes back")
    void infoIsRelayed() {
        Calls calls = b2bua.call("uac-info.xml", "uas-answer-info.xml");
        Message info = calls.callee().received("INFO").get(0);
        assertEquals("application/dtmf-relay", info.header("Content-Type").orElse(""), info.toString());
        assertEquals(1, calls.caller().receivedResponses(200, "INFO").size());
    }

    @Test
    @DisplayName("early media: the 183's SDP and the 200's are anchored")
    void earlyMedia() {
        Calls calls = b2bua.call("uac-call.xml", "uas-early-media.xml");
        assertAnchored(calls.caller().receivedResponses(183, "INVITE").get(0).body(), rtpengine, SDP_NAME);
        assertAnchored(calls.caller().receivedResponses(200, "INVITE").get(0).body(), rtpengine, SDP_NAME);
    }

    @Test
    @DisplayName("a late offer: the callee's 200 carries the offer and the caller's ACK the answer, both anchored")
    void lateOffer() {
        Calls calls = b2bua.call("uac-late-offer.xml", "uas-late-offer.xml");
        assertTrue(calls.callee().received("INVITE").get(0).body().isEmpty(), "the INVITE had no SDP");
        assertAnchored(calls.caller().receivedResponses(200, "INVITE").get(0).body(), rtpengine, SDP_NAME);
        assertAnchored(calls.callee().received("ACK").get(0).body(), rtpengine, SDP_NAME);
    }

    @Test
    @DisplayName("a session timer that runs out without a refresh: both legs get a BYE, the media is released")
    void sessionTimerExpires() {
        Calls calls = b2bua.call(Sipp.scenario("uac-session-timer.xml").set("expires", "2").service("bob"),
                Sipp.scenario("uas-session-timer.xml").set("expires", "2"));
        assertTrue(calls.caller().received("BYE").get(0).header("Reason").orElse("").contains("session timer"));
    }

    @Test
    @DisplayName("a 2xx the caller never acknowledges: after its retransmissions both legs get a BYE, the media is released")
    void noAckFromCaller() {
        Calls calls = b2bua.call(Sipp.scenario("uac-no-ack.xml").service("bob"), Sipp.scenario("uas-answer.xml"),
                Duration.ofSeconds(60));
        assertEquals(1, calls.callee().received("ACK").size(), "the callee's 2xx is acknowledged");
        assertTrue(calls.caller().received("BYE").get(0).header("Reason").orElse("").contains("no ACK"));
    }

    @Test
    @DisplayName("an INVITE that requires 100rel is refused with 420 Unsupported: 100rel, nothing anchored")
    void reliableProvisionalsRefused() {
        Sipp.scenario("uac-require-100rel.xml").service("bob").remote(b2bua.sipAddress()).run();
    }

    @Test
    @DisplayName("malformed SDP is refused with 488 and a Warning naming the line, nothing anchored")
    void malformedSdp() {
        Sipp caller = Sipp.scenario("uac-expect-status.xml").set("status", "488").set("offer", "v=0\no=broken\ns=x")
                .service("bob").remote(b2bua.sipAddress()).start();
        caller.assertSucceeded(CALL_TIME);
        Message refusal = SipMessageTrace.parse(caller.messages()).receivedResponses(488, "INVITE").get(0);
        assertTrue(refusal.header("Warning").orElse("").contains("malformed SDP"), refusal.toString());
        assertTrue(refusal.header("Warning").orElse("").contains("line 2"), refusal.toString());
    }

    private static String tag(String addressHeader) {
        int at = addressHeader.indexOf(";tag=");
        return at < 0 ? "" : addressHeader.substring(at + 5).split("[;>\\s]")[0];
    }

    private static String callerPortOf(Message invite) {
        String contact = invite.header("Contact").orElseThrow();
        return contact.replaceAll(".*127\\.0\\.0\\.1:(\\d+).*", "$1");
    }
}
