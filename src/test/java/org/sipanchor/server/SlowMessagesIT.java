package org.sipanchor.server;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import javax.net.ssl.SSLSocket;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.sipanchor.config.SipLimits;
import org.sipanchor.testing.AnchoringServer;
import org.sipanchor.testing.LoopbackPorts;
import org.sipanchor.testing.Sipp;
import org.sipanchor.testing.TestKeystore;

/**
 * With a WebSocket listener configured, jain-sip's NIO readers carry TCP and WS (and TLS, WSS) and ignore the stack's
 * read timeout: {@code sip.limits.tcp_read_timeout_secs} must still close a connection whose message is not complete
 * that long after its first byte, whether the peer trickles a SIP header line or body over TCP or a WebSocket frame
 * (over ws or wss), or a callee trickles its response on the connection the proxy opened to it, while a connection
 * that completes its messages in time, or idles between them, keeps working, and the next call goes through. And a
 * WebSocket frame announcing more than {@code sip.limits.max_message_bytes} (the default here) closes its connection
 * at once, before its payload is buffered. The bundled proxy, with a real RTPEngine.
 */
@DisplayName("Slow messages on the NIO listeners (a ws listener configured)")
class SlowMessagesIT {

    private static final Duration READ_TIMEOUT = Duration.ofSeconds(2);
    /** The reaper looks once a second; the rest is for a loaded machine. */
    private static final Duration CLOSE_BOUND = READ_TIMEOUT.plusSeconds(6);
    private static final long TRICKLE_MILLIS = 300;

    /** The peers closed so far: the report (one per ten seconds) names the last one closed before it. */
    private static final Set<String> trickling = ConcurrentHashMap.newKeySet();
    /** The peers closed for an oversized frame so far, for the same reason. */
    private static final Set<String> oversized = ConcurrentHashMap.newKeySet();
    /** Well short of the read timeout, and of the reaper's first look after it. */
    private static final Duration AT_ONCE = Duration.ofMillis(1500);
    private static final int wsPort = LoopbackPorts.free();
    private static final int wssPort = LoopbackPorts.free();
    private static final TestKeystore keys = TestKeystore.create("slow-messages-keystore");

    /** The bundled proxy with a real RTPEngine; after each test RTPEngine must hold no session. */
    @RegisterExtension
    static final AnchoringServer proxy = AnchoringServer.bundled().sip("""
                - { transport: ws, address: "127.0.0.1:%d" }
                - { transport: wss, address: "127.0.0.1:%d" }
              tls: { keystore: "%s", keystore_password: "%s" }
              limits: { tcp_read_timeout_secs: %d }
            """.formatted(wsPort, wssPort, keys.path(), keys.password(), READ_TIMEOUT.toSeconds()));

    private static int sipPort;

    @BeforeAll
    static void sipPort() {
        sipPort = Integer.parseInt(proxy.sipAddress().split(":")[1]);
    }

    @Test
    @DisplayName("a TCP peer trickling a huge Content-Length is closed after the read timeout, logged with its address; a peer sending OPTIONS meanwhile is served throughout, and the next call over TCP goes through")
    void tricklingTcpPeerIsClosed() throws IOException {
        try (Socket trickler = connect(sipPort); Socket steady = connect(sipPort)) {
            OutputStream out = trickler.getOutputStream();
            out.write(inviteHead(trickler, 60_000).getBytes(StandardCharsets.US_ASCII));
            out.flush();
            long firstByte = System.nanoTime();
            int answered = 0;
            boolean closed = false;
            while (!closed && System.nanoTime() - firstByte < CLOSE_BOUND.toNanos()) {
                closed = trickleOnce(trickler, 'v');
                if (answered < (System.nanoTime() - firstByte) / 500_000_000L) {
                    assertTrue(optionsAnswered(steady), "the steady TCP peer's OPTIONS went unanswered");
                    answered++;
                }
            }
            long heldMillis = (System.nanoTime() - firstByte) / 1_000_000;
            System.out.printf("a TCP peer trickling a body: closed %d ms after its first byte%n", heldMillis);
            assertTrue(closed, "the server kept a trickling TCP connection open for " + heldMillis + " ms");
            assertTrue(heldMillis >= READ_TIMEOUT.toMillis() - 100, "closed after " + heldMillis + " ms, before the read timeout");
            assertTrue(answered >= 3, "the steady peer was asked only " + answered + " times");
            assertTrue(optionsAnswered(steady), "the steady TCP connection was closed with the trickling one");
            assertReported(trickler);
        }
        proxy.call(Sipp.scenario("uac-call.xml").tcp().service("bob"), Sipp.scenario("uas-answer.xml"));
    }

