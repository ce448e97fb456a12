package org.sipanchor.testing;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;

/**
 * A UDP relay in front of a server that drops a share of the datagrams in each direction, like a lossy network.
 * Clients send to {@link #address()}; each client gets its own socket towards the server (as behind a NAT), so replies
 * find their way back and several clients can share one relay.
 *
 * <p>Drops are drawn from a seeded {@link Random}: the same seed drops the same share, reproducibly enough for tests.
 * {@link #dropping} drops chosen datagrams instead, for a loss a test needs exactly.
 */
public final class LossyUdpRelay implements AutoCloseable {

    private final InetSocketAddress target;
    private final DatagramSocket front;
    private final Map<InetSocketAddress, DatagramSocket> backs = new ConcurrentHashMap<>();
    private final Predicate<String> dropToServer;
    private final Predicate<String> dropToClient;
    private volatile boolean closed;

    public final AtomicLong forwardedToServer = new AtomicLong();
    public final AtomicLong droppedToServer = new AtomicLong();
    public final AtomicLong forwardedToClient = new AtomicLong();
    public final AtomicLong droppedToClient = new AtomicLong();

    /** Drops {@code dropToServer} and {@code dropToClient} of the datagrams (0.0 to 1.0) in each direction. */
    public LossyUdpRelay(InetSocketAddress target, double dropToServer, double dropToClient, long seed)
            throws SocketException {
        this(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), target, new Random(seed), dropToServer,
                dropToClient);
    }

    private LossyUdpRelay(InetSocketAddress front, InetSocketAddress target, Random random, double dropToServer,
            double dropToClient) throws SocketException {
        this(front, target, share(dropToServer, random), share(dropToClient, random));
    }

    private LossyUdpRelay(InetSocketAddress front, InetSocketAddress target, Predicate<String> dropToServer,
            Predicate<String> dropToClient) throws SocketException {
        this.target = target;
        this.dropToServer = dropToServer;
        this.dropToClient = dropToClient;
        this.front = new DatagramSocket(front);
        Thread t = new Thread(this::fromClients, "lossy-relay-front");
        t.setDaemon(true);
        t.start();
    }

    /**
     * A relay on {@code front} that drops, on their way to the server, the datagrams whose text {@code toServer}
     * picks, and nothing else: {@code dropping(front, sipp, new FirstOf("ACK "))} loses the first ACK.
     */
    public static LossyUdpRelay dropping(InetSocketAddress front, InetSocketAddress target, Predicate<String> toServer)
            throws SocketException {
        return new LossyUdpRelay(front, target, toServer, datagram -> false);
    }

    /** Picks the first datagram that starts with a prefix, and only that one. */
    public static final class FirstOf implements Predicate<String> {

        private final String prefix;
        private boolean picked;

        public FirstOf(String prefix) {
            this.prefix = prefix;
        }

        @Override
        public synchronized boolean test(String datagram) {
            if (picked || !datagram.startsWith(prefix)) {
                return false;
            }
            picked = true;
            return true;
        }
    }

    private static Predicate<String> share(double rate, Random random) {
        return datagram -> {
            synchronized (random) {
                return random.nextDouble() < rate;
            }
        };
    }

    /** Where clients send. */
    public InetSocketAddress address() {
        return (InetSocketAddress) front.getLocalSocketAddress();
    }

    private static String text(DatagramPacket datagram) {
        return new String(datagram.getData(), 0, datagram.getLength(), StandardCharsets.ISO_8859_1);
    }

    private void fromClients() {
        byte[] buf = new byte[65536];
        while (!closed) {
            try {
                DatagramPacket p = new DatagramPacket(buf, buf.length);
                front.receive(p);
                InetSocketAddress client = (InetSocketAddress) p.getSocketAddress();
                DatagramSocket back = backs.computeIfAbsent(client, this::openBack);
                if (dropToServer.test(text(p))) {
                    droppedToServer.incrementAndGet();
                    continue;
                }
                back.send(new DatagramPacket(buf, p.getLength(), target));
                forwardedToServer.incrementAndGet();
            } catch (IOException e) {
                if (closed) {
                    return;
                }
            }
        }
    }

    private DatagramSocket openBack(InetSocketAddress client) {
        try {
            DatagramSocket back = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            Thread t = new Thread(() -> fromServer(back, client), "lossy-relay-back-" + client.getPort());
            t.setDaemon(true);
            t.start();
            return back;
        } catch (SocketException e) {
            throw new IllegalStateException(e);
        }
    }

    private void fromServer(DatagramSocket back, InetSocketAddress client) {
        byte[] buf = new byte[65536];
        while (!closed) {
            try {
                DatagramPacket p = new DatagramPacket(buf, buf.length);
                back.receive(p);
                if (dropToClient.test(text(p))) {
                    droppedToClient.incrementAndGet();
                    continue;
                }
                front.send(new DatagramPacket(buf, p.getLength(), client));
                forwardedToClient.incrementAndGet();
            } catch (IOException e) {
                if (closed) {
                    return;
                }
            }
        }
    }

    @Override
    public void close() {
        closed = true;
        front.close();
        backs.values().forEach(DatagramSocket::close);
    }

    @Override
    public String toString() {
        return "relay to server: " + forwardedToServer + " forwarded, " + droppedToServer + " dropped; to clients: "
                + forwardedToClient + " forwarded, " + droppedToClient + " dropped";
    }
}
