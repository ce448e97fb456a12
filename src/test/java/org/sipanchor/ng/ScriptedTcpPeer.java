package org.sipanchor.ng;

import static java.nio.charset.StandardCharsets.ISO_8859_1;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/** A fake RTPEngine on a TCP port, framing like the daemon (cookie, space, one bencode dictionary), driven by a script. */
final class ScriptedTcpPeer implements AutoCloseable {

    @FunctionalInterface
    interface Script {
        void handle(ScriptedUdpPeer.Request request, Connection connection) throws Exception;
    }

    /** One accepted connection. */
    final class Connection {
        final int index;
        private final Socket socket;
        private final OutputStream out;

        Connection(int index, Socket socket) throws IOException {
            this.index = index;
            this.socket = socket;
            this.out = socket.getOutputStream();
        }

        synchronized void reply(ScriptedUdpPeer.Request r, Map<String, ?> dict) throws IOException {
            write(ScriptedUdpPeer.message(r.cookie(), dict));
        }

        synchronized void write(byte[] bytes) throws IOException {
            out.write(bytes);
            out.flush();
        }

        /** Writes in chunks of {@code chunk} bytes, pausing between them so they arrive as separate reads. */
        synchronized void writeInPieces(byte[] bytes, int chunk) throws IOException, InterruptedException {
            for (int i = 0; i < bytes.length; i += chunk) {
                out.write(bytes, i, Math.min(chunk, bytes.length - i));
                out.flush();
                Thread.sleep(1);
            }
        }

        void close() throws IOException {
            socket.close();
        }
    }

    private final ServerSocket server;
    private final Script script;
    private final List<ScriptedUdpPeer.Request> received = Collections.synchronizedList(new ArrayList<>());
    private final Map<String, AtomicInteger> seen = new ConcurrentHashMap<>();
    private final AtomicInteger connections = new AtomicInteger();
    private final List<Socket> sockets = Collections.synchronizedList(new ArrayList<>());
    private volatile boolean closed;

    ScriptedTcpPeer(Script script) throws IOException {
        this.script = script;
        this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread t = new Thread(this::accept, "scripted-tcp-peer");
        t.setDaemon(true);
        t.start();
    }

    InetSocketAddress address() {
        return (InetSocketAddress) server.getLocalSocketAddress();
    }

    int connections() {
        return connections.get();
    }

    List<ScriptedUdpPeer.Request> received() {
        synchronized (received) {
            return List.copyOf(received);
        }
    }

    private void accept() {
        while (!closed) {
            try {
                Socket s = server.accept();
                s.setTcpNoDelay(true);
                sockets.add(s);
                Connection c = new Connection(connections.incrementAndGet(), s);
                Thread t = new Thread(() -> serve(c), "scripted-tcp-conn-" + c.index);
                t.setDaemon(true);
                t.start();
            } catch (IOException e) {
                return;
            }
        }
    }

    private void serve(Connection c) {
        byte[] buf = new byte[1 << 20];
        int len = 0;
        try (InputStream in = c.socket.getInputStream()) {
            while (true) {
                int n = in.read(buf, len, buf.length - len);
                if (n < 0) {
                    return;
                }
                len += n;
                while (true) {
                    int space = -1;
                    for (int i = 0; i < len; i++) {
                        if (buf[i] == ' ') {
                            space = i;
                            break;
                        }
                    }
                    if (space < 0) {
                        break;
                    }
                    int size = Bencode.measure(buf, space + 1, len - space - 1, Bencode.Limits.DEFAULT);
                    if (size < 0) {
                        break;
                    }
                    int end = space + 1 + size;
                    byte[] raw = Arrays.copyOf(buf, end);
                    String cookie = new String(raw, 0, space, ISO_8859_1);
                    Map<String, Object> dict = Bencode.decodeDictionary(raw, space + 1, size, Bencode.Limits.DEFAULT);
                    int count = seen.computeIfAbsent(cookie, k -> new AtomicInteger()).incrementAndGet();
                    ScriptedUdpPeer.Request r = new ScriptedUdpPeer.Request(raw, cookie, dict, count,
                            (InetSocketAddress) c.socket.getRemoteSocketAddress());
                    received.add(r);
                    System.arraycopy(buf, end, buf, 0, len - end);
                    len -= end;
                    script.handle(r, c);
                }
            }
        } catch (Exception e) {
            if (!closed && !c.socket.isClosed()) {
                e.printStackTrace();
            }
        }
    }

    @Override
    public void close() throws IOException {
        closed = true;
        server.close();
        synchronized (sockets) {
            for (Socket s : sockets) {
                s.close();
            }
        }
    }
}
