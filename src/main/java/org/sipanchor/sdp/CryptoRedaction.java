package org.sipanchor.sdp;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Masks key material in text about to be logged: SDES keys ({@code a=crypto}, and any {@code inline:} key
 * wherever it appears, so a garbled crypto line is masked too), {@code k=} keys, MIKEY data and the ICE
 * password. Works on one SDP line or on a whole SIP message, parseable or not. Keys never reach a log.
 *
 * <pre>{@code
 * CryptoRedaction.redact("a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:WVNfX19zZW1jdGwgKCkgewkyMjA7fQp9CnVubGVz|2^20|1:32")
 *   // "a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:***"
 * }</pre>
 */
public final class CryptoRedaction {

    private static final Pattern INLINE_KEY = Pattern.compile("(?i)inline:[^\\s;]+");
    private static final Pattern CRYPTO = Pattern.compile("(?i)^(a=crypto:\\S*\\s+\\S+\\s+)(\\S+).*$");

    private CryptoRedaction() {
    }

    /** Any text, line by line; line endings are kept. */
    public static String redact(String text) {
        if (text == null || text.isEmpty()) {
            return text;
        }
        StringBuilder out = new StringBuilder(text.length());
        int start = 0;
        while (true) {
            int newline = text.indexOf('\n', start);
            int end = newline < 0 ? text.length() : newline;
            int contentEnd = end > start && text.charAt(end - 1) == '\r' ? end - 1 : end;
            out.append(redactLine(text.substring(start, contentEnd))).append(text, contentEnd, end);
            if (newline < 0) {
                return out.toString();
            }
            out.append('\n');
            start = newline + 1;
        }
    }

    /** One SDP line, without its ending. */
    public static String redactLine(String line) {
        String trimmed = line.stripLeading();
        String indent = line.substring(0, line.length() - trimmed.length());
        String lower = trimmed.toLowerCase(Locale.ROOT);
        String out = trimmed;
        if (lower.startsWith("a=crypto:")) {
            // everything after the suite: the key parameters and, with them, anything a garbled key spilled into
            Matcher m = CRYPTO.matcher(trimmed);
            if (m.matches()) {
                out = m.group(1) + (m.group(2).toLowerCase(Locale.ROOT).startsWith("inline:") ? "inline:***" : "***");
            } else {
                out = "a=crypto:***";
            }
        } else if (lower.startsWith("k=")) {
            int colon = trimmed.indexOf(':');
            out = colon < 0 ? trimmed : trimmed.substring(0, colon + 1) + "***";
        } else if (lower.startsWith("a=key-mgmt:")) {
            int space = trimmed.indexOf(' ');
            out = space < 0 ? "a=key-mgmt:***" : trimmed.substring(0, space + 1) + "***";
        } else if (lower.startsWith("a=ice-pwd:")) {
            out = trimmed.substring(0, "a=ice-pwd:".length()) + "***";
        }
        return indent + INLINE_KEY.matcher(out).replaceAll("inline:***");
    }
}
