package org.sipanchor.ng;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.SocketException;

import org.sipanchor.net.Outbox;

/**
 * One unconnected datagram socket, one receiver thread and one sending thread. Unconnected on purpose: a connected
 * socket would have the kernel drop replies from other addresses silently, and the client wants to see (and count)
 * them. Requests leave through an {@link Outbox}: every SIP thread offers through one client, and behind the
 * socket's send lock they queued for each other (and an instance's offers are ordered under a lock of their own).
 *
 * <p>A {@link DatagramSocket}, not a {@code DatagramChannel}: the outbox sends on the requesting SIP thread when the
 * socket is free, and a channel is closed for good when a thread whose interrupt flag is set uses it (one
 * interrupted thread would cut the client off from its instance); a socket ignores the flag.
 */
final class UdpTransport implements NgTransport {

    /** Largest UDP payload over IPv4; also what RTPEngine reads at most (MAX_UDP_LENGTH 0xffff). */
    static final int MAX_DATAGRAM = 65507;
    /** Requests waiting to leave at most; past it a request is dropped like a lost datagram, and retransmitted. */
    private static final int OUTBOX_CAPACITY = 8_192;

    private static final System.Logger LOG = System.getLogger(UdpTransport.class.getName());

    private final InetSocketAddress remote;
    private final DatagramSocket socket;
    private final Outbox<DatagramPacket> outbox;
    private volatile boolean closed;

    UdpTransport(InetSocketAddress remote, InetSocketAddress local) throws IOException {
        this.remote = remote;
        socket = new DatagramSocket(null);
        try {
            // Room for a burst of replies while the receiver thread is descheduled (the kernel caps these).
            socket.setReceiveBufferSize(1 << 20);
            socket.setSendBufferSize(1 << 20);
            socket.bind(local);
        } catch (IOException e) {
            socket.close();
            throw e;
        }
        outbox = new Outbox<>("ng-udp-tx-" + NgException.hostAndPort(remote), OUTBOX_CAPACITY, socket::send);
    }

    @Override
    public void start(Sink sink) {
        new NgIoThread(() -> receive(sink), "ng-udp-rx-" + NgException.hostAndPort(remote)).start();
    }

    private void receive(Sink sink) {
        // One byte more than the largest datagram, so nothing is ever truncated silently.
        byte[] buffer = new byte[65536];
        DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
        while (!closed) {
            try {
                packet.setData(buffer); // the length back to the whole buffer
                socket.receive(packet);
                if (packet.getSocketAddress() instanceof InetSocketAddress from) {
                    sink.onMessage(buffer, 0, packet.getLength(), from);
                }
            } catch (SocketException e) {
                if (closed || socket.isClosed()) {
                    return;
                }
                LOG.log(System.Logger.Level.DEBUG, "NG UDP receive from " + remote + " failed", e);
                sleepQuietly();
            } catch (IOException e) {
                // e.g. ICMP errors surfacing on some platforms: keep receiving, but do not spin.
                LOG.log(System.Logger.Level.DEBUG, "NG UDP receive from " + remote + " failed", e);
                sleepQuietly();
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "NG UDP receiver for " + remote + ": unexpected error", e);
            }
        }
    }

    private static void sleepQuietly() {
        try {
            Thread.sleep(10);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void send(byte[] message, Runnable register) throws IOException {
        register.run();
        resend(message);
    }

    @Override
    public void resend(byte[] message) throws IOException {
        if (closed) {
            throw new SocketException("the NG socket to " + NgException.hostAndPort(remote) + " is closed");
        }
        outbox.send(new DatagramPacket(message, message.length, remote));
    }

    @Override
    public boolean retransmits() {
        return true;
    }

    @Override
    public int maxMessageLength() {
        return MAX_DATAGRAM;
    }

    @Override
    public void close() {
        closed = true;
        outbox.close();
        socket.close();
    }
}
