package org.sipanchor.testing;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

import javax.net.ssl.SSLContext;

import org.sipanchor.testing.SipMessageTrace.Message;

/**
 * A SIP user agent that talks like a browser's SIP library (JsSIP, SIP.js): over a WebSocket with subprotocol
 * {@code sip} (RFC 7118), one SIP message per text frame, with a Via and Contact host in {@code .invalid} because a
 * browser has no address of its own to give. Built on the JDK's HTTP client WebSocket.
 *
 * <pre>{@code
 * try (BrowserPhone alice = BrowserPhone.connect(URI.create("wss://127.0.0.1:5063"), "alice", tls)) {
 *     alice.register();
 *     BrowserPhone.Call call = alice.call("bob", Sipp.sdp("browser-offer.sdp"));   // INVITE, 200, ACK
 *     call.hangUp();                                                               // BYE, 200
 * }
 * }</pre>
 */
public final class BrowserPhone implements AutoCloseable {

    private static final Duration WAIT = Duration.ofSeconds(15);
    private static final String INVALID_HOST = "df7jal23ls0d.invalid";

    private final WebSocket socket;
    private final String user;
    private final String transport;
    private final String domain;
    private final BlockingQueue<Message> inbox = new LinkedBlockingQueue<>();
    private final List<Message> log = new CopyOnWriteArrayList<>();
    private final AtomicInteger sequence = new AtomicInteger();
    private final java.nio.file.Path traceFile;

    private BrowserPhone(WebSocket socket, String user, String transport, String domain) {
        this.socket = socket;
        this.user = user;
        this.transport = transport;
        this.domain = domain;
        this.traceFile = TestOutput.directory("browser").resolve(user + "-" + transport.toLowerCase() + "-messages.log");
    }

