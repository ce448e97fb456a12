package org.sipanchor.servlet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.sipanchor.sdp.MediaDescription;
import org.sipanchor.sdp.SessionDescription;
import org.sipanchor.testing.AnchoringServer;
import org.sipanchor.testing.RetainedHeap;
import org.sipanchor.testing.SipMessageTrace;
import org.sipanchor.testing.SipMessageTrace.Message;
import org.sipanchor.testing.Sipp;

/**
 * At the edge, no single packet or peer can hurt anyone else's calls: an offer over {@code media.limits} is refused
 * before RTPEngine hears of it (zero offers in its log, zero sessions), media RTPEngine cannot anchor never passes
 * with the endpoint's address, SDP in a multipart body is refused rather than relayed raw, and a TCP peer that
 * trickles a huge message loses its connection while the next call goes through. Proxy and B2BUA alike; the
 * defaults of {@code sip.limits} and {@code media.limits} throughout. After every attack both servers keep no more
 * heap than at the start, give or take {@link #HEAP_GROWTH_LIMIT}.
 */
@DisplayName("At the edge")
class EdgeLimitsIT {

    private static final Duration CALL_TIME = Duration.ofSeconds(30);

    @RegisterExtension
    static final AnchoringServer proxy = AnchoringServer.bundled();
    @RegisterExtension
    static final AnchoringServer b2bua = AnchoringServer.bundled().mode("b2bua");

    /**
     * How much more heap than at the start a server may keep after an attack (after a full collection): the calls of
     * the last seconds, which the SIP stack keeps for its timers, fit many times over; a peer able to grow it by
     * sending more would not stay under it for long.
     */
    private static final long HEAP_GROWTH_LIMIT = 32L << 20;
    private static final Map<String, Long> heapAtStart = new LinkedHashMap<>();

    private static AnchoringServer in(String mode) {
        return "proxy".equals(mode) ? proxy : b2bua;
    }

    @BeforeAll
    static void measureHeapAtStart() {
        heapAtStart.put("proxy", RetainedHeap.of(proxy.server()));
        heapAtStart.put("b2bua", RetainedHeap.of(b2bua.server()));
    }

    @AfterEach
    void heapStaysBounded(TestInfo attack) {
        heapAtStart.forEach((mode, atStart) -> {
            long retained = RetainedHeap.of(in(mode).server());
            System.out.printf("retained heap after \"%s\": %s %d KiB (at start %d KiB)%n", attack.getDisplayName(), mode,
                    retained >> 10, atStart >> 10);
            assertTrue(retained - atStart < HEAP_GROWTH_LIMIT, mode + " keeps " + (retained >> 10) + " KiB after \""
                    + attack.getDisplayName() + "\", " + (atStart >> 10) + " KiB at start");
        });
    }

    /** Runs a caller whose INVITE must fail with {@code status}, and returns that response. */
    private static Message refused(AnchoringServer server, String scenario, String offer, int status) {
        try (Sipp caller = Sipp.scenario(scenario).set("status", Integer.toString(status)).set("offer", offer)
                .service("bob").remote(server.sipAddress()).start()) {
            caller.assertSucceeded(CALL_TIME);
            return SipMessageTrace.parse(caller.messages()).receivedResponses(status, "INVITE").get(0);
        }
    }

