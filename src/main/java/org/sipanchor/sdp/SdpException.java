package org.sipanchor.sdp;

import java.util.regex.Pattern;

/**
 * An SDP body that sipanchor cannot accept, naming the line: what a SIP application turns into a
 * {@code 400} ({@link Reason#MALFORMED}) or a {@code 488} ({@link Reason#NO_MEDIA_LEFT}) reply.
 *
 * <p>The line text in the message is redacted: a crypto key never reaches a log through this exception, even
 * from a line too broken to be recognised as a crypto line (long base64-like runs are masked too).
 *
 * <pre>{@code
 * try {
 *     SessionDescription.parse(body);
 * } catch (SdpException e) {
 *     e.lineNumber();   // 6
 *     e.line();         // "m=audio x RTP/AVP 0"
 *     e.getMessage();   // "SDP line 6 \"m=audio x RTP/AVP 0\": port is not a number 0-65535: x"
 * }
 * }</pre>
 */
public final class SdpException extends RuntimeException {

    private static final long serialVersionUID = 1L;
    private static final int MAX_SHOWN = 160;
    // a broken line may carry a key that no longer reads as one (a=crypto or inline: garbled, a key split over two
    // lines): mask any long base64 run mixing letters and digits, as keys do and as the fields worth quoting do not
    private static final Pattern KEY_LIKE = Pattern.compile(
            "(?<![A-Za-z0-9+/])(?=[A-Za-z0-9+/]*[0-9])(?=[A-Za-z0-9+/]*[A-Za-z])[A-Za-z0-9+/]{16,}");

    /** Why the SDP was refused. */
    public enum Reason {
        /** The body is not SDP sipanchor can read: a bad line, a missing mandatory line, a bad field. */
        MALFORMED,
        /** A transformation (a codec filter) left no media stream enabled: nothing to offer or answer. */
        NO_MEDIA_LEFT
    }

    private final Reason reason;
    private final int lineNumber;
    private final String line;
    private final String problem;

    SdpException(Reason reason, int lineNumber, String lineText, String problem) {
        super(format(lineNumber, shown(lineText), shown(problem)));
        this.reason = reason;
        this.lineNumber = lineNumber;
        this.line = shown(lineText);
        this.problem = shown(problem);
    }

    static SdpException malformed(Line line, String problem) {
        return new SdpException(Reason.MALFORMED, line.number(), line.text(), problem);
    }

    static SdpException malformed(int lineNumber, String lineText, String problem) {
        return new SdpException(Reason.MALFORMED, lineNumber, lineText, problem);
    }

    public Reason reason() {
        return reason;
    }

    /** The 1-based number of the offending line in the body. */
    public int lineNumber() {
        return lineNumber;
    }

    /** The offending line, redacted and shortened so that it is safe to log; empty when the body ended early. */
    public String line() {
        return line;
    }

    /** What is wrong with the line, without the line (it may quote a field of it, made safe the same way). */
    public String problem() {
        return problem;
    }

    private static String format(int lineNumber, String shownLine, String problem) {
        return shownLine.isEmpty()
                ? "SDP line " + lineNumber + ": " + problem
                : "SDP line " + lineNumber + " \"" + shownLine + "\": " + problem;
    }

    // the line comes from the network: mask keys, neutralise control characters (log injection), bound its length
    private static String shown(String lineText) {
        String redacted = KEY_LIKE.matcher(CryptoRedaction.redactLine(lineText)).replaceAll("***");
        StringBuilder sb = new StringBuilder(Math.min(redacted.length(), MAX_SHOWN + 3));
        for (int i = 0; i < redacted.length() && i < MAX_SHOWN; i++) {
            char c = redacted.charAt(i);
            sb.append(Character.isISOControl(c) ? '?' : c);
        }
        if (redacted.length() > MAX_SHOWN) {
            sb.append("...");
        }
        return sb.toString();
    }
}
