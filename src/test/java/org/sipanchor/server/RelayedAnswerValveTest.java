package org.sipanchor.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CopyOnWriteArrayList;

import javax.sip.RequestEvent;
import javax.sip.ResponseEvent;
import javax.sip.SipProvider;
import javax.sip.header.ContentTypeHeader;
import javax.sip.header.ToHeader;
import javax.sip.message.Response;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.sipanchor.testing.FreePorts;

import gov.nist.javax.sip.ListeningPointImpl;
import gov.nist.javax.sip.SipStackImpl;
import gov.nist.javax.sip.header.HeaderFactoryImpl;
import gov.nist.javax.sip.message.MessageFactoryImpl;

/**
 * On a bare jain-sip stack that answers an INVITE with 200 itself (as a proxy's server transaction does), a 200 that
 * "the callee" sends again, naming that transaction in its second Via, reaches the caller again.
 */
@DisplayName("A callee's 2xx sent again is relayed to the caller as it was the first time")
class RelayedAnswerValveTest {

    private static final String INVITE = "INVITE sip:bob@127.0.0.1:%d SIP/2.0\r\n"
            + "Via: SIP/2.0/UDP 127.0.0.1:%d;branch=z9hG4bK-caller-%s\r\n"
            + "From: <sip:alice@127.0.0.1>;tag=a\r\nTo: <sip:bob@127.0.0.1>\r\nCall-ID: %s\r\nCSeq: 1 INVITE\r\n"
            + "Contact: <sip:alice@127.0.0.1>\r\nMax-Forwards: 70\r\nContent-Length: 0\r\n\r\n";
    /** What the callee sends: the proxy's Via on top, the caller's below, its own SDP. */
    private static final String CALLEE_ANSWER = "SIP/2.0 200 OK\r\n"
            + "Via: SIP/2.0/UDP 127.0.0.1:%d;branch=z9hG4bK-proxy-%s\r\n"
            + "Via: SIP/2.0/UDP 127.0.0.1:%d;branch=z9hG4bK-caller-%s\r\n"
            + "From: <sip:alice@127.0.0.1>;tag=a\r\nTo: <sip:bob@127.0.0.1>;tag=%s\r\nCall-ID: %s\r\nCSeq: %d INVITE\r\n"
            + "Contact: <sip:bob@127.0.0.1>\r\nContent-Type: application/sdp\r\nContent-Length: 26\r\n\r\n"
            + "c=IN IP4 192.0.2.7 callee\n";
    private static final String ANCHORED_SDP = "c=IN IP4 127.0.0.1 anchored\n";

    private final List<ResponseEvent> handedOn = new CopyOnWriteArrayList<>();
    private SipStackImpl stack;
    private FreePorts.Block ports;
    private DatagramSocket caller;
    private DatagramSocket callee;
    private int stackPort;
    private RelayedAnswerValve valve;

    @BeforeEach
    void answeringStack() throws Exception {
        Properties properties = new Properties();
        properties.setProperty("javax.sip.STACK_NAME", "relayed-answer-test");
        properties.setProperty("javax.sip.AUTOMATIC_DIALOG_SUPPORT", "off"); // as in the container: no dialog resends
        properties.setProperty("gov.nist.javax.sip.SIP_MESSAGE_VALVE", RelayedAnswerValve.class.getName());
        stack = new SipStackImpl(properties);
        ports = FreePorts.claim();
        caller = new DatagramSocket(ports.control(1), InetAddress.getLoopbackAddress());
        callee = new DatagramSocket(ports.control(3), InetAddress.getLoopbackAddress());
        caller.setSoTimeout(2_000);
        stackPort = ports.control(2);
        ListeningPointImpl point = (ListeningPointImpl) stack.createListeningPoint("127.0.0.1", stackPort, "udp");
        SipProvider provider = stack.createSipProvider(point);
        provider.addSipListener(new AnsweringListener(provider, handedOn));
        valve = (RelayedAnswerValve) stack.sipMessageValves.get(0);
    }

