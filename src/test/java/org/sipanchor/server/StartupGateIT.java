package org.sipanchor.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.sipanchor.testing.LoopbackPorts;
import org.sipanchor.testing.SipAnchorServer;

/**
 * What a caller meets while the server starts: never a 404 for an application that is not deployed yet. Over UDP the
 * server stays silent until it is ready (the caller retransmits); over TCP it answers 503 with Retry-After.
 */
@DisplayName("While the server starts")
class StartupGateIT {

    private static final Pattern STATUS = Pattern.compile("^SIP/2\\.0 (\\d{3}) ");
    private static final Pattern RETRY_AFTER = Pattern.compile("(?mi)^Retry-After:\\s*(\\d+)");

    @Test
    @DisplayName("requests sent in a loop from launch to ready: none answered 404; over UDP none answered until ready, over TCP 503 with Retry-After, then 200")
    void neverAnswers404() throws Exception {
        int sipPort = LoopbackPorts.free();
        String yaml = SipAnchorServer.config(sipPort, """
                app:
                  mode: proxy
                  auth: off
                media:
                  rtpengine:
                    address: "127.0.0.1:%d"
                    timeout_ms: 300
                """.formatted(LoopbackPorts.free()));
        List<String> udpReplies = new ArrayList<>();
        List<String> tcpReplies = new ArrayList<>();
        boolean[] repliedBeforeReady = {false};
        try (DatagramSocket socket = new DatagramSocket(0, InetAddress.getLoopbackAddress());
                SipAnchorServer server = SipAnchorServer.launch(yaml, sipPort)) {
            socket.setSoTimeout(50);
            long deadline = System.nanoTime() + Duration.ofSeconds(40).toNanos();
            int sent = 0;
            int okAfterReady = 0;
            while (okAfterReady < 3 && System.nanoTime() < deadline) {
                boolean ready = server.logged(line -> line.contains("] ready in "));
                byte[] options = options("UDP", sipPort, socket.getLocalPort(), ++sent).getBytes(StandardCharsets.UTF_8);
                socket.send(new DatagramPacket(options, options.length, InetAddress.getLoopbackAddress(), sipPort));
                byte[] buffer = new byte[4096];
                DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
                try {
                    while (true) {
                        socket.receive(packet);
                        String reply = new String(packet.getData(), 0, packet.getLength(), StandardCharsets.UTF_8);
                        udpReplies.add(reply);
                        if (reply.startsWith("SIP/2.0 200 ") && ready) {
                            okAfterReady++;
                        }
                        // the gate drops UDP until the application is ready: a reply before the ready line can
                        // only be a 200 sent in the instant between the gate opening and that line
                        repliedBeforeReady[0] |= !ready && !reply.startsWith("SIP/2.0 200 ");
                    }
                } catch (SocketTimeoutException e) {
                    // none (more) for now
                }
                tcpProbe(sipPort, ++sent).ifPresent(tcpReplies::add);
            }
            assertTrue(okAfterReady >= 3, "no 200 over UDP after the server was ready:\n" + server.output());
            List<Integer> udp = udpReplies.stream().map(StartupGateIT::status).toList();
            List<Integer> tcp = tcpReplies.stream().map(StartupGateIT::status).toList();
            assertFalse(udp.contains(404) || tcp.contains(404), "a 404 while starting: UDP " + udp + ", TCP " + tcp);
            assertTrue(udp.stream().allMatch(s -> s == 200), "UDP: nothing but 200, once ready: " + udp);
            assertFalse(repliedBeforeReady[0], "UDP: no reply before ready: " + udp);
            assertTrue(tcp.contains(503), "TCP: the listener answered before the application was ready, with 503: " + tcp);
            assertTrue(tcp.stream().allMatch(s -> s == 200 || s == 503), "TCP: 503 then 200: " + tcp);
            assertEquals(tcp.indexOf(200), tcp.lastIndexOf(503) + 1, "TCP: 503 until ready, 200 from then on: " + tcp);
            for (String reply : tcpReplies) {
                if (status(reply) == 503) {
                    Matcher retry = RETRY_AFTER.matcher(reply);
                    assertTrue(retry.find(), reply);
                    assertEquals(StartupGate.RETRY_AFTER_SECONDS, Integer.parseInt(retry.group(1)), reply);
                }
            }
            assertFalse(server.output().contains("check your dar configuration"), server.output());
        }
    }

    /** One OPTIONS over a new TCP connection, and its reply; empty while nothing listens (or nothing answers). */
    private static java.util.Optional<String> tcpProbe(int sipPort, int n) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), sipPort), 200);
            socket.setSoTimeout(500);
            socket.getOutputStream().write(options("TCP", sipPort, socket.getLocalPort(), n).getBytes(StandardCharsets.UTF_8));
            StringBuilder reply = new StringBuilder();
            var in = socket.getInputStream();
            int b;
            while (reply.indexOf("\r\n\r\n") < 0 && (b = in.read()) >= 0) {
                reply.append((char) b);
            }
            return reply.length() == 0 ? java.util.Optional.empty() : java.util.Optional.of(reply.toString());
        } catch (IOException e) {
            return java.util.Optional.empty();
        }
    }

    private static int status(String reply) {
        Matcher m = STATUS.matcher(reply);
        return m.find() ? Integer.parseInt(m.group(1)) : -1;
    }

    private static String options(String transport, int sipPort, int localPort, int n) {
        return "OPTIONS sip:127.0.0.1:" + sipPort + " SIP/2.0\r\n"
                + "Via: SIP/2.0/" + transport + " 127.0.0.1:" + localPort + ";branch=z9hG4bK-gate-" + n + ";rport\r\n"
                + "Max-Forwards: 70\r\n"
                + "From: <sip:probe@127.0.0.1:" + localPort + ">;tag=gate" + n + "\r\n"
                + "To: <sip:127.0.0.1:" + sipPort + ">\r\n"
                + "Call-ID: gate-" + n + "-" + localPort + "@127.0.0.1\r\n"
                + "CSeq: 1 OPTIONS\r\n"
                + "Content-Length: 0\r\n\r\n";
    }
}
