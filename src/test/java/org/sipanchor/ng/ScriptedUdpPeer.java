package org.sipanchor.ng;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A fake RTPEngine on a UDP port that answers according to a script, to put the client through faults a real daemon
 * will not produce on demand: lost, duplicated, misaddressed, corrupted and oversized replies.
 */
final class ScriptedUdpPeer implements AutoCloseable {

    /** A request as received: raw bytes, its cookie, its dictionary, and how often this cookie arrived so far. */
    record Request(byte[] raw, String cookie, Map<String, Object> dict, int seen, InetSocketAddress from) {
        String command() {
            return string("command");
        }

        String callId() {
            return string("call-id");
        }

        String string(String key) {
            return dict.get(key) instanceof byte[] b ? new String(b, UTF_8) : null;
        }
    }

    @FunctionalInterface
    interface Script {
        void handle(Request request, ScriptedUdpPeer peer) throws Exception;
    }

    private final DatagramSocket socket;
    private final DatagramSocket otherSocket;
    private final Script script;
    private final List<Request> received = Collections.synchronizedList(new ArrayList<>());
    private final Map<String, AtomicInteger> seen = new ConcurrentHashMap<>();
    private final Thread thread;
    private volatile boolean closed;

    ScriptedUdpPeer(Script script) throws SocketException {
        this.script = script;
        InetAddress lo = InetAddress.getLoopbackAddress();
        this.socket = new DatagramSocket(new InetSocketAddress(lo, 0));
        this.otherSocket = new DatagramSocket(new InetSocketAddress(lo, 0));
        this.thread = new Thread(this::run, "scripted-ng-peer");
        thread.setDaemon(true);
        thread.start();
    }

    InetSocketAddress address() {
        return (InetSocketAddress) socket.getLocalSocketAddress();
    }

    List<Request> received() {
        synchronized (received) {
            return List.copyOf(received);
        }
    }

    private void run() {
        byte[] buf = new byte[65536];
        while (!closed) {
            DatagramPacket p = new DatagramPacket(buf, buf.length);
            try {
                socket.receive(p);
                byte[] raw = Arrays.copyOfRange(buf, 0, p.getLength());
                int space = indexOf(raw, (byte) ' ');
                String cookie = new String(raw, 0, space, ISO_8859_1);
                Map<String, Object> dict = Bencode.decodeDictionary(raw, space + 1, raw.length - space - 1,
                        Bencode.Limits.DEFAULT);
                int n = seen.computeIfAbsent(cookie, c -> new AtomicInteger()).incrementAndGet();
                Request r = new Request(raw, cookie, dict, n, (InetSocketAddress) p.getSocketAddress());
                received.add(r);
                script.handle(r, this);
            } catch (IOException e) {
                if (!closed) {
                    e.printStackTrace();
                }
            } catch (Exception e) {
                e.printStackTrace();
            }
        }
    }

    private static int indexOf(byte[] b, byte c) {
        for (int i = 0; i < b.length; i++) {
            if (b[i] == c) {
                return i;
            }
        }
        return -1;
    }

    /** Replies {@code cookie SP bencode(dict)} from the peer's own address. */
    void reply(Request r, Map<String, ?> dict) throws IOException {
        sendRaw(r, message(r.cookie(), dict));
    }

    /** Replies from a second socket, i.e. from the wrong source port. */
    void replyFromOtherAddress(Request r, Map<String, ?> dict) throws IOException {
        byte[] m = message(r.cookie(), dict);
        otherSocket.send(new DatagramPacket(m, m.length, r.from()));
    }

    void sendRaw(Request r, byte[] bytes) throws IOException {
        socket.send(new DatagramPacket(bytes, bytes.length, r.from()));
    }

    static byte[] message(String cookie, Map<String, ?> dict) {
        byte[] c = (cookie + " ").getBytes(ISO_8859_1);
        byte[] d = Bencode.encode(dict);
        byte[] m = Arrays.copyOf(c, c.length + d.length);
        System.arraycopy(d, 0, m, c.length, d.length);
        return m;
    }

    @Override
    public void close() {
        closed = true;
        socket.close();
        otherSocket.close();
    }
}
