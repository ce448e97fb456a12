package org.sipanchor.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Field;
import java.net.DatagramPacket;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.atomic.AtomicLong;

import javax.sip.header.RetryAfterHeader;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.sipanchor.testing.FreePorts;

import gov.nist.javax.sip.SipStackImpl;
import gov.nist.javax.sip.message.SIPMessage;
import gov.nist.javax.sip.message.SIPRequest;
import gov.nist.javax.sip.message.SIPResponse;
import gov.nist.javax.sip.parser.StringMsgParser;
import gov.nist.javax.sip.stack.DatagramQueuedMessageDispatch;
import gov.nist.javax.sip.stack.MessageChannel;
import gov.nist.javax.sip.stack.MessageProcessor;
import gov.nist.javax.sip.stack.SIPServerTransaction;
import gov.nist.javax.sip.stack.SIPTransactionStack;
import gov.nist.javax.sip.stack.UDPMessageProcessor;

@DisplayName("Admission control in the SIP stack")
class AdmissionValveTest {

    /** How long the oldest message waiting for a SIP thread has waited, in ms. */
    private final AtomicLong waited = new AtomicLong();
    /** The valve's clock, in ms. */
    private final AtomicLong now = new AtomicLong(1_000_000);
    private final AdmissionValve valve = new AdmissionValve(200, 3).measuring(waited::get, now::get);
    private final RecordingChannel channel = new RecordingChannel(null);

    @Test
    @DisplayName("lets every request through while messages wait no longer than the limit")
    void belowTheLimit() throws Exception {
        waited.set(200);
        assertTrue(valve.processRequest(request("INVITE", null), channel));
        assertTrue(channel.sent.isEmpty());
    }

    @Test
    @DisplayName("measures the wait of the oldest datagram in the stack's own UDP queue, stamped when it was read")
    void measuresTheStacksQueue() throws Exception {
        SipStackImpl stack = new SipStackImpl(stackProperties());
        try (FreePorts.Block ports = FreePorts.claim();
                Unstarted unstarted = new Unstarted(stack, ports.control(0))) {
            // not started: its own threads would take the datagrams queued here by hand
            UDPMessageProcessor processor = unstarted.processor();
            AdmissionValve stackValve = new AdmissionValve(200, 3).measuring(null, now::get);
            RecordingChannel udp = new RecordingChannel(processor);
            assertTrue(stackValve.processRequest(request("INVITE", null), udp), "nothing waiting, whatever came before");

            DatagramPacket packet = new DatagramPacket(new byte[0], 0);
            queueOf(processor).add(new DatagramQueuedMessageDispatch(packet, System.currentTimeMillis() - 100));
            assertTrue(stackValve.processRequest(request("INVITE", null), udp), "the oldest has waited 100 ms");

            queueOf(processor).clear();
            queueOf(processor).add(new DatagramQueuedMessageDispatch(packet, System.currentTimeMillis() - 500));
            queueOf(processor).add(new DatagramQueuedMessageDispatch(packet, System.currentTimeMillis()));
            assertTrue(stackValve.processRequest(request("INVITE", null), udp), "over the limit, but only just now");
            now.addAndGet(SustainedDelay.PERSIST_MILLIS);
            assertFalse(stackValve.processRequest(request("INVITE", null), udp), "the oldest has waited 500 ms, for a while");
            assertEquals(1, udp.sent.size());
            assertEquals(503, ((SIPResponse) udp.sent.get(0)).getStatusCode());
        } finally {
            stack.stop();
        }
    }

