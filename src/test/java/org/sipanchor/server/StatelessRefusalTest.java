package org.sipanchor.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;

import javax.sip.header.RetryAfterHeader;
import javax.sip.header.ViaHeader;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import gov.nist.javax.sip.message.SIPRequest;
import gov.nist.javax.sip.message.SIPResponse;
import gov.nist.javax.sip.parser.StringMsgParser;

@DisplayName("A 503 written from the datagram's bytes, before the SIP stack parses it")
class StatelessRefusalTest {

    private static final String INVITE = """
            INVITE sip:bob@127.0.0.1:5060 SIP/2.0\r
            Via: SIP/2.0/UDP 10.0.0.1:5070;branch=z9hG4bK-1;rport\r
            Via: SIP/2.0/UDP 10.0.0.2:5080;branch=z9hG4bK-0\r
            Max-Forwards: 70\r
            From: "alice" <sip:alice@10.0.0.1>;tag=a1\r
            To: <sip:bob@127.0.0.1>\r
            Call-ID: flood-1@10.0.0.1\r
            CSeq: 1 INVITE\r
            Contact: <sip:alice@10.0.0.1:5070>\r
            Content-Type: application/sdp\r
            Content-Length: 4\r
            \r
            v=0
            """;

    @Test
    @DisplayName("a new INVITE gets 503 Overloaded with Retry-After, its Vias, From, Call-ID and CSeq, and a To tag of ours")
    void refusesNewInvite() throws Exception {
        StatelessRefusal.Reply reply = refusal(INVITE);
        assertNotNull(reply);
        assertEquals("flood-1@10.0.0.1", reply.callId());
        SIPResponse busy = parse(reply.bytes());
        SIPRequest invite = (SIPRequest) new StringMsgParser().parseSIPMessage(bytes(INVITE), true, false, null);
        assertEquals(503, busy.getStatusCode());
        assertEquals("Overloaded", busy.getReasonPhrase());
        assertEquals(3, ((RetryAfterHeader) busy.getHeader(RetryAfterHeader.NAME)).getRetryAfter());
        assertEquals(invite.getViaHeaders().size(), busy.getViaHeaders().size());
        assertEquals("z9hG4bK-1", ((ViaHeader) busy.getViaHeaders().getFirst()).getBranch(), "the caller's Via on top");
        assertEquals(invite.getFrom().getTag(), busy.getFrom().getTag());
        assertEquals(invite.getCallId().getCallId(), busy.getCallId().getCallId());
        assertEquals(1, busy.getCSeq().getSeqNumber());
        assertEquals("INVITE", busy.getCSeq().getMethod());
        assertTrue(busy.getToTag().startsWith(AdmissionValve.TAG_PREFIX), busy.toString());
        assertEquals(0, busy.getContentLength().getContentLength());
    }

    @Test
    @DisplayName("reads the top Via's branch as the stack keys the transaction (in lower case), and none without an RFC 3261 one")
    void transactionBranch() {
        assertEquals("z9hg4bk-1", branch(INVITE));
        assertEquals("z9hg4bk-1", branch(INVITE.replace("Via:", "v:")));
        assertEquals("z9hg4bk-x", branch(INVITE.replace("branch=z9hG4bK-1;rport", "rport;branch=z9hG4bK-X")));
        assertNull(branch(INVITE.replace("branch=z9hG4bK-1", "branch=1")), "RFC 2543 branches are matched otherwise");
        assertNull(branch(INVITE.replace("branch=z9hG4bK-1;", "")), "no branch on the top Via");
    }

    @Test
    @DisplayName("reads compact header names as well (v, f, t, i)")
    void compactHeaders() throws Exception {
        String compact = INVITE.replace("Via:", "v:").replace("From:", "f:").replace("To:", "t:").replace("Call-ID:", "i:");
        SIPResponse busy = parse(refusal(compact).bytes());
        assertEquals("flood-1@10.0.0.1", busy.getCallId().getCallId());
        assertTrue(busy.getToTag().startsWith(AdmissionValve.TAG_PREFIX));
    }

