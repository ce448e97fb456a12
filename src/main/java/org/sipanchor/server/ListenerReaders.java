package org.sipanchor.server;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.util.concurrent.BlockingQueue;
import java.util.logging.Logger;

import gov.nist.javax.sip.stack.DatagramQueuedMessageDispatch;

/**
 * More threads reading a UDP listener's socket into its queue, beside jain-sip's one reader, doing exactly what that
 * reader does: read a datagram, stamp it, offer it to the queue ({@link AdmittingQueue}, whose door refuses or drops
 * it there when overloaded).
 *
 * <p>Why: under load, jain-sip's single reader is one runnable thread among the 64 SIP threads, and the scheduler gives
 * it a 65th of the CPU. Measured (schedstat) in a failing 600 calls/s step of the proxy: it ran 40 to 100 ms per
 * second and waited 300 to 900 ms for a CPU, while the socket's receive queue filled to 1.3 MB and the kernel dropped
 * datagrams; dropped INVITEs came back 500 ms later as retransmissions, so the door's 503 took over a second at p99.
 * Each reader added is one more share of the CPU for the door. They take turns at the socket (its receive lock), so a
 * datagram is read by one of them only; the order in which two datagrams reach the SIP threads can change, as it
 * already could with 64 SIP threads taking from one queue.
 *
 * <p>They end when the socket is closed, which is how the stack stops its listener.
 */
final class ListenerReaders {

    private static final Logger LOG = Logger.getLogger(ListenerReaders.class.getName());
    private static final byte[] EMPTY = new byte[0];

    private ListenerReaders() {
    }

    /** Starts {@code count} daemon threads reading {@code socket} into {@code queue}. */
    static void start(DatagramSocket socket, BlockingQueue<DatagramQueuedMessageDispatch> queue, int count) {
        for (int i = 1; i <= count; i++) {
            Thread reader = new Thread(() -> read(socket, queue), "sip-udp-rx-" + socket.getLocalPort() + "-" + i);
            reader.setDaemon(true);
            reader.start();
        }
    }

    private static void read(DatagramSocket socket, BlockingQueue<DatagramQueuedMessageDispatch> queue) {
        while (!socket.isClosed()) {
            DatagramPacket packet = new DatagramPacket(EMPTY, 0); // ListenerSocket gives it an array of its own size
            try {
                socket.receive(packet);
            } catch (IOException | RuntimeException e) {
                if (!socket.isClosed()) {
                    LOG.fine(() -> "reading the SIP listener's socket failed: " + e);
                }
                continue;
            }
            queue.offer(new DatagramQueuedMessageDispatch(packet, System.currentTimeMillis()));
        }
    }
}