    @Test
    @DisplayName("with the listener's admitting queue, lets a new call through from a source that holds less than its share, as that queue's door did")
    void sameShareRuleAsTheDoor() throws Exception {
        SipStackImpl stack = new SipStackImpl(stackProperties());
        try (FreePorts.Block ports = FreePorts.claim();
                Unstarted unstarted = new Unstarted(stack, ports.control(0))) {
            UDPMessageProcessor processor = unstarted.processor();
            Field field = UDPMessageProcessor.class.getDeclaredField("messageQueue");
            field.setAccessible(true);
            AdmittingQueue queue = new AdmittingQueue(null, 200, 3, id -> false);
            field.set(processor, queue);
            InetAddress flooder = InetAddress.getByAddress(new byte[] {127, 0, 0, 2});
            for (int i = 0; i <= SourceShares.FLOOR; i++) {
                DatagramPacket packet = new DatagramPacket(new byte[0], 0, flooder, 5070);
                queue.offer(new DatagramQueuedMessageDispatch(packet, System.currentTimeMillis() - 500));
            }
            AdmissionValve stackValve = new AdmissionValve(200, 3).measuring(null, now::get);
            RecordingChannel fromCaller = new RecordingChannel(processor);
            RecordingChannel fromFlooder = new RecordingChannel(processor, flooder);
            assertTrue(stackValve.processRequest(request("INVITE", null), fromFlooder), "over the limit, but only just now");
            now.addAndGet(SustainedDelay.PERSIST_MILLIS);

            assertTrue(stackValve.processRequest(request("INVITE", null), fromCaller), "a source with nothing queued");
            assertFalse(stackValve.processRequest(request("INVITE", null), fromFlooder), "the source holding the queue");
            assertEquals(503, ((SIPResponse) fromFlooder.sent.get(0)).getStatusCode());
            assertTrue(fromCaller.sent.isEmpty());
        } finally {
            stack.stop();
        }
    }

    @Test
    @DisplayName("a wait over the limit for less than 100 ms (a collection's pause) refuses no one; one that lasts does")
    void pauseIsNotOverload() throws Exception {
        waited.set(300);
        assertTrue(valve.processRequest(request("INVITE", null), channel), "the wait has just gone over");
        now.addAndGet(SustainedDelay.PERSIST_MILLIS - 1);
        assertTrue(valve.processRequest(request("INVITE", null), channel), "over for 99 ms");
        waited.set(20);
        assertTrue(valve.processRequest(request("INVITE", null), channel), "the threads caught up");
        waited.set(300);
        now.addAndGet(50);
        assertTrue(valve.processRequest(request("INVITE", null), channel), "over again: the clock starts again");
        now.addAndGet(SustainedDelay.PERSIST_MILLIS);
        assertFalse(valve.processRequest(request("INVITE", null), channel), "over for 100 ms");
        assertEquals(1, valve.refused());
    }

    @Test
    @DisplayName("while the wait stays past the limit answers a new INVITE 503 with Retry-After at once, and nothing goes further")
    void refusesNewCalls() throws Exception {
        overloaded(201);
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
        overloaded(10_000);
        channel.sent.clear();
        long refusedBefore = valve.refused();
        assertTrue(valve.processRequest(request("INVITE", "callee"), channel), "re-INVITE");
        assertTrue(valve.processRequest(request("BYE", "callee"), channel), "BYE");
        assertTrue(valve.processRequest(request("ACK", "callee"), channel), "ACK of a call");
        assertTrue(valve.processRequest(request("CANCEL", null), channel), "CANCEL of a call being set up");
        assertTrue(valve.processRequest(request("UPDATE", "callee"), channel), "UPDATE");
        assertTrue(valve.processResponse(null, channel), "responses");
        assertTrue(channel.sent.isEmpty());
        assertEquals(refusedBefore, valve.refused());
    }

    @Test
    @DisplayName("past the limit lets through an INVITE whose transaction the stack has already: a retransmission, not a new call")
    void servesRetransmissions() throws Exception {
        SipStackImpl stack = new SipStackImpl(stackProperties());
        try (FreePorts.Block ports = FreePorts.claim();
                Unstarted unstarted = new Unstarted(stack, ports.control(0))) {
            valve.init(stack);
            overloaded(500);
            SIPServerTransaction served = stack.createServerTransaction(new RecordingChannel(unstarted.processor()));
            served.setOriginalRequest(request("INVITE", null));
            stack.addTransaction(served);
            channel.sent.clear();

            assertTrue(valve.processRequest(request("INVITE", null), channel), "the caller's retransmission goes on");
            assertTrue(channel.sent.isEmpty());
            SIPRequest another = request("INVITE", null);
            another.getTopmostVia().setBranch("z9hG4bK-another");
            assertFalse(valve.processRequest(another, channel), "a new INVITE is still refused");
            assertEquals(503, ((SIPResponse) channel.sent.get(0)).getStatusCode());
        } finally {
            stack.stop();
        }
    }