    @Test
    @DisplayName("a TCP peer trickling one endless header line is closed after the read timeout")
    void tricklingHeaderLineIsClosed() throws IOException {
        try (Socket trickler = connect(sipPort)) {
            OutputStream out = trickler.getOutputStream();
            out.write(("OPTIONS sip:127.0.0.1:" + sipPort + " SIP/2.0\r\nSubject: ").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            assertClosedAfterReadTimeout(trickler, "a TCP peer trickling a header line");
        }
    }

    @Test
    @DisplayName("a callee the proxy reached over TCP, trickling one endless header line of its response, is closed after the read timeout, logged with its address; the caller gets 408 and the next call goes through")
    void tricklingCalleeIsClosed() throws IOException {
        try (ServerSocket callee = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            callee.setSoTimeout((int) Duration.ofSeconds(10).toMillis());
            Sipp.scenario("register.xml").tcp().service("carol").set("contact_port", String.valueOf(callee.getLocalPort()))
                    .remote(proxy.sipAddress()).run();
            try (Sipp caller = Sipp.scenario("uac-expect-status.xml").set("status", "408").service("carol")
                    .remote(proxy.sipAddress()).start();
                    Socket fromProxy = connectionWithInvite(callee)) {
                fromProxy.getOutputStream().write("SIP/2.0 180 Ringing\r\nSubject: ".getBytes(StandardCharsets.US_ASCII));
                assertClosedAfterReadTimeout(fromProxy, "a callee trickling a response header line");
                trickling.add("from 127.0.0.1:" + callee.getLocalPort());
                proxy.server().awaitLogged(line -> line.contains("tcp_read_timeout_secs") && trickling.stream().anyMatch(line::contains),
                        Duration.ofSeconds(5));
                caller.assertSucceeded(Duration.ofSeconds(30));
            }
        }
        proxy.call(Sipp.scenario("uac-call.xml").tcp().service("bob"), Sipp.scenario("uas-answer.xml"));
    }

    @Test
    @DisplayName("a TCP connection silent between messages but for CRLF keep-alives, for twice the read timeout, is kept")
    void keepAlivesBetweenMessagesAreNotAMessage() throws IOException, InterruptedException {
        try (Socket phone = connect(sipPort)) {
            assertTrue(optionsAnswered(phone), "no answer to the first OPTIONS");
            long until = System.nanoTime() + READ_TIMEOUT.multipliedBy(2).toNanos();
            while (System.nanoTime() < until) {
                phone.getOutputStream().write("\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                phone.getOutputStream().flush();
                Thread.sleep(500);
            }
            assertTrue(optionsAnswered(phone), "the connection was closed while it sent only keep-alives between messages");
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"ws", "wss"})
    @DisplayName("a WebSocket peer trickling one frame is closed after the read timeout; one idle between complete frames is kept")
    void tricklingWebSocketPeerIsClosed(String transport) throws IOException {
        try (Socket trickler = connect(transport); Socket browser = connect(transport)) {
            upgrade(browser);
            assertTrue(options(browser).startsWith("SIP/2.0 "), "no answer over WebSocket");
            upgrade(trickler);
            OutputStream out = trickler.getOutputStream();
            // A masked text frame announcing 60,000 bytes (16-bit length), of which one comes every 300 ms.
            out.write(new byte[] {(byte) 0x81, (byte) (0x80 | 126), (byte) (60_000 >> 8), (byte) (60_000 & 0xff), 1, 2, 3, 4});
            out.flush();
            assertClosedAfterReadTimeout(trickler, "a " + transport + " peer trickling a frame");
            assertTrue(options(browser).startsWith("SIP/2.0 "),
                    "the WebSocket connection idle between messages was closed with the trickling one");
            assertReported(trickler);
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"ws", "wss"})
    @DisplayName("a WebSocket peer announcing a frame one byte over max_message_bytes is closed at once with close code 1009, not after the read timeout; the next OPTIONS over WebSocket gets its 200")
    void frameOverTheLimitIsClosedAtOnce(String transport) throws IOException {
        try (Socket hostile = connect(transport)) {
            upgrade(hostile);
            OutputStream out = hostile.getOutputStream();
            // The header alone (64-bit length, masked), and a few bytes of payload: far short of the read timeout's
            // concern, so only the frame's announced length can close it this soon.
            ByteArrayOutputStream start = new ByteArrayOutputStream();
            start.writeBytes(frameHeader(SipLimits.DEFAULTS.maxMessageBytes() + 1L));
            start.writeBytes(new byte[100]);
            out.write(start.toByteArray()); // in one write: read whole, so the close frame is not lost to a reset
            out.flush();
            long headerSent = System.nanoTime();
            byte[] received = readUntilClosed(hostile, AT_ONCE);
            long closedMillis = (System.nanoTime() - headerSent) / 1_000_000;
            System.out.printf("a %s peer announcing max_message_bytes + 1: closed %d ms after the header%n", transport, closedMillis);
            assertTrue(closedMillis < AT_ONCE.toMillis(), "the connection was still open " + closedMillis + " ms after the header");
            assertArrayEquals(new byte[] {(byte) 0x88, 2, 0x03, (byte) 0xf1}, received, "a close frame with status 1009");
            assertOversizeReported(hostile);
        }
        assertNextOptionsAnswered(transport);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"ws", "wss"})
    @DisplayName("a WebSocket peer announcing a 2^40-byte frame and streaming its payload as fast as it can is closed at once; the next OPTIONS over WebSocket gets its 200")
    void terabyteFrameIsClosedAtOnce(String transport) throws IOException {
        try (Socket hostile = connect(transport)) {
            upgrade(hostile);
            OutputStream out = hostile.getOutputStream();
            out.write(frameHeader(1L << 40));
            Streamed payload = streamUntilClosed(out, new byte[16 * 1024]);
            System.out.printf("a %s peer announcing 2^40 bytes: closed %d ms after the header, %d bytes of payload sent%n",
                    transport, payload.millis(), payload.bytes());
            assertTrue(payload.closed(), "the server took " + payload.bytes() + " bytes of a 2^40-byte frame in "
                    + payload.millis() + " ms without closing");
            assertOversizeReported(hostile);
        }
        assertNextOptionsAnswered(transport);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"ws", "wss"})
    @DisplayName("a peer streaming an upgrade request longer than max_message_bytes is closed at once, not after the read timeout")
    void endlessUpgradeRequestIsClosedAtOnce(String transport) throws IOException {
        try (Socket hostile = connect(transport)) {
            OutputStream out = hostile.getOutputStream();
            // No line ends: jain-sip takes a read that ends with one as the request's end.
            out.write(("GET / HTTP/1.1\r\nX-Padding: ").getBytes(StandardCharsets.US_ASCII));
            Streamed request = streamUntilClosed(out, "a".repeat(8 * 1024).getBytes(StandardCharsets.US_ASCII));
            System.out.printf("a %s peer streaming an endless upgrade request: closed %d ms after its first byte, %d bytes sent%n",
                    transport, request.millis(), request.bytes());
            assertTrue(request.closed(), "the server took " + request.bytes() + " bytes of an upgrade request in "
                    + request.millis() + " ms without closing");
            assertOversizeReported(hostile);
        }
        assertNextOptionsAnswered(transport);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"ws", "wss"})
    @DisplayName("an upgrade request one byte over max_message_bytes is answered 431 over HTTP, not with a WebSocket frame, and closed at once")
    void upgradeRequestOverTheLimitIsAnswered431(String transport) throws IOException {
        try (Socket hostile = connect(transport)) {
            // No line ends after the request line's: jain-sip takes a read that ends with one as the request's end.
            byte[] start = "GET / HTTP/1.1\r\nX-Padding: ".getBytes(StandardCharsets.US_ASCII);
            byte[] request = Arrays.copyOf(start, SipLimits.DEFAULTS.maxMessageBytes() + 1);
            Arrays.fill(request, start.length, request.length, (byte) 'a');
            hostile.getOutputStream().write(request); // exactly one byte over: read whole, so no reset loses the reply
            hostile.getOutputStream().flush();
            String reply = new String(readUntilClosed(hostile, AT_ONCE), StandardCharsets.US_ASCII);
            assertTrue(reply.startsWith("HTTP/1.1 431 "), "the reply to an oversized upgrade request: " + reply);
            assertTrue(reply.contains("\r\nConnection: close\r\n"), "the 431 does not say the connection closes: " + reply);
            assertOversizeReported(hostile);
        }
        assertNextOptionsAnswered(transport);
    }

    /** How a stream of bytes as fast as the peer can write them ended: closed by the server or not, after how long. */
    private record Streamed(boolean closed, long bytes, long millis) {
    }

    /** Writes {@code chunk} again and again until the server closes the connection, or {@link #AT_ONCE} has passed. */
    private static Streamed streamUntilClosed(OutputStream out, byte[] chunk) {
        long start = System.nanoTime();
        long streamed = 0;
        while (System.nanoTime() - start < AT_ONCE.toNanos()) {
            try {
                out.write(chunk);
                out.flush();
                streamed += chunk.length;
            } catch (IOException reset) {
                return new Streamed(true, streamed, (System.nanoTime() - start) / 1_000_000);
            }
        }
        return new Streamed(false, streamed, (System.nanoTime() - start) / 1_000_000);
    }

    /**
     * The connection on which the proxy sends the callee its INVITE, read up to the end of its header; another
     * connection the proxy opens first and closes unused (jain-sip's, before {@code NioConnectionTable}) is
     * skipped, so that this test fails on the read timeout alone.
     */
    private static Socket connectionWithInvite(ServerSocket callee) throws IOException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (System.nanoTime() < deadline) {
            Socket fromProxy = callee.accept();
            fromProxy.setSoTimeout((int) TRICKLE_MILLIS);
            String received = new String(readUntil(fromProxy, "\r\n\r\n"), StandardCharsets.US_ASCII);
            if (received.startsWith("INVITE sip:carol@")) {
                return fromProxy;
            }
            fromProxy.close();
        }
        throw new AssertionError("no INVITE reached the callee in 10 s");
    }

    private static void assertNextOptionsAnswered(String transport) throws IOException {
        try (Socket browser = connect(transport)) {
            upgrade(browser);
            String answer = options(browser);
            assertTrue(answer.startsWith("SIP/2.0 200"), "the next OPTIONS over " + transport + " got: " + answer);
        }
    }

    /** The header of a masked text frame announcing {@code length} bytes in the 64-bit form, masking key included. */
    private static byte[] frameHeader(long length) {
        ByteArrayOutputStream header = new ByteArrayOutputStream();
        header.write(0x81);
        header.write(0x80 | 127);
        for (int shift = 56; shift >= 0; shift -= 8) {
            header.write((int) (length >>> shift) & 0xff);
        }
        header.writeBytes(new byte[] {9, 8, 7, 6});
        return header.toByteArray();
    }

    /** What the server sends until it closes the connection or {@code bound} passes. */
    private static byte[] readUntilClosed(Socket peer, Duration bound) throws IOException {
        long deadline = System.nanoTime() + bound.toNanos();
        ByteArrayOutputStream received = new ByteArrayOutputStream();
        while (System.nanoTime() < deadline) {
            try {
                int b = peer.getInputStream().read();
                if (b < 0) {
                    break;
                }
                received.write(b);
            } catch (SocketTimeoutException stillOpen) {
                // keep waiting
            } catch (IOException reset) {
                break;
            }
        }
        return received.toByteArray();
    }

    private static void assertOversizeReported(Socket hostile) {
        oversized.add("from 127.0.0.1:" + hostile.getLocalPort());
        proxy.server().awaitLogged(line -> line.contains("max_message_bytes") && oversized.stream().anyMatch(line::contains),
                Duration.ofSeconds(5));
    }

    private static void assertReported(Socket trickler) {
        trickling.add("from 127.0.0.1:" + trickler.getLocalPort());
        proxy.server().awaitLogged(line -> line.contains("tcp_read_timeout_secs") && trickling.stream().anyMatch(line::contains),
                Duration.ofSeconds(5));
    }

    private static Socket connect(String transport) throws IOException {
        if ("ws".equals(transport)) {
            return connect(wsPort);
        }
        SSLSocket socket = (SSLSocket) keys.trustingContext().getSocketFactory().createSocket("127.0.0.1", wssPort);
        socket.setSoTimeout((int) TRICKLE_MILLIS);
        socket.startHandshake();
        return socket;
    }

    private static Socket connect(int port) throws IOException {
        Socket socket = new Socket("127.0.0.1", port);
        socket.setSoTimeout((int) TRICKLE_MILLIS);
        return socket;
    }

    /**
     * Trickles a byte every {@link #TRICKLE_MILLIS} on {@code peer}, whose first byte of the unfinished message was
     * just sent, until the server closes the connection; asserts that it did, after the read timeout and within
     * {@link #CLOSE_BOUND}.
     */
    private static void assertClosedAfterReadTimeout(Socket peer, String what) {
        long firstByte = System.nanoTime();
        boolean closed = false;
        while (!closed && System.nanoTime() - firstByte < CLOSE_BOUND.toNanos()) {
            closed = trickleOnce(peer, 'v');
        }
        long heldMillis = (System.nanoTime() - firstByte) / 1_000_000;
        System.out.printf("%s: closed %d ms after its first byte%n", what, heldMillis);
        assertTrue(closed, "the server kept the connection of " + what + " open for " + heldMillis + " ms");
        assertTrue(heldMillis >= READ_TIMEOUT.toMillis() - 100, "closed after " + heldMillis + " ms, before the read timeout");
    }

    /** Writes one byte and waits a trickle interval for the server to close; true once it has. */
    private static boolean trickleOnce(Socket peer, int oneByte) {
        try {
            peer.getOutputStream().write(oneByte);
            peer.getOutputStream().flush();
            return peer.getInputStream().read(new byte[4096]) < 0;
        } catch (SocketTimeoutException stillOpen) {
            return false;
        } catch (IOException reset) {
            return true;
        }
    }

    private static boolean optionsAnswered(Socket peer) throws IOException {
        peer.getOutputStream().write(optionsRequest(peer, "TCP").getBytes(StandardCharsets.US_ASCII));
        peer.getOutputStream().flush();
        return new String(readUntil(peer, "\r\n\r\n"), StandardCharsets.US_ASCII).stripLeading().startsWith("SIP/2.0 ");
    }

    /** Sends OPTIONS in one masked WebSocket text frame and returns the text of the frame that answers it. */
    private static String options(Socket peer) throws IOException {
        byte[] payload = optionsRequest(peer, peer instanceof SSLSocket ? "WSS" : "WS").getBytes(StandardCharsets.US_ASCII);
        byte[] mask = {9, 8, 7, 6};
        ByteArrayOutputStream frame = new ByteArrayOutputStream();
        frame.write(0x81);
        frame.write(0x80 | 126);
        frame.write(payload.length >> 8);
        frame.write(payload.length & 0xff);
        frame.write(mask);
        for (int i = 0; i < payload.length; i++) {
            frame.write(payload[i] ^ mask[i % 4]);
        }
        peer.getOutputStream().write(frame.toByteArray());
        peer.getOutputStream().flush();
        byte[] answer = readUntil(peer, "\r\n\r\n");
        int start = 2 + ((answer.length > 1 && (answer[1] & 0x7f) == 126) ? 2 : 0);
        return answer.length > start ? new String(answer, start, answer.length - start, StandardCharsets.US_ASCII) : "(closed)";
    }

    private static void upgrade(Socket peer) throws IOException {
        String request = "GET / HTTP/1.1\r\nHost: 127.0.0.1:" + peer.getPort() + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Protocol: sip\r\n\r\n";
        peer.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
        peer.getOutputStream().flush();
        String response = new String(readUntil(peer, "\r\n\r\n"), StandardCharsets.US_ASCII);
        assertTrue(response.startsWith("HTTP/1.1 101"), "no WebSocket upgrade: " + response);
    }

    /** What the server sends until {@code end} (or it closes, or ten seconds pass), leading CRLFs left out. */
    private static byte[] readUntil(Socket peer, String end) throws IOException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        ByteArrayOutputStream received = new ByteArrayOutputStream();
        InputStream in = peer.getInputStream();
        while (System.nanoTime() < deadline && !received.toString(StandardCharsets.ISO_8859_1).contains(end)) {
            try {
                int b = in.read();
                if (b < 0) {
                    break;
                }
                if (received.size() > 0 || (b != '\r' && b != '\n')) { // not the pongs to keep-alives before it
                    received.write(b);
                }
            } catch (SocketTimeoutException nothingYet) {
                // keep reading
            }
        }
        return received.toByteArray();
    }

    private static String optionsRequest(Socket peer, String transport) {
        String local = "127.0.0.1:" + peer.getLocalPort();
        return "OPTIONS sip:127.0.0.1:" + peer.getPort() + ";transport=" + transport.toLowerCase() + " SIP/2.0\r\n"
                + "Via: SIP/2.0/" + transport + " " + local + ";branch=z9hG4bK-slow-" + System.nanoTime() + "\r\n"
                + "From: <sip:probe@" + local + ">;tag=slow\r\n"
                + "To: <sip:127.0.0.1:" + peer.getPort() + ">\r\n"
                + "Call-ID: slow-" + peer.getLocalPort() + "-" + System.nanoTime() + "\r\n"
                + "CSeq: 1 OPTIONS\r\n"
                + "Max-Forwards: 70\r\n"
                + "Content-Length: 0\r\n\r\n";
    }

    private static String inviteHead(Socket peer, int contentLength) {
        String local = "127.0.0.1:" + peer.getLocalPort();
        return "INVITE sip:bob@127.0.0.1:" + peer.getPort() + " SIP/2.0\r\n"
                + "Via: SIP/2.0/TCP " + local + ";branch=z9hG4bK-slow-" + contentLength + "\r\n"
                + "From: <sip:mallory@" + local + ">;tag=slow\r\n"
                + "To: <sip:bob@127.0.0.1>\r\n"
                + "Call-ID: slow-" + contentLength + "-" + peer.getLocalPort() + "\r\n"
                + "CSeq: 1 INVITE\r\n"
                + "Contact: <sip:mallory@" + local + ";transport=tcp>\r\n"
                + "Max-Forwards: 70\r\n"
                + "Content-Type: application/sdp\r\n"
                + "Content-Length: " + contentLength + "\r\n\r\n";
    }
}
