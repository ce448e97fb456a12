package org.sipanchor.server;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

import gov.nist.javax.sip.SIPConstants;

/**
 * A reply written from a datagram's bytes before the SIP stack parses it: the cheapest answer there is (one scan of
 * the header, one reply, no state), so that answering a flood leaves the SIP threads to the calls already admitted.
 * Like Kamailio's {@code sl_send_reply}, it copies the Via, From, To, Call-ID and CSeq lines. Two answers are written
 * this way:
 * <ul>
 * <li>{@link #overloaded}: {@code 503 Overloaded} with {@code Retry-After} for a new INVITE, with a To tag of
 * {@link AdmissionValve#TAG_PREFIX};</li>
 * <li>{@link #noDialog}: {@code 481 Call/Transaction Does Not Exist} for a request inside the "dialog" such a 503 made
 * ({@link #inRefusedDialog}): SIPp, for one, answers a 503 with a BYE, which the container would otherwise parse, fail
 * to match and log with a stack trace, once per BYE. Its ACK, like the ACK of the 503, is dropped.</li>
 * </ul>
 *
 * <p>Only a request that is plainly what it seems is answered here; anything unusual (folded or missing headers, a
 * body-less scan that finds no blank line) is left to the stack, which parses it and, if still overloaded, refuses it
 * in {@link AdmissionValve}.
 */
final class StatelessRefusal {

