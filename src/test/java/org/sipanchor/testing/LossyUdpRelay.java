package org.sipanchor.testing;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A UDP relay in front of a server that drops a share of the datagrams in each direction, like a lossy network.
 * Clients send to {@link #address()}; each client gets its own socket towards the server (as behind a NAT), so replies
 * find their way back and several clients can share one relay.
 *
 * <p>Drops are drawn from a seeded {@link Random}: the same seed drops the same share, reproducibly enough for tests.
 */
public final class LossyUdpRelay implements AutoCloseable {

    private final InetSocketAddress target;
    private final DatagramSocket front;
    private final Map<InetSocketAddress, DatagramSocket> backs = new ConcurrentHashMap<>();
    private final Random random;
    private final double dropToServer;
    private final double dropToClient;
    private volatile boolean closed;

    public final AtomicLong forwardedToServer = new AtomicLong();
    public final AtomicLong droppedToServer = new AtomicLong();
    public final AtomicLong forwardedToClient = new AtomicLong();
    public final AtomicLong droppedToClient = new AtomicLong();

    /** Drops {@code dropToServer} and {@code dropToClient} of the datagrams (0.0 to 1.0) in each direction. */
    public LossyUdpRelay(InetSocketAddress target, double dropToServer, double dropToClient, long seed)
            throws SocketException {
        this.target = target;
        this.random = new Random(seed);
        this.dropToServer = dropToServer;
        this.dropToClient = dropToClient;
        front = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        Thread t = new Thread(this::fromClients, "lossy-relay-front");
        t.setDaemon(true);
        t.start();
    }

    /** Where clients send. */
    public InetSocketAddress address() {
        return (InetSocketAddress) front.getLocalSocketAddress();
    }

    private boolean drop(double rate) {
        synchronized (random) {
            return random.nextDouble() < rate;
        }
    }

    private void fromClients() {
        byte[] buf = new byte[65536];
        while (!closed) {
            try {
                DatagramPacket p = new DatagramPacket(buf, buf.length);
                front.receive(p);
                InetSocketAddress client = (InetSocketAddress) p.getSocketAddress();
                DatagramSocket back = backs.computeIfAbsent(client, this::openBack);
                if (drop(dropToServer)) {
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
                if (drop(dropToClient)) {
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
