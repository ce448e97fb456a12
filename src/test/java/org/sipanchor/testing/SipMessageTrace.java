package org.sipanchor.testing;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The messages of a SIPp message trace ({@code -trace_msg}), parsed: what a peer sent and received, with
 * headers and body, so that a test can assert on the SDP that reached each side.
 *
 * <pre>{@code
 * SipMessageTrace trace = SipMessageTrace.parse(callee.messages());
 * String sdp = trace.received("INVITE").get(0).body();
 * }</pre>
 */
public final class SipMessageTrace {

    /** One traced message. */
    public record Message(boolean received, String startLine, List<String> headers, String body) {

        public Optional<String> header(String name) {
            String prefix = name.toLowerCase() + ":";
            return headers.stream().filter(h -> h.toLowerCase().startsWith(prefix))
                    .map(h -> h.substring(prefix.length()).trim()).findFirst();
        }

        /** Parses one SIP message as it was on the wire (CRLF or LF line ends). */
        public static Message parse(boolean received, String text) {
            return message(received, text.replace("\r\n", "\n"));
        }

        /** The method of a request, or of the request a response answers. */
        public String method() {
            return startLine.startsWith("SIP/2.0 ") ? cseqMethod() : startLine.substring(0, startLine.indexOf(' '));
        }

        public boolean isResponse() {
            return startLine.startsWith("SIP/2.0 ");
        }

        /** A response's status code. */
        public int status() {
            return Integer.parseInt(startLine.split(" ")[1]);
        }

        /** Every value of a header, in order (one per header line). */
        public List<String> headerValues(String name) {
            String prefix = name.toLowerCase() + ":";
            return headers.stream().filter(h -> h.toLowerCase().startsWith(prefix))
                    .map(h -> h.substring(prefix.length()).trim()).toList();
        }

        public boolean isRequest(String method) {
            return startLine.startsWith(method + " ");
        }

        public boolean isResponse(int status) {
            return startLine.startsWith("SIP/2.0 " + status + " ");
        }

        public String cseqMethod() {
            return header("CSeq").map(v -> v.replaceAll("^\\d+\\s+", "")).orElse("");
        }

        @Override
        public String toString() {
            return (received ? "received " : "sent ") + startLine + "\n" + String.join("\n", headers) + "\n\n" + body;
        }
    }

    private static final Pattern ENTRY = Pattern.compile(
            "(?m)^(UDP|TCP|TLS|SCTP) message (received|sent) [\\[(]\\d+[\\])]? ?bytes\\)?\\s*:\\s*\\n\\n");

    private final List<Message> messages;

    private SipMessageTrace(List<Message> messages) {
        this.messages = messages;
    }

    public static SipMessageTrace parse(String trace) {
        List<Message> messages = new ArrayList<>();
        Matcher entry = ENTRY.matcher(trace);
        List<int[]> spans = new ArrayList<>();
        List<Boolean> received = new ArrayList<>();
        while (entry.find()) {
            spans.add(new int[] {entry.end(), 0});
            received.add("received".equals(entry.group(2)));
            if (spans.size() > 1) {
                spans.get(spans.size() - 2)[1] = entry.start();
            }
        }
        if (!spans.isEmpty()) {
            spans.get(spans.size() - 1)[1] = trace.length();
        }
        for (int i = 0; i < spans.size(); i++) {
            String text = trace.substring(spans.get(i)[0], spans.get(i)[1]);
            int separator = text.indexOf("---------------------------------------------");
            if (separator >= 0) {
                text = text.substring(0, separator);
            }
            messages.add(message(received.get(i), text.replace("\r\n", "\n")));
        }
        return new SipMessageTrace(messages);
    }

    private static Message message(boolean received, String text) {
        int blank = text.indexOf("\n\n");
        String head = blank < 0 ? text : text.substring(0, blank);
        String body = blank < 0 ? "" : text.substring(blank + 2).strip();
        List<String> lines = new ArrayList<>(List.of(head.strip().split("\n")));
        String startLine = lines.remove(0).strip();
        return new Message(received, startLine, List.copyOf(lines), body.isEmpty() ? "" : body + "\n");
    }

    public List<Message> all() {
        return messages;
    }

    /** Received requests of {@code method}, in order. */
    public List<Message> received(String method) {
        return messages.stream().filter(m -> m.received() && m.isRequest(method)).toList();
    }

    /** Received responses with {@code status} to {@code method}, in order. */
    public List<Message> receivedResponses(int status, String method) {
        return messages.stream().filter(m -> m.received() && m.isResponse(status) && m.cseqMethod().equals(method)).toList();
    }

    /** The statuses of the responses received to {@code request} (one this peer sent: the same CSeq), in order. */
    public List<Integer> receivedStatuses(Message request) {
        String cseq = request.header("CSeq").orElseThrow().trim();
        return messages.stream()
                .filter(m -> m.received() && m.isResponse() && cseq.equals(m.header("CSeq").map(String::trim).orElse("")))
                .map(Message::status)
                .toList();
    }

    /** Responses with {@code status} to {@code method} this peer sent, in order. */
    public List<Message> sentResponses(int status, String method) {
        return messages.stream().filter(m -> !m.received() && m.isResponse(status) && m.cseqMethod().equals(method)).toList();
    }

    /** Requests of {@code method} this peer sent, in order. */
    public List<Message> sent(String method) {
        return messages.stream().filter(m -> !m.received() && m.isRequest(method)).toList();
    }
}
