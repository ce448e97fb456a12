package org.sipanchor.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import javax.sip.header.RetryAfterHeader;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import gov.nist.javax.sip.message.SIPMessage;
import gov.nist.javax.sip.message.SIPRequest;
import gov.nist.javax.sip.message.SIPResponse;
import gov.nist.javax.sip.parser.StringMsgParser;
import gov.nist.javax.sip.stack.MessageChannel;
import gov.nist.javax.sip.stack.SIPTransactionStack;

@DisplayName("Admission control in the SIP stack")
class AdmissionValveTest {

    private final AtomicInteger queued = new AtomicInteger();
    /** The SIP threads take 1,000 messages a second: 200 waiting is 200 ms of waiting. */
    private final AdmissionValve valve = new AdmissionValve(200, 3).measuring(queued::get, () -> 1000);
    private final RecordingChannel channel = new RecordingChannel();

    @Test
    @DisplayName("lets every request through while messages wait no longer than the limit")
    void belowTheLimit() throws Exception {
        queued.set(200);
        assertTrue(valve.processRequest(request("INVITE", null), channel));
        assertTrue(channel.sent.isEmpty());
    }

    @Test
    @DisplayName("measures the wait, not the length: a queue the threads drain fast is no overload, a slow one is")
    void waitNotLength() throws Exception {
        queued.set(1000);
        AdmissionValve fast = new AdmissionValve(200, 3).measuring(queued::get, () -> 10_000);
        assertTrue(fast.processRequest(request("INVITE", null), channel), "1,000 waiting at 10,000 a second: 100 ms");
        queued.set(30);
        AdmissionValve slow = new AdmissionValve(200, 3).measuring(queued::get, () -> 50);
        assertFalse(slow.processRequest(request("INVITE", null), channel), "30 waiting at 50 a second: 600 ms");
    }

    @Test
    @DisplayName("takes a handful of waiting messages for a burst, however slow the last second was")
    void burst() throws Exception {
        queued.set(AdmissionValve.MIN_QUEUED);
        AdmissionValve idle = new AdmissionValve(200, 3).measuring(queued::get, () -> 0);
        assertTrue(idle.processRequest(request("INVITE", null), channel));
    }

    @Test
    @DisplayName("past the limit answers a new INVITE 503 with Retry-After at once, and nothing goes further")
    void refusesNewCalls() throws Exception {
        queued.set(201);
        assertFalse(valve.processRequest(request("INVITE", null), channel), "not processed any further");
        assertEquals(1, channel.sent.size());
        SIPResponse busy = (SIPResponse) channel.sent.get(0);
        assertEquals(503, busy.getStatusCode());
        RetryAfterHeader retryAfter = (RetryAfterHeader) busy.getHeader(RetryAfterHeader.NAME);
        assertNotNull(retryAfter, busy.toString());
        assertEquals(3, retryAfter.getRetryAfter());
        assertTrue(busy.getToTag().startsWith(AdmissionValve.TAG_PREFIX), "a final response carries a To tag of ours");
        assertEquals("overload-1", busy.getCallId().getCallId());
        assertEquals(1, valve.refused());
    }

    @Test
    @DisplayName("past the limit still serves calls in progress: re-INVITE, BYE, ACK, CANCEL, UPDATE, responses")
    void servesCallsInProgress() throws Exception {
        queued.set(10_000);
        assertTrue(valve.processRequest(request("INVITE", "callee"), channel), "re-INVITE");
        assertTrue(valve.processRequest(request("BYE", "callee"), channel), "BYE");
        assertTrue(valve.processRequest(request("ACK", "callee"), channel), "ACK of a call");
        assertTrue(valve.processRequest(request("CANCEL", null), channel), "CANCEL of a call being set up");
        assertTrue(valve.processRequest(request("UPDATE", "callee"), channel), "UPDATE");
        assertTrue(valve.processResponse(null, channel), "responses");
        assertTrue(channel.sent.isEmpty());
        assertEquals(0, valve.refused());
    }

    @Test
    @DisplayName("absorbs the ACK of its own 503, which no transaction would match")
    void absorbsTheAckOfItsRefusal() throws Exception {
        queued.set(500);
        valve.processRequest(request("INVITE", null), channel);
        String tag = ((SIPResponse) channel.sent.get(0)).getToTag();
        queued.set(0);
        assertFalse(valve.processRequest(request("ACK", tag), channel));
    }

    private static SIPRequest request(String method, String toTag) throws Exception {
        String text = method + " sip:bob@127.0.0.1:5060 SIP/2.0\r\n"
                + "Via: SIP/2.0/UDP 127.0.0.1:5070;branch=z9hG4bK-overload-" + method + "\r\n"
                + "From: <sip:alice@127.0.0.1>;tag=alice\r\n"
                + "To: <sip:bob@127.0.0.1>" + (toTag == null ? "" : ";tag=" + toTag) + "\r\n"
                + "Call-ID: overload-1\r\nCSeq: 1 " + method + "\r\nMax-Forwards: 70\r\nContent-Length: 0\r\n\r\n";
        return (SIPRequest) new StringMsgParser().parseSIPMessage(text.getBytes(StandardCharsets.US_ASCII), true, false, null);
    }

    /** The channel a request came by, keeping what is sent back on it. */
    private static final class RecordingChannel extends MessageChannel {
        final List<SIPMessage> sent = new ArrayList<>();

        @Override
        public void sendMessage(SIPMessage message) {
            sent.add(message);
        }

        @Override
        public void close() {
        }

        @Override
        public SIPTransactionStack getSIPStack() {
            return null;
        }

        @Override
        public String getTransport() {
            return "UDP";
        }

        @Override
        public boolean isReliable() {
            return false;
        }

        @Override
        public boolean isSecure() {
            return false;
        }

        @Override
        public String getPeerAddress() {
            return "127.0.0.1";
        }

        @Override
        protected InetAddress getPeerInetAddress() {
            return InetAddress.getLoopbackAddress();
        }

        @Override
        protected String getPeerProtocol() {
            return "UDP";
        }

        @Override
        public int getPeerPort() {
            return 5070;
        }

        @Override
        public int getPeerPacketSourcePort() {
            return 5070;
        }

        @Override
        public InetAddress getPeerPacketSourceAddress() {
            return InetAddress.getLoopbackAddress();
        }

        @Override
        public String getKey() {
            return "UDP:127.0.0.1:5070";
        }

        @Override
        public String getViaHost() {
            return "127.0.0.1";
        }

        @Override
        public int getViaPort() {
            return 5060;
        }

        @Override
        protected void sendMessage(byte[] message, InetAddress address, int port, boolean reconnect) {
        }
    }
}