    /**
     * Opens the WebSocket ({@code ws://} or {@code wss://}); {@code tls} is the context that trusts the server's
     * certificate, for wss.
     */
    public static BrowserPhone connect(URI server, String user, SSLContext tls) {
        HttpClient.Builder http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5));
        if (tls != null) {
            http.sslContext(tls);
        }
        Frames frames = new Frames();
        WebSocket socket = http.build().newWebSocketBuilder().subprotocols("sip").connectTimeout(Duration.ofSeconds(5))
                .buildAsync(server, frames).orTimeout(10, TimeUnit.SECONDS).join();
        if (!"sip".equals(socket.getSubprotocol())) {
            throw new AssertionError("the server did not agree on the sip subprotocol: \"" + socket.getSubprotocol() + "\"");
        }
        BrowserPhone phone = new BrowserPhone(socket, user, server.getScheme().toUpperCase(), server.getHost());
        frames.phone = phone;
        return phone;
    }

    /** REGISTERs for {@code expires} seconds and returns the 200. */
    public Message register() {
        String callId = newId();
        send(String.join("\r\n",
                "REGISTER sip:" + domain + " SIP/2.0",
                via(),
                "Max-Forwards: 70",
                "To: <sip:" + user + "@" + domain + ">",
                "From: <sip:" + user + "@" + domain + ">;tag=" + newId(),
                "Call-ID: " + callId,
                "CSeq: 1 REGISTER",
                "Contact: <sip:" + user + "@" + INVALID_HOST + ";transport=ws>;expires=300",
                "Allow: INVITE,ACK,CANCEL,BYE,UPDATE,MESSAGE,OPTIONS",
                "User-Agent: BrowserPhone (test)",
                "Content-Length: 0", "", ""));
        return awaitFinal(callId, "REGISTER");
    }

    /** Calls {@code target} at the server with an SDP offer, acknowledges the 2xx, and returns the established call. */
    public Call call(String target, String offerSdp) {
        String callId = newId();
        String fromTag = newId();
        String sdp = crlf(offerSdp);
        send(String.join("\r\n",
                "INVITE sip:" + target + "@" + domain + " SIP/2.0",
                via(),
                "Max-Forwards: 70",
                "To: <sip:" + target + "@" + domain + ">",
                "From: \"Alice Browser\" <sip:" + user + "@" + domain + ">;tag=" + fromTag,
                "Call-ID: " + callId,
                "CSeq: 1 INVITE",
                "Contact: <sip:" + user + "@" + INVALID_HOST + ";transport=ws;ob>",
                "Allow: INVITE,ACK,CANCEL,BYE,UPDATE,MESSAGE,OPTIONS",
                "Supported: outbound",
                "User-Agent: BrowserPhone (test)",
                "Content-Type: application/sdp",
                "Content-Length: " + sdp.getBytes(StandardCharsets.UTF_8).length, "", sdp));
        Message ok = awaitFinal(callId, "INVITE");
        if (ok.status() != 200) {
            throw new AssertionError("the call failed: " + ok);
        }
        Call call = new Call(callId, ok.header("From").orElseThrow(), ok.header("To").orElseThrow(), contactUri(ok), ok, null);
        call.ack();
        return call;
    }

    /** Waits for an INVITE, answers it 200 with {@code answerSdp}, and returns the call once the ACK came. */
    public Call answer(String answerSdp) {
        Message invite = awaitRequest("INVITE");
        String toTag = newId();
        String sdp = crlf(answerSdp);
        respond(invite, "180 Ringing", ";tag=" + toTag, "", List.of());
        respond(invite, "200 OK", ";tag=" + toTag, sdp, List.of("Contact: <sip:" + user + "@" + INVALID_HOST + ";transport=ws>",
                "Content-Type: application/sdp"));
        Message ack = awaitRequest("ACK");
        return new Call(invite.header("Call-ID").orElseThrow(), invite.header("To").orElseThrow() + ";tag=" + toTag,
                invite.header("From").orElseThrow(), contactUri(invite), invite, ack);
    }

    /** Waits for a request of {@code method} and answers it 200. */
    public Message answerRequest(String method) {
        Message request = awaitRequest(method);
        respond(request, "200 OK", "", "", List.of());
        return request;
    }

    /** One dialog of this phone. {@code local} and {@code remote} are From/To header values with their tags. */
    public final class Call {
        private final String callId;
        private final String local;
        private final String remote;
        private final String remoteTarget;
        private final Message received;
        private final Message ack;
        private int cseq = 1;

        private Call(String callId, String local, String remote, String remoteTarget, Message received, Message ack) {
            this.callId = callId;
            this.local = local;
            this.remote = remote;
            this.remoteTarget = remoteTarget;
            this.received = received;
            this.ack = ack;
        }

        /** What set the call up from the far end: the 200 (when this phone called) or the INVITE (when it answered). */
        public Message setUp() {
            return received;
        }

        public Message ack() {
            if (ack != null) {
                return ack;
            }
            send(String.join("\r\n", "ACK " + remoteTarget + " SIP/2.0", via(), "Max-Forwards: 70", "To: " + remote,
                    "From: " + local, "Call-ID: " + callId, "CSeq: 1 ACK", "Content-Length: 0", "", ""));
            return null;
        }

        /** Sends BYE and returns its final response. */
        public Message hangUp() {
            cseq++;
            send(String.join("\r\n", "BYE " + remoteTarget + " SIP/2.0", via(), "Max-Forwards: 70", "To: " + remote,
                    "From: " + local, "Call-ID: " + callId, "CSeq: " + cseq + " BYE", "Content-Length: 0", "", ""));
            return awaitFinal(callId, "BYE");
        }
    }

    /** Every SIP message this phone received, in order. */
    public List<Message> received() {
        return List.copyOf(log);
    }

    public Message awaitRequest(String method) {
        return await(m -> !m.isResponse() && m.isRequest(method), method);
    }

    private Message awaitFinal(String callId, String method) {
        return await(m -> m.isResponse() && m.status() >= 200 && m.cseqMethod().equals(method)
                && m.header("Call-ID").orElse("").equals(callId), "final response to " + method);
    }

    private Message await(Predicate<Message> wanted, String what) {
        long deadline = System.nanoTime() + WAIT.toNanos();
        try {
            while (System.nanoTime() < deadline) {
                Message next = inbox.poll(100, TimeUnit.MILLISECONDS);
                if (next != null && wanted.test(next)) {
                    return next;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        throw new AssertionError("no " + what + " within " + WAIT + "; received:\n" + log);
    }

    private void respond(Message request, String statusLine, String toTagParameter, String body, List<String> more) {
        StringBuilder text = new StringBuilder("SIP/2.0 ").append(statusLine).append("\r\n");
        for (String via : request.headerValues("Via")) {
            text.append("Via: ").append(via).append("\r\n");
        }
        text.append("From: ").append(request.header("From").orElseThrow()).append("\r\n");
        text.append("To: ").append(request.header("To").orElseThrow()).append(toTagParameter).append("\r\n");
        text.append("Call-ID: ").append(request.header("Call-ID").orElseThrow()).append("\r\n");
        text.append("CSeq: ").append(request.header("CSeq").orElseThrow()).append("\r\n");
        for (String header : more) {
            text.append(header).append("\r\n");
        }
        text.append("Content-Length: ").append(body.getBytes(StandardCharsets.UTF_8).length).append("\r\n\r\n").append(body);
        send(text.toString());
    }

    private void send(String message) {
        trace("sent", message);
        socket.sendText(message, true).orTimeout(5, TimeUnit.SECONDS).join();
    }

    /** Appends a message to this phone's trace in the test output folder, to read after a failure. */
    private synchronized void trace(String direction, String message) {
        try {
            java.nio.file.Files.writeString(traceFile, "----- " + java.time.Instant.now() + " " + direction + "\n"
                    + message.replace("\r\n", "\n") + "\n", StandardCharsets.UTF_8,
                    java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
        } catch (java.io.IOException e) {
            // the trace is a convenience; the test goes on without it
        }
    }

    private String via() {
        return "Via: SIP/2.0/" + transport + " " + INVALID_HOST + ";branch=z9hG4bK" + newId();
    }

    private String newId() {
        return Long.toHexString(System.nanoTime()) + Integer.toHexString(sequence.incrementAndGet());
    }

    private static String contactUri(Message message) {
        String contact = message.header("Contact").orElseThrow(() -> new AssertionError("no Contact in\n" + message));
        int open = contact.indexOf('<');
        return open < 0 ? contact.trim() : contact.substring(open + 1, contact.indexOf('>', open));
    }

    private static String crlf(String sdp) {
        return sdp.strip().replace("\r\n", "\n").replace("\n", "\r\n") + "\r\n";
    }

    @Override
    public void close() {
        socket.sendClose(WebSocket.NORMAL_CLOSURE, "bye").completeOnTimeout(null, 2, TimeUnit.SECONDS).join();
        socket.abort();
    }

    /** Collects text frames into messages: RFC 7118 puts one whole SIP message in each (possibly fragmented) frame. */
    private static final class Frames implements WebSocket.Listener {
        private final StringBuilder partial = new StringBuilder();
        private volatile BrowserPhone phone;

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                String text = partial.toString();
                partial.setLength(0);
                if (!text.isBlank() && phone != null) {
                    phone.trace("received", text);
                    Message message = Message.parse(true, text);
                    phone.log.add(message);
                    phone.inbox.add(message);
                }
            }
            webSocket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onBinary(WebSocket webSocket, java.nio.ByteBuffer data, boolean last) {
            byte[] bytes = new byte[data.remaining()];
            data.get(bytes);
            return onText(webSocket, new String(bytes, StandardCharsets.UTF_8), last);
        }
    }
}
