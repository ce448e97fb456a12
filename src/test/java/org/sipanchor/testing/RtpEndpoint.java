package org.sipanchor.testing;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The media side of a fake phone: a loopback UDP port that records the RTP it receives and can send RTP, so that
 * tests can see media actually flow through RTPEngine.
 */
public final class RtpEndpoint implements AutoCloseable {

    /** One received RTP packet, reduced to what tests look at. */
    public record Packet(int payloadType, int ssrc, int length) {
    }

    private final DatagramSocket socket;
    private final List<Packet> received = new CopyOnWriteArrayList<>();
    private final int ssrc = (int) (Math.random() * Integer.MAX_VALUE);
    private int seq;
    private int timestamp;

    public RtpEndpoint() throws SocketException {
        socket = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        Thread t = new Thread(this::receive, "rtp-endpoint-" + port());
        t.setDaemon(true);
        t.start();
    }

    public int port() {
        return socket.getLocalPort();
    }

    private void receive() {
        byte[] buf = new byte[2048];
        while (!socket.isClosed()) {
            DatagramPacket p = new DatagramPacket(buf, buf.length);
            try {
                socket.receive(p);
                if (p.getLength() >= 12 && (buf[0] & 0xc0) == 0x80) {
                    received.add(new Packet(buf[1] & 0x7f, ByteBuffer.wrap(buf, 8, 4).getInt(), p.getLength()));
                }
            } catch (IOException e) {
                return;
            }
        }
    }

    /** Sends {@code count} 20 ms PCMU packets of silence to {@code to}, 20 ms apart. */
    public void sendPcmu(InetSocketAddress to, int count) throws IOException, InterruptedException {
        for (int i = 0; i < count; i++) {
            byte[] pkt = new byte[12 + 160];
            ByteBuffer b = ByteBuffer.wrap(pkt);
            b.put((byte) 0x80).put((byte) 0).putShort((short) seq++).putInt(timestamp).putInt(ssrc);
            timestamp += 160;
            for (int j = 12; j < pkt.length; j++) {
                pkt[j] = (byte) 0xff;
            }
            socket.send(new DatagramPacket(pkt, pkt.length, to));
            Thread.sleep(20);
        }
    }

    /**
     * Sends one RFC 4733 DTMF event ({@code event} 0..15) as payload type {@code pt}: packets of growing duration,
     * then three end packets, as phones do.
     */
    public void sendDtmfEvent(InetSocketAddress to, int pt, int event) throws IOException, InterruptedException {
        int eventTimestamp = timestamp;
        for (int i = 1; i <= 8; i++) {
            boolean end = i > 5;
            byte[] pkt = new byte[16];
            ByteBuffer b = ByteBuffer.wrap(pkt);
            b.put((byte) 0x80).put((byte) ((i == 1 ? 0x80 : 0) | pt)).putShort((short) seq++).putInt(eventTimestamp)
                    .putInt(ssrc);
            b.put((byte) event).put((byte) ((end ? 0x80 : 0) | 10)).putShort((short) (Math.min(i, 5) * 160));
            socket.send(new DatagramPacket(pkt, pkt.length, to));
            Thread.sleep(20);
        }
        timestamp += 5 * 160;
    }

    public List<Packet> received() {
        return List.copyOf(received);
    }

    /** Waits up to {@code millis} for a packet of payload type {@code pt}; true if one came. */
    public boolean awaitPayloadType(int pt, long millis) throws InterruptedException {
        long deadline = System.nanoTime() + millis * 1_000_000;
        while (System.nanoTime() < deadline) {
            if (received.stream().anyMatch(p -> p.payloadType() == pt)) {
                return true;
            }
            Thread.sleep(10);
        }
        return false;
    }

    @Override
    public void close() {
        socket.close();
    }
}
