package org.sipanchor.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CopyOnWriteArrayList;

import javax.sip.ResponseEvent;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.sipanchor.testing.FreePorts;

import gov.nist.javax.sip.ListeningPointImpl;
import gov.nist.javax.sip.SipStackImpl;

@DisplayName("A response that matches no transaction of ours is handed on without the stack's search of every transaction")
class StrayResponseValveTest {

    private static final String RESPONSE = "SIP/2.0 200 OK\r\nVia: SIP/2.0/UDP 127.0.0.1:%d;branch=%s\r\n"
            + "From: <sip:alice@127.0.0.1>;tag=a\r\nTo: <sip:bob@127.0.0.1>;tag=b\r\nCall-ID: %s\r\nCSeq: 1 INVITE\r\n"
            + "Content-Length: 0\r\n\r\n";

    @Test
    @DisplayName("an RFC 3261 branch no transaction has is handed on by the valve; an old-style one by the stack, as before")
    void handsStrayResponsesOn() throws Exception {
        Properties properties = new Properties();
        properties.setProperty("javax.sip.STACK_NAME", "stray-response-test");
        properties.setProperty("gov.nist.javax.sip.SIP_MESSAGE_VALVE", StrayResponseValve.class.getName());
        SipStackImpl stack = new SipStackImpl(properties);
        List<ResponseEvent> responses = new CopyOnWriteArrayList<>();
        try (FreePorts.Block ports = FreePorts.claim();
                DatagramSocket peer = new DatagramSocket(ports.control(1), InetAddress.getLoopbackAddress())) {
            int port = ports.control(2);
            ListeningPointImpl point = (ListeningPointImpl) stack.createListeningPoint("127.0.0.1", port, "udp");
            stack.createSipProvider(point).addSipListener(new ResponseCollector(responses));
            StrayResponseValve valve = (StrayResponseValve) stack.sipMessageValves.get(0);

            send(peer, port, String.format(RESPONSE, port, "z9hG4bK-made-up", "stray-1"));
            send(peer, port, String.format(RESPONSE, port, "old-style-branch", "stray-2"));

            long deadline = System.nanoTime() + 5_000_000_000L;
            while (responses.size() < 2 && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            assertEquals(List.of("stray-1", "stray-2"), responses.stream()
                    .map(e -> ((javax.sip.header.CallIdHeader) e.getResponse().getHeader("Call-ID")).getCallId()).sorted().toList());
            responses.forEach(event -> assertNull(event.getClientTransaction()));
            assertEquals(1, valve.handedOn(), "the made-up RFC 3261 branch went the short way; the old-style one did not");
        } finally {
            stack.stop();
        }
    }

    private static void send(DatagramSocket from, int port, String message) throws Exception {
        byte[] bytes = message.getBytes(StandardCharsets.US_ASCII);
        from.send(new DatagramPacket(bytes, bytes.length, InetAddress.getLoopbackAddress(), port));
    }

    private record ResponseCollector(List<ResponseEvent> responses) implements QuietSipListener {
        @Override
        public void processResponse(ResponseEvent event) {
            responses.add(event);
        }
    }
}
