package org.sipanchor.server;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.SocketException;
import java.util.Arrays;

import org.sipanchor.net.Outbox;

/**
 * A SIP listener's UDP socket, as jain-sip-ri 1.3.0-32 uses it, made cheaper on both sides:
 * <ul>
 * <li>Sends go through an {@link Outbox}: a SIP thread sends at once when the socket is free, and only queues for
 * the outbox's thread when another is in the send. jain-sip's SIP threads all send on their listener's one socket,
 * and queued behind its lock they were the proxy's limit, not the CPU.</li>
 * <li>Each datagram is read into a buffer of the message size limit (one per reading thread) and handed to the stack
 * in an array of its own size. jain-sip's reader allocates a buffer of the limit per datagram (64 KiB by default), which was 45% of
 * every byte the proxy allocated, and a queued datagram held all of it; {@link AdmittingProcessorFactory} empties
 * that buffer and moves the limit here ({@link #readsUpTo}).</li>
 * </ul>
 */
final class ListenerSocket extends DatagramSocket {

    /** Datagrams waiting to be sent at most: a second of sends at several thousand calls a second. */
    static final int SEND_CAPACITY = 16_384;
    /** The largest UDP payload, until the stack's message size limit is known. */
    private static final int MAX_DATAGRAM = 65_535;

    private final Outbox<DatagramPacket> outbox;
    private volatile int maxBytes = MAX_DATAGRAM;
    /** Each reading thread's buffer: jain-sip's reader and {@link ListenerReaders}' read at once. */
    private final ThreadLocal<DatagramPacket> reading = ThreadLocal.withInitial(
            () -> new DatagramPacket(new byte[maxBytes], maxBytes));

    ListenerSocket(int port, InetAddress bindAddress) throws SocketException {
        super(port, bindAddress);
        outbox = new Outbox<>("sip-udp-tx-" + getLocalPort(), SEND_CAPACITY, super::send);
    }

    /**
     * Datagrams longer than {@code maxBytes} are cut to it, as jain-sip's own buffer of the message size limit
     * did (the stack then refuses what it cannot parse). Call before the listener starts.
     */
    void readsUpTo(int maxBytes) {
        this.maxBytes = maxBytes;
    }

    /**
     * Reads the next datagram into {@code packet}: into its array when it fits, else into a new array of the
     * datagram's size, which replaces it.
     */
    @Override
    public void receive(DatagramPacket packet) throws IOException {
        DatagramPacket reading = this.reading.get();
        byte[] buffer = reading.getData();
        reading.setData(buffer); // the length back to the whole buffer
        super.receive(reading);
        int length = reading.getLength();
        if (length <= packet.getData().length - packet.getOffset()) {
            System.arraycopy(buffer, 0, packet.getData(), packet.getOffset(), length);
            packet.setLength(length);
        } else {
            packet.setData(Arrays.copyOf(buffer, length));
        }
        packet.setSocketAddress(reading.getSocketAddress());
    }

    /**
     * Sends {@code packet} now if the socket is free, else queues it, and returns without waiting: the packet's bytes
     * must not change afterwards, which holds for jain-sip (a message is encoded into a new array per send) and for
     * {@link StatelessRefusal}.
     */
    @Override
    public void send(DatagramPacket packet) throws IOException {
        if (isClosed()) {
            throw new SocketException("Socket is closed");
        }
        outbox.send(packet);
    }

    @Override
    public void close() {
        outbox.close();
        super.close();
    }
}