    private static void assertNeverOffered(AnchoringServer server, Message refusal) {
        String callId = refusal.header("Call-ID").orElseThrow();
        assertEquals(0, server.rtpengine().commandsLogged(callId, "offer"), "RTPEngine got an offer for " + callId);
        assertEquals(0, server.rtpengine().commandsLogged(callId, "delete"), "RTPEngine got a delete for " + callId);
        assertTrue(server.server().logged(line -> line.contains("call-id=" + callId) && line.contains("INVITE rejected with "
                + refusal.status())), server.server().output());
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"proxy", "b2bua"})
    @DisplayName("an SDP body over media.limits.max_sdp_bytes gets 413 naming the limit, and RTPEngine never hears of it")
    void sdpTooLarge(String mode) {
        String offer = Sipp.sdp("pcmu-offer.sdp") + "\r\n" + "a=x-filler:0123456789abcdef0123456789abcdef\r\n".repeat(400);
        Message refusal = refused(in(mode), "uac-expect-status.xml", offer.strip(), 413);
        assertTrue(refusal.header("Warning").orElse("").contains("over the limit of 16384 bytes"), refusal.toString());
        assertNeverOffered(in(mode), refusal);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"proxy", "b2bua"})
    @DisplayName("more m= lines than media.limits.max_media_sections get 488 naming the first section beyond, RTPEngine untouched")
    void tooManySections(String mode) {
        String audio = "m=audio 16000 RTP/AVP 0\r\na=rtpmap:0 PCMU/8000\r\n";
        String offer = Sipp.sdp("pcmu-offer.sdp").split("m=audio")[0] + audio.repeat(9);
        Message refusal = refused(in(mode), "uac-expect-status.xml", offer.strip(), 488);
        assertTrue(refusal.header("Warning").orElse("").contains("too many media sections: line "), refusal.toString());
        assertTrue(refusal.header("Warning").orElse("").contains("(at most 8)"), refusal.toString());
        assertNeverOffered(in(mode), refusal);
    }

    @org.junit.jupiter.api.Nested
    @DisplayName("a callee's answer with more m= lines than media.limits.max_media_sections never reaches RTPEngine")
    class AnswerOverLimits {

        private final String answer = Sipp.sdp("pcmu-answer.sdp").split("m=audio")[0]
                + "m=audio 17000 RTP/AVP 0\r\na=rtpmap:0 PCMU/8000\r\n".repeat(9);

        @Test
        @DisplayName("the B2BUA refuses the call: 488 to the caller (no detail of the callee's SDP), ACK and BYE to the callee, media released")
        void b2buaEndsTheCall() {
            AnchoringServer.Calls calls = b2bua.call(Sipp.scenario("uac-expect-status.xml").set("status", "488").service("bob"),
                    Sipp.scenario("uas-answer.xml").set("answer", answer.strip()));
            Message refusal = calls.caller().receivedResponses(488, "INVITE").get(0);
            assertEquals("399 sipanchor \"media could not be anchored\"", refusal.header("Warning").orElse(""), refusal.toString());
            assertEquals(1, calls.callee().received("BYE").size(), "the callee's answered leg is hung up");
            String callId = refusal.header("Call-ID").orElseThrow();
            assertEquals(0, b2bua.rtpengine().commandsLogged(callId, "answer"), "RTPEngine got the oversized answer");
            assertTrue(b2bua.server().logged(line -> line.contains("call-id=" + callId) && line.contains("max_media_sections")),
                    b2bua.server().output());
        }

        @Test
        @DisplayName("the proxy relays the 200 (a reply cannot be refused) without asking RTPEngine, logs it with the Call-ID, and BYE releases the offer")
        void proxyRelaysUnanchored() {
            AnchoringServer.Calls calls = proxy.call(Sipp.scenario("uac-call.xml").service("bob"),
                    Sipp.scenario("uas-answer.xml").set("answer", answer.strip()));
            String callId = calls.caller().receivedResponses(200, "INVITE").get(0).header("Call-ID").orElseThrow();
            assertEquals(0, proxy.rtpengine().commandsLogged(callId, "answer"), "RTPEngine got the oversized answer");
            assertEquals(1, proxy.rtpengine().commandsLogged(callId, "delete"), "the anchored offer is released on BYE");
            assertTrue(proxy.server().logged(line -> line.contains("call-id=" + callId) && line.contains("unanchored")
                    && line.contains("max_media_sections")), proxy.server().output());
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"proxy", "b2bua"})
    @DisplayName("SDP inside a multipart/mixed body gets 415 with Accept: application/sdp, never relayed raw")
    void multipart(String mode) {
        Message refusal = refused(in(mode), "uac-expect-status-multipart.xml", Sipp.sdp("pcmu-offer.sdp"), 415);
        assertEquals("application/sdp", refusal.header("Accept").orElse(""), refusal.toString());
        assertTrue(refusal.header("Warning").orElse("").contains("multipart/mixed"), refusal.toString());
        assertNeverOffered(in(mode), refusal);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"proxy", "b2bua"})
    @DisplayName("an MSRP section is disabled before RTPEngine: the callee sees port 0 and nothing of the caller's address")
    void mediaOverTcpDisabled(String mode) {
        AnchoringServer server = in(mode);
        AnchoringServer.Calls calls = server.call(Sipp.scenario("uac-call.xml").service("bob").offer("pcmu-msrp-offer.sdp"),
                Sipp.scenario("uas-answer.xml").answer("pcmu-msrp-answer.sdp"));
        Message invite = calls.callee().received("INVITE").get(0);
        assertFalse(invite.body().contains("192.0.2.77"), "the caller's MSRP address reached the callee:\n" + invite.body());
        SessionDescription toCallee = SessionDescription.parse(invite.body());
        MediaDescription msrp = toCallee.media().get(1);
        assertEquals("message", msrp.type());
        assertEquals(0, msrp.port(), invite.body());
        assertTrue(toCallee.media().get(0).port() != 16000, "the audio is anchored:\n" + invite.body());
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"proxy", "b2bua"})
    @DisplayName("an INVITE over UDP without Content-Length keeps its offer (RFC 3261 18.3): anchored, the call completes")
    void datagramWithoutContentLength(String mode) {
        AnchoringServer.Calls calls = in(mode).call(Sipp.scenario("uac-call-no-content-length.xml").service("bob")
                .offer("pcmu-offer.sdp"), Sipp.scenario("uas-answer.xml").answer("pcmu-answer.sdp"));
        Message invite = calls.callee().received("INVITE").get(0);
        assertFalse(invite.body().isBlank(), "the offer vanished on the way:\n" + invite);
        SessionDescription toCallee = SessionDescription.parse(invite.body());
        assertEquals(in(mode).sdpName(), toCallee.origin().username(), "anchored:\n" + invite.body());
        assertTrue(toCallee.media().get(0).port() != 16000, "anchored:\n" + invite.body());
        SessionDescription toCaller = SessionDescription.parse(calls.caller().receivedResponses(200, "INVITE").get(0).body());
        assertEquals(in(mode).sdpName(), toCaller.origin().username(), "the answer is anchored too");
    }

    @Test
    @DisplayName("a TCP peer trickling a huge Content-Length is cut off after sip.limits.tcp_read_timeout_secs, and the next call goes through")
    void tricklingPeerIsCutOff() throws IOException {
        String[] hostPort = proxy.sipAddress().split(":");
        try (Socket peer = new Socket(hostPort[0], Integer.parseInt(hostPort[1]))) {
            peer.setSoTimeout(250);
            OutputStream out = peer.getOutputStream();
            out.write(inviteHead(peer, 60_000).getBytes(StandardCharsets.US_ASCII));
            out.flush();
            // 60,000 bytes a byte every 250 ms would take over 4 hours: the default 10 s read timeout must end it.
            // The 60 s bound only keeps a broken build from hanging; the assertion is that the server closed it.
            assertTrue(closedByServer(peer, Duration.ofSeconds(60)), "the server kept the trickling connection open");
        }
        proxy.call("uac-call.xml", "uas-answer.xml");
    }

    @Test
    @DisplayName("a TCP message over sip.limits.max_message_bytes loses its connection, and the next call goes through")
    void oversizedMessageIsDropped() throws IOException {
        String[] hostPort = proxy.sipAddress().split(":");
        try (Socket peer = new Socket(hostPort[0], Integer.parseInt(hostPort[1]))) {
            peer.setSoTimeout(250);
            OutputStream out = peer.getOutputStream();
            byte[] body = "x".repeat(70_000).getBytes(StandardCharsets.US_ASCII);
            try {
                out.write(inviteHead(peer, body.length).getBytes(StandardCharsets.US_ASCII));
                out.write(body);
                out.flush();
            } catch (IOException closedWhileWriting) {
                // the server may close before the body is all out: that is the point
            }
            assertTrue(closedByServer(peer, Duration.ofSeconds(30)), "the server kept reading an oversized message");
        }
        proxy.call("uac-call.xml", "uas-answer.xml");
    }

    private static String inviteHead(Socket peer, int contentLength) {
        String local = "127.0.0.1:" + peer.getLocalPort();
        return "INVITE sip:bob@" + peer.getInetAddress().getHostAddress() + ":" + peer.getPort() + " SIP/2.0\r\n"
                + "Via: SIP/2.0/TCP " + local + ";branch=z9hG4bK-edge-" + contentLength + "\r\n"
                + "From: <sip:mallory@" + local + ">;tag=edge\r\n"
                + "To: <sip:bob@127.0.0.1>\r\n"
                + "Call-ID: edge-" + contentLength + "-" + peer.getLocalPort() + "\r\n"
                + "CSeq: 1 INVITE\r\n"
                + "Contact: <sip:mallory@" + local + ";transport=tcp>\r\n"
                + "Max-Forwards: 70\r\n"
                + "Content-Type: application/sdp\r\n"
                + "Content-Length: " + contentLength + "\r\n\r\n";
    }

    /** Trickles one byte a read timeout until the server closes the connection; false if it is still open at the bound. */
    private static boolean closedByServer(Socket peer, Duration bound) {
        long deadline = System.nanoTime() + bound.toNanos();
        try {
            InputStream in = peer.getInputStream();
            OutputStream out = peer.getOutputStream();
            byte[] buffer = new byte[4096];
            while (System.nanoTime() < deadline) {
                out.write('v');
                out.flush();
                try {
                    if (in.read(buffer) < 0) {
                        return true;
                    }
                } catch (SocketTimeoutException stillOpen) {
                    // nothing yet: trickle on
                }
            }
            return false;
        } catch (IOException reset) {
            return true;
        }
    }

}
