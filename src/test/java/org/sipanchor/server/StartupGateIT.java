package org.sipanchor.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
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

/** What a caller meets while the server starts: never a 404 for an application that is not deployed yet. */
@DisplayName("While the server starts")
class StartupGateIT {

    private static final Pattern STATUS = Pattern.compile("^SIP/2\\.0 (\\d{3}) ");
    private static final Pattern RETRY_AFTER = Pattern.compile("(?mi)^Retry-After:\\s*(\\d+)");

    @Test
    @DisplayName("requests sent in a loop from launch to ready get 503 with Retry-After until the application is ready, then 200, never 404")
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
        List<String> replies = new ArrayList<>();
        try (DatagramSocket socket = new DatagramSocket(0, InetAddress.getLoopbackAddress());
                SipAnchorServer server = SipAnchorServer.launch(yaml, sipPort)) {
            socket.setSoTimeout(50);
            long deadline = System.nanoTime() + Duration.ofSeconds(40).toNanos();
            int sent = 0;
            int okAfterReady = 0;
            while (okAfterReady < 3 && System.nanoTime() < deadline) {
                byte[] options = options(sipPort, socket.getLocalPort(), ++sent).getBytes(StandardCharsets.UTF_8);
                socket.send(new DatagramPacket(options, options.length, InetAddress.getLoopbackAddress(), sipPort));
                byte[] buffer = new byte[4096];
                DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
                try {
                    while (true) {
                        socket.receive(packet);
                        String reply = new String(packet.getData(), 0, packet.getLength(), StandardCharsets.UTF_8);
                        replies.add(reply);
                        if (reply.startsWith("SIP/2.0 200 ") && server.logged(line -> line.contains("] ready in "))) {
                            okAfterReady++;
                        }
                    }
                } catch (SocketTimeoutException e) {
                    // none (more) for now: send the next one
                }
            }
            assertTrue(okAfterReady >= 3, "no 200 after the server was ready:\n" + server.output());
            List<Integer> statuses = replies.stream().map(StartupGateIT::status).toList();
            assertFalse(statuses.contains(404), "a 404 while starting: " + statuses);
            assertTrue(statuses.stream().allMatch(s -> s == 200 || s == 503), "only 503 then 200: " + statuses);
            assertTrue(statuses.contains(503), "the listeners answered before the application was ready, with 503: " + statuses);
            assertEquals(statuses.indexOf(200), statuses.lastIndexOf(503) + 1, "503 until ready, 200 from then on: " + statuses);
            for (String reply : replies) {
                if (status(reply) == 503) {
                    Matcher retry = RETRY_AFTER.matcher(reply);
                    assertTrue(retry.find(), reply);
                    assertEquals(StartupGate.RETRY_AFTER_SECONDS, Integer.parseInt(retry.group(1)), reply);
                }
            }
            assertFalse(server.output().contains("check your dar configuration"), server.output());
        }
    }

    private static int status(String reply) {
        Matcher m = STATUS.matcher(reply);
        return m.find() ? Integer.parseInt(m.group(1)) : -1;
    }

    private static String options(int sipPort, int localPort, int n) {
        return "OPTIONS sip:127.0.0.1:" + sipPort + " SIP/2.0\r\n"
                + "Via: SIP/2.0/UDP 127.0.0.1:" + localPort + ";branch=z9hG4bK-gate-" + n + ";rport\r\n"
                + "Max-Forwards: 70\r\n"
                + "From: <sip:probe@127.0.0.1:" + localPort + ">;tag=gate" + n + "\r\n"
                + "To: <sip:127.0.0.1:" + sipPort + ">\r\n"
                + "Call-ID: gate-" + n + "-" + localPort + "@127.0.0.1\r\n"
                + "CSeq: 1 OPTIONS\r\n"
                + "Content-Length: 0\r\n\r\n";
    }
}