    @Test
    @DisplayName("absorbs the ACK of its own 503, which no transaction would match")
    void absorbsTheAckOfItsRefusal() throws Exception {
        overloaded(500);
        valve.processRequest(request("INVITE", null), channel);
        String tag = ((SIPResponse) channel.sent.get(0)).getToTag();
        waited.set(0);
        assertFalse(valve.processRequest(request("ACK", tag), channel));
        assertEquals(1, channel.sent.size(), "no reply to an ACK");
    }

    @Test
    @DisplayName("answers 481 to a request in the dialog of its own 503 (SIPp sends a BYE), whatever the load")
    void answersTheDialogOfItsRefusal() throws Exception {
        assertFalse(valve.processRequest(request("BYE", AdmissionValve.TAG_PREFIX + "2a"), channel));
        assertEquals(481, ((SIPResponse) channel.sent.get(0)).getStatusCode());
        assertEquals(AdmissionValve.TAG_PREFIX + "2a", ((SIPResponse) channel.sent.get(0)).getToTag());
    }

    /** Waits of {@code waitMillis} seen for {@link SustainedDelay#PERSIST_MILLIS}: the next new INVITE is refused. */
    private void overloaded(long waitMillis) throws Exception {
        waited.set(waitMillis);
        assertTrue(valve.processRequest(request("OPTIONS", null), channel), "other methods always go on");
        assertTrue(valve.processRequest(request("INVITE", null), channel), "the wait has just gone over the limit");
        now.addAndGet(SustainedDelay.PERSIST_MILLIS);
    }

    private static Properties stackProperties() {
        Properties properties = new Properties();
        properties.setProperty("javax.sip.STACK_NAME", "admission-test");
        properties.setProperty("gov.nist.javax.sip.THREAD_POOL_SIZE", "1");
        return properties;
    }

    /** The queue the valve reads (filled here by hand: a real backlog would need the stack's threads held up). */
    @SuppressWarnings("unchecked")
    private static BlockingQueue<DatagramQueuedMessageDispatch> queueOf(UDPMessageProcessor processor) throws Exception {
        Field field = UDPMessageProcessor.class.getDeclaredField("messageQueue");
        field.setAccessible(true);
        return (BlockingQueue<DatagramQueuedMessageDispatch>) field.get(processor);
    }

    private static SIPRequest request(String method, String toTag) throws Exception {
        String text = method + " sip:bob@127.0.0.1:5060 SIP/2.0\r\n"
                + "Via: SIP/2.0/UDP 127.0.0.1:5070;branch=z9hG4bK-overload-" + method + "\r\n"
                + "From: <sip:alice@127.0.0.1>;tag=alice\r\n"
                + "To: <sip:bob@127.0.0.1>" + (toTag == null ? "" : ";tag=" + toTag) + "\r\n"
                + "Call-ID: overload-1\r\nCSeq: 1 " + method + "\r\nMax-Forwards: 70\r\nContent-Length: 0\r\n\r\n";
        return (SIPRequest) new StringMsgParser().parseSIPMessage(text.getBytes(StandardCharsets.US_ASCII), true, false, null);
    }

    /** A UDP listener of {@code stack} on a claimed port, never started, whose socket is closed after the test. */
    private record Unstarted(UDPMessageProcessor processor) implements AutoCloseable {
        Unstarted(SipStackImpl stack, int port) throws java.io.IOException {
            this(new UDPMessageProcessor(InetAddress.getLoopbackAddress(), stack, port) { });
        }

        @Override
        public void close() throws Exception {
            Field socket = UDPMessageProcessor.class.getDeclaredField("sock"); // stop() fails on one not started
            socket.setAccessible(true);
            ((java.net.DatagramSocket) socket.get(processor)).close();
        }
    }

    /** The channel a request came by, keeping what is sent back on it. */
    private static final class RecordingChannel extends MessageChannel {
        final List<SIPMessage> sent = new ArrayList<>();
        private final InetAddress source;

        RecordingChannel(MessageProcessor processor) {
            this(processor, InetAddress.getLoopbackAddress());
        }

        RecordingChannel(MessageProcessor processor, InetAddress source) {
            this.messageProcessor = processor;
            this.source = source;
        }

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
            return source;
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
