package org.sipanchor.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Field;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.sipanchor.testing.FreePorts;

import gov.nist.javax.sip.ListeningPointImpl;
import gov.nist.javax.sip.SipStackImpl;
import gov.nist.javax.sip.stack.DatagramQueuedMessageDispatch;
import gov.nist.javax.sip.stack.UDPMessageProcessor;

@DisplayName("A UDP listener's queue refuses new calls at its door while its oldest datagram keeps waiting too long")
class AdmittingQueueTest {

    private static final String INVITE = "INVITE sip:bob@127.0.0.1 SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:5070;branch=z9hG4bK-q\r\n"
            + "From: <sip:alice@127.0.0.1>;tag=a\r\nTo: <sip:bob@127.0.0.1>\r\nCall-ID: queue-1\r\nCSeq: 1 INVITE\r\n"
            + "Content-Length: 0\r\n\r\n";

    @Test
    @DisplayName("past the limit for a while: a new INVITE is answered 503 from the listener's socket and never queued; a BYE is queued")
    void refusesAtTheDoor() throws Exception {
        try (FreePorts.Block ports = FreePorts.claim();
                DatagramSocket listener = new DatagramSocket(ports.control(0), InetAddress.getLoopbackAddress());
                DatagramSocket caller = new DatagramSocket(ports.control(1), InetAddress.getLoopbackAddress())) {
            caller.setSoTimeout(2000);
            AtomicLong now = new AtomicLong(1_000_000);
            AdmittingQueue queue = new AdmittingQueue(listener, new SustainedDelay(200, now::get), 2);
            queue.offer(dispatch(INVITE.replace("INVITE sip", "OPTIONS sip"), caller, System.currentTimeMillis() - 300));
            queue.offer(dispatch(INVITE, caller, System.currentTimeMillis()));
            assertEquals(2, queue.size(), "over the limit just now (a collection's pause, perhaps): still queued");

            now.addAndGet(SustainedDelay.PERSIST_MILLIS);
            assertTrue(queue.offer(dispatch(INVITE, caller, System.currentTimeMillis())));
            assertEquals(2, queue.size(), "over the limit for a while: the INVITE was not queued");
            DatagramPacket reply = new DatagramPacket(new byte[2048], 2048);
            caller.receive(reply);
            String text = new String(reply.getData(), 0, reply.getLength(), StandardCharsets.US_ASCII);
            assertTrue(text.startsWith("SIP/2.0 503 Overloaded\r\n"), text);
            assertTrue(text.contains("Retry-After: 2\r\n"), text);
            assertEquals(ports.control(0), reply.getPort(), "from the listener's own port");
            assertEquals(1, queue.refused());

            queue.offer(dispatch(INVITE.replace("INVITE sip", "BYE sip").replace("1 INVITE", "2 BYE"), caller,
                    System.currentTimeMillis()));
            assertEquals(3, queue.size(), "calls in progress are queued");
        }
    }

    @Test
    @DisplayName("within the limit: every new INVITE is queued for the stack")
    void admitsWithinTheLimit() throws Exception {
        try (FreePorts.Block ports = FreePorts.claim();
                DatagramSocket listener = new DatagramSocket(ports.control(0), InetAddress.getLoopbackAddress());
                DatagramSocket caller = new DatagramSocket(ports.control(1), InetAddress.getLoopbackAddress())) {
            AdmittingQueue queue = new AdmittingQueue(listener, 200, 2);
            queue.offer(dispatch(INVITE, caller, System.currentTimeMillis() - 150));
            queue.offer(dispatch(INVITE, caller, System.currentTimeMillis()));
            assertEquals(2, queue.size());
            assertEquals(0, queue.refused());
        }
    }

    @Test
    @DisplayName("the SIP stack's UDP listeners get it through AdmittingProcessorFactory, with sip.admission's limits")
    void stackUsesIt() throws Exception {
        Properties properties = new Properties();
        properties.setProperty("javax.sip.STACK_NAME", "admitting-test");
        properties.setProperty("gov.nist.javax.sip.MESSAGE_PROCESSOR_FACTORY", AdmittingProcessorFactory.class.getName());
        properties.setProperty(AdmissionValve.MAX_DELAY_PROPERTY, "150");
        SipStackImpl stack = new SipStackImpl(properties);
        try (FreePorts.Block ports = FreePorts.claim()) {
            ListeningPointImpl point = (ListeningPointImpl) stack.createListeningPoint("127.0.0.1", ports.control(2), "udp");
            Field queue = UDPMessageProcessor.class.getDeclaredField("messageQueue");
            queue.setAccessible(true);
            AdmittingQueue admitting = assertInstanceOf(AdmittingQueue.class, queue.get(point.getMessageProcessor()));
            Field delay = AdmittingQueue.class.getDeclaredField("delay");
            delay.setAccessible(true);
            assertEquals(150L, ((SustainedDelay) delay.get(admitting)).limitMillis());
            awaitStarted((UDPMessageProcessor) point.getMessageProcessor()); // stopping one not yet started fails
        } finally {
            stack.stop();
        }
    }

    private static void awaitStarted(UDPMessageProcessor processor) throws Exception {
        Field channels = UDPMessageProcessor.class.getDeclaredField("messageChannels");
        channels.setAccessible(true);
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (channels.get(processor) == null && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
    }

    private static DatagramQueuedMessageDispatch dispatch(String message, DatagramSocket from, long receivedAt) {
        byte[] bytes = message.getBytes(StandardCharsets.US_ASCII);
        DatagramPacket packet = new DatagramPacket(bytes, bytes.length,
                new InetSocketAddress(InetAddress.getLoopbackAddress(), from.getLocalPort()));
        return new DatagramQueuedMessageDispatch(packet, receivedAt);
    }
}
