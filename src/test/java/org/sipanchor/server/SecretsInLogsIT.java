package org.sipanchor.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.sipanchor.testing.LoopbackPorts;
import org.sipanchor.testing.SipAnchorServer;
import org.sipanchor.testing.TestKeystore;

/** The packaged server at its most talkative still logs no password and no SIP credentials. */
@DisplayName("secrets never reach the log: the container at info (its stack properties), sipanchor at debug, the SIP trace on")
class SecretsInLogsIT {

    private static final String DIGEST_RESPONSE = "6629fae49393a05397450978507c4ef1";

    @Test
    @DisplayName("the key store password and an Authorization response are masked in everything the server prints")
    void nothingSecretInTheOutput() throws Exception {
        int sipPort = LoopbackPorts.free();
        TestKeystore keys = TestKeystore.create("secrets-keystore");
        String yaml = """
                sip:
                  listen:
                    - { transport: udp, address: "127.0.0.1:%1$d" }
                    - { transport: wss, address: "127.0.0.1:%2$d" }
                  tls:
                    keystore: "%3$s"
                    keystore_password: "%4$s"
                media:
                  rtpengine:
                    address: "127.0.0.1:%5$d"
                log:
                  level: debug
                  container_level: info
                  sip_trace: true
                """.formatted(sipPort, LoopbackPorts.free(), keys.path(), keys.password(), LoopbackPorts.free());
        try (SipAnchorServer server = SipAnchorServer.start(yaml, sipPort)) {
            String callId = "secrets-" + System.nanoTime();
            sendRegister(sipPort, callId);
            awaitLogged(server, callId, Duration.ofSeconds(20));

            assertEquals(0, server.stop(), server.output());
            String output = server.output();
            assertTrue(output.contains("sip stack properties"), "the container logged its stack properties: " + output);
            assertFalse(output.contains(keys.password()), "the key store password is in the output");
            assertFalse(output.contains(DIGEST_RESPONSE), "the Digest response is in the output");
            assertTrue(output.contains("Authorization: Digest username=\"bob\", ***"), output);
        }
    }

    private static void sendRegister(int sipPort, String callId) throws Exception {
        try (DatagramSocket socket = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            int local = socket.getLocalPort();
            String register = "REGISTER sip:127.0.0.1:" + sipPort + " SIP/2.0\r\n"
                    + "Via: SIP/2.0/UDP 127.0.0.1:" + local + ";branch=z9hG4bK" + System.nanoTime() + ";rport\r\n"
                    + "Max-Forwards: 70\r\n"
                    + "From: <sip:bob@127.0.0.1>;tag=1\r\n"
                    + "To: <sip:bob@127.0.0.1>\r\n"
                    + "Call-ID: " + callId + "\r\n"
                    + "CSeq: 1 REGISTER\r\n"
                    + "Contact: <sip:bob@127.0.0.1:" + local + ">\r\n"
                    + "Authorization: Digest username=\"bob\", realm=\"127.0.0.1\", nonce=\"abc\", uri=\"sip:127.0.0.1\","
                    + " response=\"" + DIGEST_RESPONSE + "\"\r\n"
                    + "Expires: 60\r\n"
                    + "Content-Length: 0\r\n\r\n";
            byte[] bytes = register.getBytes(StandardCharsets.UTF_8);
            socket.send(new DatagramPacket(bytes, bytes.length, InetAddress.getLoopbackAddress(), sipPort));
        }
    }

    private static void awaitLogged(SipAnchorServer server, String text, Duration timeout) throws InterruptedException {
        Instant deadline = Instant.now().plus(timeout);
        while (!server.logged(line -> line.contains(text) && line.contains("received REGISTER"))) {
            if (Instant.now().isAfter(deadline)) {
                throw new AssertionError("no trace of the REGISTER within " + timeout + ":\n" + server.output());
            }
            Thread.sleep(50);
        }
    }
}
