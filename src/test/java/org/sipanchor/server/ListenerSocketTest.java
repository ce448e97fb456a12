package org.sipanchor.server;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import gov.nist.javax.sip.stack.DatagramQueuedMessageDispatch;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("A SIP listener's UDP socket hands each datagram over in an array of its size and sends from its own thread")
class ListenerSocketTest {

    @Test
    @DisplayName("a datagram is read whole into a new array of its own size when the stack's buffer is smaller")
    void readsIntoAnArrayOfTheDatagramsSize() throws Exception {
        try (ListenerSocket listener = new ListenerSocket(0, InetAddress.getLoopbackAddress());
                DatagramSocket peer = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            listener.setSoTimeout(5_000);
            byte[] invite = new byte[9_000];
            Arrays.fill(invite, (byte) 'x');
            peer.send(new DatagramPacket(invite, invite.length, listener.getLocalSocketAddress()));

            DatagramPacket packet = new DatagramPacket(new byte[0], 0); // what the stack allocates behind this socket
            listener.receive(packet);

            assertEquals(9_000, packet.getData().length);
            assertEquals(9_000, packet.getLength());
            assertArrayEquals(invite, packet.getData());
            assertEquals(peer.getLocalSocketAddress(), packet.getSocketAddress());
        }
    }

    @Test
    @DisplayName("a datagram that fits the stack's buffer is copied into it; one past the size limit is cut to it")
    void keepsTheStacksBufferAndTheLimit() throws Exception {
        try (ListenerSocket listener = new ListenerSocket(0, InetAddress.getLoopbackAddress());
                DatagramSocket peer = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            listener.setSoTimeout(5_000);
            listener.readsUpTo(100);
            byte[] bye = "BYE sip:bob@127.0.0.1 SIP/2.0\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
            peer.send(new DatagramPacket(bye, bye.length, listener.getLocalSocketAddress()));
            peer.send(new DatagramPacket(new byte[500], 500, listener.getLocalSocketAddress()));

            byte[] stacks = new byte[2_048];
            DatagramPacket packet = new DatagramPacket(stacks, stacks.length);
            listener.receive(packet);
            assertEquals(stacks, packet.getData());
            assertEquals(bye.length, packet.getLength());
            assertArrayEquals(bye, Arrays.copyOf(packet.getData(), packet.getLength()));

            DatagramPacket oversized = new DatagramPacket(new byte[0], 0);
            listener.receive(oversized);
            assertEquals(100, oversized.getLength(), "cut at the message size limit, as the stack's own buffer did");
        }
    }

    @Test
    @DisplayName("more readers beside the stack's: every datagram is queued once, whole and stamped; they end when the socket closes")
    void moreReaders() throws Exception {
        LinkedBlockingQueue<DatagramQueuedMessageDispatch> queue = new LinkedBlockingQueue<>();
        Set<String> received = new HashSet<>();
        int port;
        try (ListenerSocket listener = new ListenerSocket(0, InetAddress.getLoopbackAddress());
                DatagramSocket peer = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            listener.readsUpTo(1_000);
            port = listener.getLocalPort();
            ListenerReaders.start(listener, queue, 3);
            long before = System.currentTimeMillis();
            for (int i = 0; i < 300; i++) {
                byte[] options = ("OPTIONS sip:bob@127.0.0.1 SIP/2.0 #" + i).getBytes(StandardCharsets.US_ASCII);
                peer.send(new DatagramPacket(options, options.length, listener.getLocalSocketAddress()));
                if (i % 50 == 49) {
                    Thread.sleep(20); // within the socket's receive buffer
                }
            }
            for (int i = 0; i < 300; i++) {
                DatagramQueuedMessageDispatch dispatch = queue.poll(5, TimeUnit.SECONDS);
                assertNotNull(dispatch, "datagram " + i);
                DatagramPacket packet = dispatch.packet;
                assertEquals(packet.getLength(), packet.getData().length, "an array of the datagram's own size");
                assertEquals(peer.getLocalSocketAddress(), packet.getSocketAddress());
                assertTrue(dispatch.getReceptionTime() >= before);
                assertTrue(received.add(new String(packet.getData(), StandardCharsets.US_ASCII)), "read once");
            }
            assertNull(queue.poll(200, TimeUnit.MILLISECONDS));
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (readerThreads(port) > 0 && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertEquals(0, readerThreads(port), "the readers ended with the socket");
    }

    private static long readerThreads(int port) {
        return Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().startsWith("sip-udp-rx-" + port + "-")).count();
    }

    @Test
    @DisplayName("what the stack sends leaves from the listener's port, in the order it was sent")
    void sendsFromItsPortInOrder() throws Exception {
        try (ListenerSocket listener = new ListenerSocket(0, InetAddress.getLoopbackAddress());
                DatagramSocket peer = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            peer.setSoTimeout(5_000);
            for (int i = 0; i < 50; i++) {
                byte[] reply = ("SIP/2.0 200 OK #" + i).getBytes(StandardCharsets.US_ASCII);
                listener.send(new DatagramPacket(reply, reply.length, peer.getLocalSocketAddress()));
            }
            for (int i = 0; i < 50; i++) {
                DatagramPacket got = new DatagramPacket(new byte[100], 100);
                peer.receive(got);
                assertEquals("SIP/2.0 200 OK #" + i, new String(got.getData(), 0, got.getLength(), StandardCharsets.US_ASCII));
                assertEquals(new InetSocketAddress(InetAddress.getLoopbackAddress(), listener.getLocalPort()), got.getSocketAddress());
            }
        }
    }
}
