package org.sipanchor.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Field;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.net.SocketTimeoutException;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
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

    /** Another source address: the loopback network answers on all of 127/8. */
    private static final InetAddress FLOODER = loopback(2);

    private static final String INVITE = "INVITE sip:bob@127.0.0.1 SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:5070;branch=z9hG4bK-q\r\n"
            + "From: <sip:alice@127.0.0.1>;tag=a\r\nTo: <sip:bob@127.0.0.1>\r\nCall-ID: queue-1\r\nCSeq: 1 INVITE\r\n"
            + "Content-Length: 0\r\n\r\n";

    @Test
    @DisplayName("past the limit for a while: a new INVITE is answered 503 from the listener's socket and never queued; a BYE is queued")
    void refusesAtTheDoor() throws Exception {
        try (Peers peers = new Peers()) {
            DatagramSocket listener = peers.listener;
            DatagramSocket caller = peers.caller;
            caller.setSoTimeout(2000);
            AtomicLong now = new AtomicLong(1_000_000);
            AdmittingQueue queue = new AdmittingQueue(listener, new SustainedDelay(200, now::get), 2, id -> false);
            int floor = SourceShares.FLOOR; // a source holding fewer is never refused: this one holds more
            for (int i = 0; i < floor; i++) {
                queue.offer(dispatch(INVITE.replace("INVITE sip", "OPTIONS sip"), caller, System.currentTimeMillis() - 300));
            }
            queue.offer(dispatch(invite("door-1"), caller, System.currentTimeMillis()));
            assertEquals(floor + 1, queue.size(), "over the limit just now (a collection's pause, perhaps): still queued");

            now.addAndGet(SustainedDelay.PERSIST_MILLIS);
            assertTrue(queue.offer(dispatch(invite("door-2"), caller, System.currentTimeMillis())));
            assertEquals(floor + 1, queue.size(), "over the limit for a while: the INVITE was not queued");
            DatagramPacket reply = new DatagramPacket(new byte[2048], 2048);
            caller.receive(reply);
            String text = new String(reply.getData(), 0, reply.getLength(), StandardCharsets.US_ASCII);
            assertTrue(text.startsWith("SIP/2.0 503 Overloaded\r\n"), text);
            assertTrue(text.contains("Retry-After: 2\r\n"), text);
            assertEquals(listener.getLocalPort(), reply.getPort(), "from the listener's own port");
            assertEquals(1, queue.refused());

            queue.offer(dispatch(INVITE.replace("INVITE sip", "BYE sip").replace("1 INVITE", "2 BYE"), caller,
                    System.currentTimeMillis()));
            assertEquals(floor + 2, queue.size(), "calls in progress are queued");
        }
    }

    @Test
    @DisplayName("the messages of calls in progress (responses, requests with a To tag) are taken before new INVITEs and out-of-dialog requests, each kind in order")
    void callsInProgressFirst() throws Exception {
        try (Peers peers = new Peers()) {
            AdmittingQueue queue = new AdmittingQueue(peers.listener, 200, 2, id -> false);
            long now = System.currentTimeMillis();
            String ok = "SIP/2.0 200 OK\r\n" + INVITE.substring(INVITE.indexOf("\r\n") + 2);
            String ack = bye("c-ack").replace("BYE sip", "ACK sip").replace("2 BYE", "1 ACK");
            String reInvite = invite("c-reinvite").replace("To: <sip:bob@127.0.0.1>", "To: <sip:bob@127.0.0.1>;tag=b");
            String options = INVITE.replace("INVITE sip", "OPTIONS sip").replace("1 INVITE", "1 OPTIONS");
            String cancel = invite("c-new").replace("INVITE sip", "CANCEL sip").replace("1 INVITE", "1 CANCEL");
            String[] offered = {invite("c-new"), options, bye("c-bye"), cancel, ok, ack, reInvite};
            for (int i = 0; i < offered.length; i++) {
                queue.offer(dispatch(offered[i], peers.caller, now - 300 + i));
            }
            assertEquals(300, queue.oldestWaitMillis(), 50, "the wait is the older lane head's: the new INVITE's");

            List<String> taken = new ArrayList<>();
            while (!queue.isEmpty()) {
                DatagramPacket packet = queue.take().packet;
                taken.add(new String(packet.getData(), packet.getOffset(), packet.getLength(), StandardCharsets.US_ASCII));
            }
            assertEquals(List.of(bye("c-bye"), ok, ack, reInvite, invite("c-new"), options, cancel), taken,
                    "a CANCEL has no To tag: it stays behind the INVITE it cancels");
            assertEquals(0, queue.queuedFrom(peers.caller.getLocalAddress()));
        }
    }

    @Test
    @DisplayName("overloaded: an INVITE whose transaction the stack has already (the caller's retransmission) is dropped, never refused")
    void queuesRetransmissions() throws Exception {
        try (Peers peers = new Peers()) {
            DatagramSocket caller = peers.caller;
            caller.setSoTimeout(300);
            AtomicLong now = new AtomicLong(1_000_000);
            AdmittingQueue queue = new AdmittingQueue(peers.listener, new SustainedDelay(200, now::get), 2,
                    transactionId -> transactionId.equals("z9hg4bk-q")); // as jain-sip keys it: the branch in lower case
            int floor = SourceShares.FLOOR;
            for (int i = 0; i < floor; i++) {
                queue.offer(dispatch(INVITE.replace("INVITE sip", "OPTIONS sip"), caller, System.currentTimeMillis() - 300));
            }
            queue.offer(dispatch(invite("first"), caller, System.currentTimeMillis()));
            now.addAndGet(SustainedDelay.PERSIST_MILLIS);

            queue.offer(dispatch(INVITE, caller, System.currentTimeMillis()));
            assertEquals(floor + 1, queue.size(), "the retransmission is not queued: its transaction goes on");
            assertThrows(SocketTimeoutException.class, () -> received(caller), "and not answered 503");
            assertEquals(1, queue.dropped());
            queue.offer(dispatch(INVITE.replace("z9hG4bK-q", "z9hG4bK-other"), caller, System.currentTimeMillis()));
            assertTrue(received(caller).startsWith("SIP/2.0 503 Overloaded\r\n"), "a new INVITE is still refused");
            assertEquals(1, queue.refused());
        }
    }

    @Test
    @DisplayName("overloaded: an INVITE whose first copy still waits in the queue (the caller retransmitted it) is dropped, never refused; once taken, its branch is forgotten")
    void dropsRetransmissionsOfQueuedInvites() throws Exception {
        try (Peers peers = new Peers()) {
            DatagramSocket caller = peers.caller;
            caller.setSoTimeout(300);
            AtomicLong now = new AtomicLong(1_000_000);
            AdmittingQueue queue = new AdmittingQueue(peers.listener, new SustainedDelay(200, now::get), 2, id -> false);
            queue.offer(dispatch(INVITE, caller, System.currentTimeMillis() - 300)); // queued before the overload
            for (int i = 0; i < SourceShares.FLOOR; i++) {
                queue.offer(dispatch(INVITE.replace("INVITE sip", "OPTIONS sip"), caller, System.currentTimeMillis()));
            }
            queue.offer(dispatch(invite("second"), caller, System.currentTimeMillis())); // over the limit, just now
            now.addAndGet(SustainedDelay.PERSIST_MILLIS);
            int waiting = queue.size();

            queue.offer(dispatch(INVITE, caller, System.currentTimeMillis()));
            assertEquals(waiting, queue.size(), "the retransmission is not queued");
            assertThrows(SocketTimeoutException.class, () -> received(caller), "and not answered 503");

            while (!queue.isEmpty()) {
                queue.take();
            }
            queue.offer(dispatch(INVITE.replace("INVITE sip", "OPTIONS sip"), caller, System.currentTimeMillis() - 400));
            for (int i = 0; i < SourceShares.FLOOR; i++) {
                queue.offer(dispatch(INVITE.replace("INVITE sip", "OPTIONS sip"), caller, System.currentTimeMillis()));
            }
            now.addAndGet(SustainedDelay.PERSIST_MILLIS); // overloaded again (the empty queue reset the clock)
            queue.offer(dispatch(INVITE, caller, System.currentTimeMillis()));
            assertTrue(received(caller).startsWith("SIP/2.0 503 Overloaded\r\n"),
                    "taken by a SIP thread, the first copy is the stack's to match: the queue no longer knows it");
        }
    }

    @Test
    @DisplayName("overloaded by one source: its new INVITEs get 503 and its other datagrams are dropped, while another source's INVITE and BYE are queued")
    void refusesTheSourceThatOverloads() throws Exception {
        try (Peers peers = new Peers()) {
            DatagramSocket listener = peers.listener;
            DatagramSocket flooder = peers.flooder;
            DatagramSocket caller = peers.caller;
            flooder.setSoTimeout(2000);
            caller.setSoTimeout(200);
            AtomicLong now = new AtomicLong(1_000_000);
            AdmittingQueue queue = new AdmittingQueue(listener, new SustainedDelay(200, now::get), 2, id -> false);
            long old = System.currentTimeMillis() - 300;
            for (int i = 0; i < 40; i++) {
                queue.offer(dispatch(invite("flood-" + i), flooder, old));
            }
            now.addAndGet(SustainedDelay.PERSIST_MILLIS); // the wait has been over the limit for a while: overloaded
            assertEquals(40, queue.queuedFrom(FLOODER));

            queue.offer(dispatch(invite("flood-40"), flooder, System.currentTimeMillis()));
            assertTrue(received(flooder).startsWith("SIP/2.0 503 Overloaded\r\n"), "the flooder's INVITE is refused");
            queue.offer(dispatch(invite("caller-1"), caller, System.currentTimeMillis()));
            assertEquals(41, queue.size(), "the other source's INVITE is queued during the same overload");
            assertEquals(1, queue.queuedFrom(InetAddress.getLoopbackAddress()));
            assertThrows(SocketTimeoutException.class, () -> received(caller), "and not answered here");

            queue.offer(dispatch(INVITE.replace("INVITE sip", "OPTIONS sip"), flooder, System.currentTimeMillis()));
            queue.offer(dispatch(bye("caller-0"), caller, System.currentTimeMillis()));
            assertEquals(42, queue.size(), "the flooder's OPTIONS dropped, the caller's BYE queued");
            assertEquals(1, queue.refused());
            assertEquals(1, queue.dropped());
            assertEquals(40, queue.queuedFrom(FLOODER));
        }
    }

    @Test
    @DisplayName("overloaded by a lone source: its new INVITEs get 503, the messages of its calls in progress are queued")
    void aLoneSourceKeepsItsCallsInProgress() throws Exception {
        try (Peers peers = new Peers()) {
            DatagramSocket listener = peers.listener;
            DatagramSocket caller = peers.caller;
            caller.setSoTimeout(2000);
            AtomicLong now = new AtomicLong(1_000_000);
            AdmittingQueue queue = new AdmittingQueue(listener, new SustainedDelay(200, now::get), 2, id -> false);
            long old = System.currentTimeMillis() - 300;
            for (int i = 0; i < 40; i++) {
                queue.offer(dispatch(bye("call-" + i), caller, old));
            }
            now.addAndGet(SustainedDelay.PERSIST_MILLIS);

            queue.offer(dispatch(invite("new-1"), caller, System.currentTimeMillis()));
            assertTrue(received(caller).startsWith("SIP/2.0 503 Overloaded\r\n"), "its whole queue is its own: refused");
            queue.offer(dispatch(bye("call-40"), caller, System.currentTimeMillis()));
            assertEquals(41, queue.size(), "a BYE from the only source is never above its share");
            assertEquals(0, queue.dropped());
        }
    }

    @Test
    @DisplayName("a flood of other datagrams from one source stops at the per-source cap, whatever the load, while another source's BYE is queued")
    void boundsEachSource() throws Exception {
        try (Peers peers = new Peers()) {
            DatagramSocket listener = peers.listener;
            DatagramSocket flooder = peers.flooder;
            DatagramSocket caller = peers.caller;
            AdmittingQueue queue = new AdmittingQueue(listener, 200, 2, id -> false);
            int cap = AdmittingQueue.MAX_QUEUED_PER_SOURCE;
            byte[] garbage = "\0\0garbage, not SIP".getBytes(StandardCharsets.US_ASCII);
            for (int i = 0; i < cap + 100; i++) {
                assertTrue(queue.offer(new DatagramQueuedMessageDispatch(new DatagramPacket(garbage, garbage.length,
                        flooder.getLocalSocketAddress()), System.currentTimeMillis())), "dropped, not refused to the reader");
            }
            assertEquals(cap, queue.size());
            assertEquals(100, queue.dropped());

            queue.offer(dispatch(bye("caller-0"), caller, System.currentTimeMillis()));
            assertEquals(cap + 1, queue.size(), "another source's BYE is queued");
            assertEquals(caller.getLocalSocketAddress(), queue.take().packet.getSocketAddress(),
                    "the BYE, of a call in progress, is taken first");
            queue.take();
            queue.offer(dispatch(INVITE.replace("INVITE sip", "OPTIONS sip"), flooder, System.currentTimeMillis()));
            assertEquals(cap, queue.size(), "once one of its datagrams is taken, the source may queue one more");
        }
    }

    @Test
    @DisplayName("every way the SIP threads take a datagram counts it out: each source's count returns to zero, and the source is forgotten")
    void countsReturnToZero() throws Exception {
        try (Peers peers = new Peers()) {
            DatagramSocket listener = peers.listener;
            DatagramSocket flooder = peers.flooder;
            DatagramSocket caller = peers.caller;
            AdmittingQueue queue = new AdmittingQueue(listener, 200, 2, id -> false);
            for (int i = 0; i < 10; i++) {
                queue.offer(dispatch(invite("flood-" + i), flooder, System.currentTimeMillis()));
                queue.offer(dispatch(bye("caller-" + i), caller, System.currentTimeMillis()));
            }
            assertEquals(2, queue.sources());
            assertEquals(10, queue.queuedFrom(FLOODER));

            queue.take();
            queue.poll(1, TimeUnit.SECONDS);
            queue.poll();
            queue.remove();
            queue.remove(queue.peek());
            queue.drainTo(new ArrayList<>(), 5);
            assertEquals(10, queue.size());
            assertEquals(10, queue.queuedFrom(FLOODER) + queue.queuedFrom(InetAddress.getLoopbackAddress()));
            queue.drainTo(new ArrayList<>());

            assertEquals(0, queue.queuedFrom(FLOODER));
            assertEquals(0, queue.queuedFrom(InetAddress.getLoopbackAddress()));
            assertEquals(0, queue.sources(), "sources with nothing queued are not kept");
        }
    }

    @Test
    @DisplayName("whatever the load, a BYE in the dialog of one of our 503s gets 481 from the listener's socket, and its ACK is dropped; neither is queued")
    void answersTheDialogsOfItsRefusals() throws Exception {
        try (Peers peers = new Peers()) {
            DatagramSocket listener = peers.listener;
            DatagramSocket caller = peers.caller;
            caller.setSoTimeout(2000);
            AdmittingQueue queue = new AdmittingQueue(listener, 200, 2, id -> false);
            String bye = bye("refused-1").replace(";tag=b", ";tag=" + AdmissionValve.TAG_PREFIX + "1f");

            queue.offer(dispatch(bye, caller, System.currentTimeMillis()));
            String reply = received(caller);
            assertTrue(reply.startsWith("SIP/2.0 481 Call/Transaction Does Not Exist\r\n"), reply);
            assertTrue(reply.contains("Call-ID: refused-1\r\n"), reply);
            queue.offer(dispatch(bye.replace("BYE sip", "ACK sip").replace("2 BYE", "1 ACK"), caller, System.currentTimeMillis()));
            assertEquals(0, queue.size());
            assertEquals(1, queue.answeredNoDialog());

            queue.offer(dispatch(bye("callee-tagged"), caller, System.currentTimeMillis()));
            assertEquals(1, queue.size(), "a BYE with anyone else's To tag goes to the stack");
        }
    }

    @Test
    @DisplayName("within the limit: every new INVITE is queued for the stack, but not a retransmission of one still queued")
    void admitsWithinTheLimit() throws Exception {
        try (Peers peers = new Peers()) {
            DatagramSocket listener = peers.listener;
            DatagramSocket caller = peers.caller;
            AdmittingQueue queue = new AdmittingQueue(listener, 200, 2, id -> false);
            queue.offer(dispatch(invite("a"), caller, System.currentTimeMillis() - 150));
            queue.offer(dispatch(invite("b"), caller, System.currentTimeMillis()));
            assertEquals(2, queue.size());
            assertEquals(0, queue.refused());
            queue.offer(dispatch(invite("a"), caller, System.currentTimeMillis()));
            assertEquals(2, queue.size(), "its first copy will be served or refused: the caller hears from that");
            assertEquals(1, queue.dropped());
            queue.take();
            queue.offer(dispatch(invite("a"), caller, System.currentTimeMillis()));
            assertEquals(2, queue.size(), "taken by a SIP thread, the first copy is the stack's to match");
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

    @Test
    @DisplayName("the SIP stack's own threads, taking datagrams as they do, count each source back to zero")
    void stackThreadsCountOut() throws Exception {
        Properties properties = new Properties();
        properties.setProperty("javax.sip.STACK_NAME", "admitting-count-test");
        properties.setProperty("gov.nist.javax.sip.MESSAGE_PROCESSOR_FACTORY", AdmittingProcessorFactory.class.getName());
        properties.setProperty("gov.nist.javax.sip.THREAD_POOL_SIZE", "2"); // without a pool, the stack queues nothing
        SipStackImpl stack = new SipStackImpl(properties);
        try (FreePorts.Block ports = FreePorts.claim();
                DatagramSocket flooder = new DatagramSocket(new InetSocketAddress(FLOODER, ports.control(1)))) {
            ListeningPointImpl point = (ListeningPointImpl) stack.createListeningPoint("127.0.0.1", ports.control(2), "udp");
            java.util.concurrent.atomic.AtomicInteger received = new java.util.concurrent.atomic.AtomicInteger();
            stack.createSipProvider(point).addSipListener(new QuietSipListener() {
                @Override
                public void processRequest(javax.sip.RequestEvent event) {
                    received.incrementAndGet();
                }
            });
            Field field = UDPMessageProcessor.class.getDeclaredField("messageQueue");
            field.setAccessible(true);
            AdmittingQueue queue = (AdmittingQueue) field.get(point.getMessageProcessor());
            awaitStarted((UDPMessageProcessor) point.getMessageProcessor());

            for (int i = 0; i < 20; i++) {
                byte[] options = INVITE.replace("INVITE sip", "OPTIONS sip").replace("1 INVITE", (i + 1) + " OPTIONS")
                        .replace("branch=z9hG4bK-q", "branch=z9hG4bK-q" + i).getBytes(StandardCharsets.US_ASCII);
                flooder.send(new DatagramPacket(options, options.length, InetAddress.getLoopbackAddress(), ports.control(2)));
            }
            long deadline = System.nanoTime() + 5_000_000_000L;
            while (received.get() < 20 && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            assertEquals(20, received.get(), "every OPTIONS went through the queue to the stack");
            assertEquals(0, queue.queuedFrom(FLOODER));
            assertEquals(0, queue.sources());
        } finally {
            stack.stop();
        }
    }

    /** The listener's socket, a caller on 127.0.0.1 and a flooder on another address, on claimed ports. */
    private static final class Peers implements AutoCloseable {
        final FreePorts.Block ports = FreePorts.claim();
        final DatagramSocket listener;
        final DatagramSocket caller;
        final DatagramSocket flooder;

        Peers() throws java.io.IOException {
            listener = new DatagramSocket(ports.control(0), InetAddress.getLoopbackAddress());
            caller = new DatagramSocket(ports.control(1), InetAddress.getLoopbackAddress());
            flooder = new DatagramSocket(new InetSocketAddress(FLOODER, ports.control(2)));
        }

        @Override
        public void close() {
            listener.close();
            caller.close();
            flooder.close();
            ports.close();
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

    private static InetAddress loopback(int last) {
        try {
            return InetAddress.getByAddress(new byte[] {127, 0, 0, (byte) last});
        } catch (java.net.UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A new INVITE of its own call: its own Call-ID and branch. */
    private static String invite(String callId) {
        return INVITE.replace("Call-ID: queue-1", "Call-ID: " + callId).replace("branch=z9hG4bK-q", "branch=z9hG4bK-" + callId);
    }

    private static String bye(String callId) {
        return INVITE.replace("INVITE sip", "BYE sip").replace("1 INVITE", "2 BYE")
                .replace("To: <sip:bob@127.0.0.1>", "To: <sip:bob@127.0.0.1>;tag=b").replace("Call-ID: queue-1", "Call-ID: " + callId);
    }

    private static String received(DatagramSocket socket) throws Exception {
        DatagramPacket reply = new DatagramPacket(new byte[2048], 2048);
        socket.receive(reply);
        return new String(reply.getData(), 0, reply.getLength(), StandardCharsets.US_ASCII);
    }

    private static DatagramQueuedMessageDispatch dispatch(String message, DatagramSocket from, long receivedAt) {
        byte[] bytes = message.getBytes(StandardCharsets.US_ASCII);
        DatagramPacket packet = new DatagramPacket(bytes, bytes.length, from.getLocalSocketAddress());
        return new DatagramQueuedMessageDispatch(packet, receivedAt);
    }
}
