package org.sipanchor.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.sipanchor.testing.LoopbackPorts;
import org.sipanchor.testing.SipAnchorServer;

/**
 * A TCP peer that connects and says nothing must not keep its connection: with only UDP and TCP listeners (the
 * stack's blocking TCP readers), {@code sip.limits.tcp_idle_timeout_secs} closes it, so that silent connections
 * cannot use up {@code max_tcp_connections} for everyone; a phone that sends CRLF keep-alives keeps its connection.
 */
@DisplayName("Silent TCP connections")
class SilentConnectionsIT {

    private static final int MAX_CONNECTIONS = 4;
    private static SipAnchorServer server;
    private static String[] hostPort;

    @BeforeAll
    static void start() {
        int port = LoopbackPorts.free();
        server = SipAnchorServer.start(SipAnchorServer.config(port,
                "  limits: { tcp_idle_timeout_secs: 2, max_tcp_connections: " + MAX_CONNECTIONS + " }\n"), port);
        hostPort = server.sipAddress().split(":");
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static Socket connect() throws IOException {
        Socket socket = new Socket(hostPort[0], Integer.parseInt(hostPort[1]));
        socket.setSoTimeout(250);
        return socket;
    }

    @Test
    @DisplayName("a connection that sends nothing is closed after the idle timeout")
    void silentConnectionIsClosed() throws IOException {
        try (Socket silent = connect()) {
            long opened = System.nanoTime();
            assertTrue(closedWithin(silent, Duration.ofSeconds(30)), "the server kept a silent connection for 30 s");
            long heldMillis = (System.nanoTime() - opened) / 1_000_000;
            assertTrue(heldMillis >= 1_500, "closed after " + heldMillis + " ms, before the 2 s idle timeout");
        }
    }

    @Test
    @DisplayName("as many silent connections as max_tcp_connections do not lock out the next caller for longer than the idle timeout")
    void silentConnectionsDoNotLockOthersOut() throws IOException {
        List<Socket> silent = new ArrayList<>();
        try {
            for (int i = 0; i < MAX_CONNECTIONS; i++) {
                silent.add(connect());
            }
            for (Socket each : silent) {
                assertTrue(closedWithin(each, Duration.ofSeconds(30)), "a silent connection was kept");
            }
            try (Socket next = connect()) {
                next.getOutputStream().write(options(next).getBytes(StandardCharsets.US_ASCII));
                String reply = readReply(next, Duration.ofSeconds(10));
                assertTrue(reply.startsWith("SIP/2.0 "), "no reply to OPTIONS on a new connection: " + reply);
            }
        } finally {
            for (Socket each : silent) {
                each.close();
            }
        }
    }

    @Test
    @DisplayName("a connection that sends CRLF keep-alives within the idle timeout stays open")
    void keepAlivesKeepTheConnection() throws IOException, InterruptedException {
        try (Socket phone = connect()) {
            OutputStream out = phone.getOutputStream();
            long until = System.nanoTime() + Duration.ofSeconds(5).toNanos();
            while (System.nanoTime() < until) {
                out.write("\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                out.flush();
                Thread.sleep(700);
            }
            out.write(options(phone).getBytes(StandardCharsets.US_ASCII));
            out.flush();
            String reply = readReply(phone, Duration.ofSeconds(10));
            assertTrue(reply.startsWith("SIP/2.0 "), "the kept connection did not carry a request after 5 s: " + reply);
            assertEquals(-1, reply.indexOf("closed"), reply);
        }
    }

    private static String options(Socket peer) {
        String local = "127.0.0.1:" + peer.getLocalPort();
        return "OPTIONS sip:" + server.sipAddress() + ";transport=tcp SIP/2.0\r\n"
                + "Via: SIP/2.0/TCP " + local + ";branch=z9hG4bK-idle-" + peer.getLocalPort() + "\r\n"
                + "From: <sip:probe@" + local + ">;tag=idle\r\n"
                + "To: <sip:" + server.sipAddress() + ">\r\n"
                + "Call-ID: idle-" + peer.getLocalPort() + "\r\n"
                + "CSeq: 1 OPTIONS\r\n"
                + "Max-Forwards: 70\r\n"
                + "Content-Length: 0\r\n\r\n";
    }

    /** Whether the server closed (or reset) {@code peer} before {@code bound}, reading without writing. */
    private static boolean closedWithin(Socket peer, Duration bound) {
        long deadline = System.nanoTime() + bound.toNanos();
        try {
            InputStream in = peer.getInputStream();
            byte[] buffer = new byte[1024];
            while (System.nanoTime() < deadline) {
                try {
                    if (in.read(buffer) < 0) {
                        return true;
                    }
                } catch (SocketTimeoutException stillOpen) {
                    // nothing yet
                }
            }
            return false;
        } catch (IOException reset) {
            return true;
        }
    }

    private static String readReply(Socket peer, Duration bound) {
        long deadline = System.nanoTime() + bound.toNanos();
        StringBuilder received = new StringBuilder();
        try {
            InputStream in = peer.getInputStream();
            byte[] buffer = new byte[4096];
            while (System.nanoTime() < deadline && received.indexOf("\r\n\r\n") < 0) {
                try {
                    int n = in.read(buffer);
                    if (n < 0) {
                        return received + "(closed)";
                    }
                    received.append(new String(buffer, 0, n, StandardCharsets.US_ASCII));
                } catch (SocketTimeoutException nothingYet) {
                    // keep reading
                }
            }
        } catch (IOException e) {
            return received + "(closed: " + e + ")";
        }
        return received.toString().stripLeading();
    }
}
