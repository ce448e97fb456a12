package org.sipanchor.ng;

import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.DatagramChannel;

import org.sipanchor.net.Outbox;

/**
 * One unconnected datagram socket, one receiver thread and one sending thread. Unconnected on purpose: a connected
 * socket would have the kernel drop replies from other addresses silently, and the client wants to see (and count)
 * them. Requests leave through an {@link Outbox}: every SIP thread offers through one client, and behind the
 * socket's send lock they queued for each other (and an instance's offers are ordered under a lock of their own).
 */
final class UdpTransport implements NgTransport {

    /** Largest UDP payload over IPv4; also what RTPEngine reads at most (MAX_UDP_LENGTH 0xffff). */
    static final int MAX_DATAGRAM = 65507;
    /** Requests waiting to leave at most; past it a request is dropped like a lost datagram, and retransmitted. */
    private static final int OUTBOX_CAPACITY = 8_192;

    private static final System.Logger LOG = System.getLogger(UdpTransport.class.getName());

    private final InetSocketAddress remote;
    private final DatagramChannel channel;
    private final Outbox<ByteBuffer> outbox;
    private volatile boolean closed;

    UdpTransport(InetSocketAddress remote, InetSocketAddress local) throws IOException {
        this.remote = remote;
        channel = DatagramChannel.open(remote.getAddress() instanceof Inet6Address ? StandardProtocolFamily.INET6
                : StandardProtocolFamily.INET);
        try {
            // Room for a burst of replies while the receiver thread is descheduled (the kernel caps these).
            channel.setOption(StandardSocketOptions.SO_RCVBUF, 1 << 20);
            channel.setOption(StandardSocketOptions.SO_SNDBUF, 1 << 20);
            channel.bind(local);
        } catch (IOException e) {
            channel.close();
            throw e;
        }
        outbox = new Outbox<>("ng-udp-tx-" + NgException.hostAndPort(remote), OUTBOX_CAPACITY,
                datagram -> channel.send(datagram, remote));
    }

    @Override
    public void start(Sink sink) {
        new NgIoThread(() -> receive(sink), "ng-udp-rx-" + NgException.hostAndPort(remote)).start();
    }

    private void receive(Sink sink) {
        // One datagram more than the largest possible, so nothing is ever truncated silently.
        ByteBuffer buf = ByteBuffer.allocate(65536);
        while (!closed) {
            try {
                buf.clear();
                SocketAddress source = channel.receive(buf);
                if (source instanceof InetSocketAddress from) {
                    sink.onMessage(buf.array(), 0, buf.position(), from);
                }
            } catch (ClosedChannelException e) {
                return;
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
            throw new ClosedChannelException();
        }
        outbox.send(ByteBuffer.wrap(message));
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
        try {
            channel.close();
        } catch (IOException e) {
            LOG.log(System.Logger.Level.DEBUG, "closing NG UDP socket", e);
        }
    }
}
