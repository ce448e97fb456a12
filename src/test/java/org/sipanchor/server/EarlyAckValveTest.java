package org.sipanchor.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import javax.sip.ListeningPoint;
import javax.sip.RequestEvent;
import javax.sip.ServerTransaction;
import javax.sip.SipFactory;
import javax.sip.SipProvider;
import javax.sip.SipStack;
import javax.sip.header.ContactHeader;
import javax.sip.header.ToHeader;
import javax.sip.message.Request;
import javax.sip.message.Response;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.sipanchor.testing.FreePorts;


/**
 * The SIP stack as the B2BUA uses it: a user agent server that answers an INVITE with a 200 OK of its own, and a caller
 * that acknowledges it at once. The sending thread is held for a moment right after the 200 OK left (as a loaded
 * machine preempts it), so the ACK always arrives before the stack has armed the 200's retransmission timer.
 */
@DisplayName("A 2xx acknowledged before the stack armed its retransmission timer")
class EarlyAckValveTest {

    @Test
    @DisplayName("is sent again 500 ms after its ACK by the bare stack (the bug sipanchor works around)")
    void bareStackRetransmits() throws Exception {
        assertEquals(1, retransmittedOks(false), "the stack took the ACK for a stray one and retransmitted the 200 OK");
    }

    @Test
    @DisplayName("is not sent again with the valve: the ACK waits until the timer it stops exists")
    void valveHoldsTheAck() throws Exception {
        assertEquals(0, retransmittedOks(true), "no 200 OK after its ACK");
    }

    /** Places one call against a stack and counts the 200 OKs that arrive after the caller's ACK. */
    private static int retransmittedOks(boolean withValve) throws Exception {
        try (FreePorts.Block ports = FreePorts.claim(); DatagramSocket caller = new DatagramSocket(ports.control(1),
                InetAddress.getLoopbackAddress())) {
            int port = ports.control(0);
            Properties properties = new Properties();
            properties.setProperty("javax.sip.STACK_NAME", "early-ack-" + port + (withValve ? "-valve" : ""));
            properties.setProperty("javax.sip.AUTOMATIC_DIALOG_SUPPORT", "on");
            properties.setProperty("gov.nist.javax.sip.THREAD_POOL_SIZE", "8");
            properties.setProperty("gov.nist.javax.sip.REENTRANT_LISTENER", "true");
            properties.setProperty("gov.nist.javax.sip.NETWORK_LAYER", SlowAfterOkNetworkLayer.class.getName());
            if (withValve) {
                properties.setProperty("gov.nist.javax.sip.SIP_MESSAGE_VALVE", EarlyAckValve.class.getName());
            }
            SipFactory factory = SipFactory.getInstance();
            factory.setPathName("gov.nist");
            SipStack stack = factory.createSipStack(properties);
            try {
                ListeningPoint point = stack.createListeningPoint("127.0.0.1", port, "udp");
                SipProvider provider = stack.createSipProvider(point);
                provider.addSipListener(new Answerer(factory, provider, port));
                stack.start();
                return call(caller, port);
            } finally {
                stack.stop();
                factory.resetFactory();
            }
        }
    }

    private static int call(DatagramSocket caller, int port) throws IOException {
        String local = "127.0.0.1:" + caller.getLocalPort();
        String invite = "INVITE sip:bob@127.0.0.1:" + port + " SIP/2.0\r\n"
                + "Via: SIP/2.0/UDP " + local + ";branch=z9hG4bK-early-ack-1\r\n"
                + "From: <sip:alice@" + local + ">;tag=alice\r\nTo: <sip:bob@127.0.0.1:" + port + ">\r\n"
                + "Call-ID: early-ack-1\r\nCSeq: 1 INVITE\r\nContact: <sip:alice@" + local + ">\r\n"
                + "Max-Forwards: 70\r\nContent-Length: 0\r\n\r\n";
        send(caller, invite, port);
        caller.setSoTimeout(5000);
        String ok;
        do {
            ok = receive(caller);
        } while (!ok.startsWith("SIP/2.0 200"));
        Matcher toTag = Pattern.compile("(?im)^To:.*;tag=([^;\\s]+)").matcher(ok);
        assertTrue(toTag.find(), ok);
        String ack = "ACK sip:bob@127.0.0.1:" + port + " SIP/2.0\r\n"
                + "Via: SIP/2.0/UDP " + local + ";branch=z9hG4bK-early-ack-2\r\n"
                + "From: <sip:alice@" + local + ">;tag=alice\r\nTo: <sip:bob@127.0.0.1:" + port + ">;tag=" + toTag.group(1) + "\r\n"
                + "Call-ID: early-ack-1\r\nCSeq: 1 ACK\r\nMax-Forwards: 70\r\nContent-Length: 0\r\n\r\n";
        send(caller, ack, port);
        // T1 is 500 ms: a retransmission, if any, comes by then; one more T1 of margin
        caller.setSoTimeout(1500);
        int again = 0;
        try {
            while (true) {
                if (receive(caller).startsWith("SIP/2.0 200")) {
                    again++;
                    send(caller, ack, port); // as a caller does: that ACK is matched, and the stack stops
                }
            }
        } catch (SocketTimeoutException e) {
            return again;
        }
    }

    private static void send(DatagramSocket socket, String message, int port) throws IOException {
        byte[] bytes = message.getBytes(StandardCharsets.US_ASCII);
        socket.send(new DatagramPacket(bytes, bytes.length, InetAddress.getLoopbackAddress(), port));
    }

    private static String receive(DatagramSocket socket) throws IOException {
        DatagramPacket packet = new DatagramPacket(new byte[8192], 8192);
        socket.receive(packet);
        return new String(packet.getData(), 0, packet.getLength(), StandardCharsets.US_ASCII);
    }

    /** Answers an INVITE with a 200 OK, as the B2BUA answers its caller. */
    private record Answerer(SipFactory factory, SipProvider provider, int port) implements QuietSipListener {
        @Override
        public void processRequest(RequestEvent event) {
            Request request = event.getRequest();
            if (!Request.INVITE.equals(request.getMethod())) {
                return;
            }
            try {
                ServerTransaction transaction = event.getServerTransaction() != null ? event.getServerTransaction()
                        : provider.getNewServerTransaction(request);
                Response ok = factory.createMessageFactory().createResponse(Response.OK, request);
                ((ToHeader) ok.getHeader(ToHeader.NAME)).setTag("bob");
                ContactHeader contact = factory.createHeaderFactory().createContactHeader(
                        factory.createAddressFactory().createAddress("sip:bob@127.0.0.1:" + port));
                ok.addHeader(contact);
                transaction.sendResponse(ok);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }
    }

    /**
     * The stack's sockets, but the thread that sent a 200 OK is held for 20 ms after the datagram left: the window in
     * which a prompt ACK overtakes the retransmission timer, made wide enough to hit every time (and well within
     * {@link EarlyAckValve#MAX_WAIT_MILLIS}).
     */
    public static final class SlowAfterOkNetworkLayer extends ForwardingNetworkLayer {

        @Override
        public DatagramSocket createDatagramSocket(int port, InetAddress address) throws SocketException {
            return new DatagramSocket(port, address) {
                @Override
                public void send(DatagramPacket packet) throws IOException {
                    super.send(packet);
                    if (new String(packet.getData(), packet.getOffset(), Math.min(12, packet.getLength()),
                            StandardCharsets.US_ASCII).startsWith("SIP/2.0 200")) {
                        try {
                            Thread.sleep(20);
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                    }
                }
            };
        }
    }
}