    @Test
    @DisplayName("leaves alone what is not plainly a new INVITE: re-INVITE, other methods, folded or missing headers")
    void leavesTheRestToTheStack() {
        assertNull(refusal(INVITE.replace("To: <sip:bob@127.0.0.1>", "To: <sip:bob@127.0.0.1>;tag=b1")), "a re-INVITE");
        assertNull(refusal(INVITE.replace("INVITE sip:", "BYE sip:")), "a BYE");
        assertNull(refusal(INVITE.replace("Max-Forwards: 70\r\n", "Max-Forwards:\r\n 70\r\n")), "a folded header");
        assertNull(refusal(INVITE.replace("CSeq: 1 INVITE\r\n", "")), "no CSeq");
        assertNull(refusal(INVITE.substring(0, INVITE.indexOf("Content-Type"))), "a header without its end");
    }

    @Test
    @DisplayName("a request in the dialog of its own 503 gets 481 with its Vias, From, To (our tag kept), Call-ID and CSeq")
    void noDialog() throws Exception {
        String bye = INVITE.replace("INVITE sip:", "BYE sip:").replace("CSeq: 1 INVITE", "CSeq: 2 BYE")
                .replace("To: <sip:bob@127.0.0.1>", "To: <sip:bob@127.0.0.1>;tag=" + AdmissionValve.TAG_PREFIX + "17");
        byte[] datagram = bytes("junk" + bye);
        SIPResponse gone = parse(StatelessRefusal.noDialog(datagram, 4, datagram.length - 4).bytes());
        assertEquals(481, gone.getStatusCode());
        assertEquals(AdmissionValve.TAG_PREFIX + "17", gone.getToTag(), "the To is the request's, not a new one");
        assertEquals(2, gone.getViaHeaders().size());
        assertEquals("a1", gone.getFrom().getTag());
        assertEquals("flood-1@10.0.0.1", gone.getCallId().getCallId());
        assertEquals("BYE", gone.getCSeq().getMethod());
        assertNull(gone.getHeader(RetryAfterHeader.NAME));
    }

    @Test
    @DisplayName("knows a request in the dialog of its own 503 (its ACK included) by the To tag, and only by the To tag")
    void inRefusedDialog() {
        String ack = "ACK sip:bob@127.0.0.1:5060 SIP/2.0\r\nTo: <sip:bob@127.0.0.1>;tag=" + AdmissionValve.TAG_PREFIX
                + "17\r\nCall-ID: flood-1\r\n\r\n";
        assertTrue(inRefusedDialog(ack));
        assertTrue(StatelessRefusal.isAck(bytes(ack), 0, ack.length()));
        assertTrue(inRefusedDialog(ack.replace("ACK sip", "BYE sip").replace("To:", "t :")), "compact, spaced");
        assertFalse(inRefusedDialog(ack.replace(AdmissionValve.TAG_PREFIX, "callee-")), "another tag");
        assertFalse(inRefusedDialog(ack.replace("To: <sip:bob@127.0.0.1>;tag=", "From: <sip:bob@127.0.0.1>;tag=")),
                "our prefix in another header");
        assertFalse(inRefusedDialog("SIP/2.0 200 OK\r\n" + ack.substring(ack.indexOf("\r\n") + 2)), "a response");
        assertFalse(inRefusedDialog(INVITE));
    }

    private static StatelessRefusal.Reply refusal(String request) {
        byte[] datagram = bytes("junk" + request); // at an offset, as a packet's data may be
        return StatelessRefusal.overloaded(datagram, 4, datagram.length - 4, 3);
    }

    private static boolean inRefusedDialog(String request) {
        byte[] datagram = bytes("junk" + request);
        return StatelessRefusal.inRefusedDialog(datagram, 4, datagram.length - 4);
    }

    private static SIPResponse parse(byte[] reply) throws Exception {
        return (SIPResponse) new StringMsgParser().parseSIPMessage(reply, true, false, null);
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.US_ASCII);
    }

    private static String branch(String request) {
        byte[] datagram = bytes(request);
        return StatelessRefusal.branch(datagram, 0, datagram.length);
    }
}