    @AfterEach
    void stop() {
        stack.stop();
        caller.close();
        callee.close();
        ports.close();
    }

    @Test
    @DisplayName("the caller gets the same bytes again, RTPEngine's SDP and not the callee's")
    void relaysTheFirstAnswerAgain() throws Exception {
        String first = callAndAnswer("1", "call-1");

        send(callee, String.format(CALLEE_ANSWER, stackPort, "1", caller.getLocalPort(), "1", "bob-1", "call-1", 1));

        assertEquals(first, receive(caller), "the 2xx the caller got the first time");
        assertTrue(first.contains(ANCHORED_SDP), first);
        assertEquals(1, valve.relayedAgain());
    }

    @Test
    @DisplayName("a 2xx from another callee (To tag) or to another INVITE (CSeq) is not taken for it: the container gets it")
    void leavesOtherAnswersToTheContainer() throws Exception {
        callAndAnswer("2", "call-2");

        send(callee, String.format(CALLEE_ANSWER, stackPort, "2", caller.getLocalPort(), "2", "carol-2", "call-2", 1));
        send(callee, String.format(CALLEE_ANSWER, stackPort, "2", caller.getLocalPort(), "2", "bob-2", "call-2", 7));

        assertThrows(SocketTimeoutException.class, () -> receive(caller), "nothing relayed again");
        assertEquals(0, valve.relayedAgain());
        long deadline = System.nanoTime() + 2_000_000_000L;
        while (handedOn.size() < 2 && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertEquals(2, handedOn.size(), "both went on to the listener");
    }

    /** The caller's INVITE, answered 200 (To tag bob-{@code id}) by the stack's server transaction. */
    private String callAndAnswer(String id, String callId) throws Exception {
        send(caller, String.format(INVITE, stackPort, caller.getLocalPort(), id, callId));
        String answer = receive(caller);
        assertTrue(answer.startsWith("SIP/2.0 200"), answer);
        return answer;
    }

    private void send(DatagramSocket from, String message) throws Exception {
        byte[] bytes = message.getBytes(StandardCharsets.US_ASCII);
        from.send(new DatagramPacket(bytes, bytes.length, InetAddress.getLoopbackAddress(), stackPort));
    }

    /** The next final response; the stack's own 100 Trying is skipped. */
    private static String receive(DatagramSocket socket) throws Exception {
        while (true) {
            DatagramPacket packet = new DatagramPacket(new byte[4096], 4096);
            socket.receive(packet);
            String message = new String(packet.getData(), 0, packet.getLength(), StandardCharsets.US_ASCII);
            if (!message.startsWith("SIP/2.0 1")) {
                return message;
            }
        }
    }

    /** Answers each INVITE 200 with the anchored SDP; collects the responses the stack hands on. */
    private record AnsweringListener(SipProvider provider, List<ResponseEvent> handedOn) implements QuietSipListener {

        @Override
        public void processRequest(RequestEvent event) {
            try {
                var request = event.getRequest();
                Response ok = new MessageFactoryImpl().createResponse(200, request);
                String callId = ((javax.sip.header.CallIdHeader) request.getHeader("Call-ID")).getCallId();
                ((ToHeader) ok.getHeader(ToHeader.NAME)).setTag("bob-" + callId.substring(callId.indexOf('-') + 1));
                HeaderFactoryImpl headers = new HeaderFactoryImpl();
                ok.setHeader(headers.createContactHeader(new gov.nist.javax.sip.address.AddressFactoryImpl()
                        .createAddress("<sip:bob@127.0.0.1>")));
                ContentTypeHeader sdp = headers.createContentTypeHeader("application", "sdp");
                ok.setContent(ANCHORED_SDP, sdp);
                provider.getNewServerTransaction(request).sendResponse(ok);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }

        @Override
        public void processResponse(ResponseEvent event) {
            handedOn.add(event);
        }
    }
}