    private static final byte[] INVITE = "INVITE ".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] ACK = "ACK ".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] RESPONSE = "SIP/2.0 ".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] TAG = ";tag=".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] OUR_TAG = (";tag=" + AdmissionValve.TAG_PREFIX).getBytes(StandardCharsets.US_ASCII);

    /** The reply to send, and the Call-ID it is for (for the log). */
    record Reply(byte[] bytes, String callId) {
    }

    private StatelessRefusal() {
    }

    /**
     * The 503 for {@code datagram} if it is a new INVITE (no To tag), else {@code null}.
     *
     * @param retryAfterSecs the Retry-After to ask for
     */
    static Reply overloaded(byte[] datagram, int offset, int length, int retryAfterSecs) {
        if (!isInvite(datagram, offset, length)) {
            return null;
        }
        return reply(datagram, offset, length, "503 Overloaded", true, "Retry-After: " + retryAfterSecs + "\r\n");
    }

    /**
     * The 481 for {@code datagram}, a request (not an ACK, which gets no reply) whose To tag is one of our 503s'
     * ({@link #inRefusedDialog}), or {@code null} if its header is not plain enough to copy.
     */
    static Reply noDialog(byte[] datagram, int offset, int length) {
        return reply(datagram, offset, length, "481 Call/Transaction Does Not Exist", false, "");
    }

    /**
     * A reply with {@code status} copying the request's Via, From, To, Call-ID and CSeq, then {@code headers} (whole
     * lines): for a new call ({@code newCall}) the To must have no tag and gets one of ours, else it is copied as it is.
     */
    private static Reply reply(byte[] datagram, int offset, int length, String status, boolean newCall, String headers) {
        ByteArrayOutputStream reply = new ByteArrayOutputStream(512);
        write(reply, "SIP/2.0 " + status + "\r\n");
        boolean from = false, to = false, cseq = false;
        String callId = null;
        int end = offset + length;
        int line = nextLine(datagram, offset, end); // past the request line
        while (line < end) {
            int eol = lineEnd(datagram, line, end);
            if (eol == line) {
                break; // the blank line: the header is complete
            }
            if (datagram[line] == ' ' || datagram[line] == '\t') {
                return null; // a folded header: the stack's parser knows those
            }
            String name = headerName(datagram, line, eol);
            switch (name) {
                case "via", "v" -> copy(reply, datagram, line, eol);
                case "from", "f" -> from = copy(reply, datagram, line, eol);
                case "call-id", "i" -> {
                    copy(reply, datagram, line, eol);
                    String header = new String(datagram, line, eol - line, StandardCharsets.US_ASCII);
                    callId = header.substring(header.indexOf(':') + 1).strip();
                }
                case "cseq" -> cseq = copy(reply, datagram, line, eol);
                case "to", "t" -> {
                    if (!newCall) {
                        to = copy(reply, datagram, line, eol);
                    } else if (indexOf(datagram, line, eol, ";tag=") >= 0) {
                        return null; // a re-INVITE: calls in progress always go on
                    } else {
                        reply.write(datagram, line, eol - line);
                        write(reply, ";tag=" + AdmissionValve.TAG_PREFIX + Long.toHexString(System.nanoTime()) + "\r\n");
                        to = true;
                    }
                }
                default -> { }
            }
            line = nextLine(datagram, eol, end);
        }
        if (!(from && to && callId != null && cseq) || line >= end) {
            return null;
        }
        write(reply, headers + "Server: sipanchor\r\nContent-Length: 0\r\n\r\n");
        return new Reply(reply.toByteArray(), callId);
    }

    /**
     * The transaction id the stack gives {@code datagram}, a request: its top Via's branch in lower case, as jain-sip
     * keys its server transactions (RFC 3261 17.2.3), or {@code null} without an RFC 3261 branch (the stack matches
     * those otherwise) or when the header is not plain enough to read here.
     */
    static String branch(byte[] datagram, int offset, int length) {
        int end = offset + length;
        int line = nextLine(datagram, offset, end);
        while (line < end) {
            int eol = lineEnd(datagram, line, end);
            if (eol == line) {
                return null; // the header ended without a Via
            }
            String name = headerName(datagram, line, eol);
            if (name.equals("via") || name.equals("v")) {
                int at = indexOf(datagram, line, eol, ";branch=");
                if (at < 0) {
                    return null;
                }
                int from = at + ";branch=".length();
                int to = from;
                while (to < eol && datagram[to] != ';' && datagram[to] != ',' && datagram[to] != ' ') {
                    to++;
                }
                String branch = new String(datagram, from, to - from, StandardCharsets.US_ASCII).toLowerCase(java.util.Locale.ROOT);
                return branch.startsWith(SIPConstants.BRANCH_MAGIC_COOKIE_LOWER_CASE) ? branch : null;
            }
            line = nextLine(datagram, eol, end);
        }
        return null;
    }

    /** Whether {@code datagram} is an INVITE (new or not: its To is not read). */
    static boolean isInvite(byte[] datagram, int offset, int length) {
        return startsWith(datagram, offset, length, INVITE);
    }

    /** Whether {@code datagram} is an ACK. */
    static boolean isAck(byte[] datagram, int offset, int length) {
        return startsWith(datagram, offset, length, ACK);
    }

    /** Whether {@code datagram} is a response. */
    static boolean isResponse(byte[] datagram, int offset, int length) {
        return startsWith(datagram, offset, length, RESPONSE);
    }

    /**
     * Whether {@code datagram} is a request whose To tag is one of our 503s' (the ACK of that 503 included): no call
     * exists for it, here or anywhere.
     */
    static boolean inRefusedDialog(byte[] datagram, int offset, int length) {
        int tag = toTag(datagram, offset, length);
        return tag >= 0 && isRefusalTag(datagram, tag, offset + length);
    }

    /** Whether the To tag at {@code tag} (a {@link #toTag} of a datagram ending at {@code end}) is one of our 503s'. */
    static boolean isRefusalTag(byte[] datagram, int tag, int end) {
        return startsWith(datagram, tag, end - tag, OUR_TAG);
    }

    /**
     * Where the To tag of {@code datagram}, a request, starts (at its {@code ;tag=}), or -1: a request without one (a new
     * call, or a request outside any dialog), a response, or no To header. Reads the header up to its To line only,
     * and allocates nothing: it runs on the listener's reader threads for every datagram.
     */
    static int toTag(byte[] datagram, int offset, int length) {
        if (isResponse(datagram, offset, length)) {
            return -1;
        }
        int end = offset + length;
        int line = nextLine(datagram, offset, end);
        while (line < end) {
            int eol = lineEnd(datagram, line, end);
            if (eol == line) {
                return -1; // the header ended without a To
            }
            if (isToHeader(datagram, line, eol)) {
                return indexOf(datagram, line, eol, TAG);
            }
            line = nextLine(datagram, eol, end);
        }
        return -1;
    }

    /** Whether the line at {@code line} is a To header ({@code To:} or {@code t:}, any case, spaces before the colon). */
    private static boolean isToHeader(byte[] datagram, int line, int eol) {
        int i = line;
        if ((datagram[i] | 0x20) != 't') {
            return false;
        }
        i++;
        if (i < eol && (datagram[i] | 0x20) == 'o') {
            i++;
        }
        while (i < eol && (datagram[i] == ' ' || datagram[i] == '\t')) {
            i++;
        }
        return i < eol && datagram[i] == ':';
    }

    private static boolean copy(ByteArrayOutputStream reply, byte[] datagram, int line, int eol) {
        reply.write(datagram, line, eol - line);
        write(reply, "\r\n");
        return true;
    }

    private static String headerName(byte[] datagram, int line, int eol) {
        int colon = line;
        while (colon < eol && datagram[colon] != ':') {
            colon++;
        }
        return new String(datagram, line, colon - line, StandardCharsets.US_ASCII).strip().toLowerCase(java.util.Locale.ROOT);
    }

    /** The end of the line at {@code from} (its CR or LF, or {@code end}). */
    private static int lineEnd(byte[] datagram, int from, int end) {
        int i = from;
        while (i < end && datagram[i] != '\r' && datagram[i] != '\n') {
            i++;
        }
        return i;
    }

    /** The start of the line after the one at {@code from}. */
    private static int nextLine(byte[] datagram, int from, int end) {
        int i = lineEnd(datagram, from, end);
        if (i < end && datagram[i] == '\r') {
            i++;
        }
        if (i < end && datagram[i] == '\n') {
            i++;
        }
        return i;
    }

    private static boolean startsWith(byte[] datagram, int offset, int length, byte[] prefix) {
        if (length < prefix.length) {
            return false;
        }
        for (int i = 0; i < prefix.length; i++) {
            if (datagram[offset + i] != prefix[i]) {
                return false;
            }
        }
        return true;
    }

    private static int indexOf(byte[] datagram, int from, int end, String text) {
        return indexOf(datagram, from, end, text.getBytes(StandardCharsets.US_ASCII));
    }

    private static int indexOf(byte[] datagram, int from, int end, byte[] needle) {
        outer:
        for (int i = from; i <= end - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (datagram[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    private static void write(ByteArrayOutputStream out, String text) {
        out.writeBytes(text.getBytes(StandardCharsets.US_ASCII));
    }
}
