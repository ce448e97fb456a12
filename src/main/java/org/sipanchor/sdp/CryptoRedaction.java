package org.sipanchor.sdp;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Masks key material in text about to be logged: SDES keys ({@code a=crypto}, and any {@code inline:} key
 * wherever it appears, so a garbled crypto line is masked too), {@code k=} keys, MIKEY data and the ICE
 * password; and in SIP messages the credentials of {@code Authorization} and {@code Proxy-Authorization}
 * (everything after the scheme except a Digest {@code username}: the response, nonce, cnonce and the rest are
 * what an offline password guess needs) and all of {@code Authentication-Info} ({@code rspauth} is derived from
 * the password too). Works on one SDP line or on a whole SIP message, parseable or not. Keys never reach a log.
 *
 * <pre>{@code
 * CryptoRedaction.redact("a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:WVNfX19zZW1jdGwgKCkgewkyMjA7fQp9CnVubGVz|2^20|1:32")
 *   // "a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:***"
 * }</pre>
 */
public final class CryptoRedaction {

    private static final Pattern INLINE_KEY = Pattern.compile("(?i)inline:[^\\s;]+");
    private static final Pattern CRYPTO = Pattern.compile("(?i)^(a=crypto:\\S*\\s+\\S+\\s+)(\\S+).*$");

    private static final Pattern CREDENTIALS = Pattern.compile("(?i)^((?:proxy-)?authorization\\s*:\\s*)(\\S*)(.*)$");
    private static final Pattern AUTH_INFO = Pattern.compile("(?i)^(authentication-info\\s*:).*$");
    private static final Pattern USERNAME = Pattern.compile("(?i)(?:^|[\\s,])(username\\s*=\\s*(?:\"(?:[^\"\\\\]|\\\\.)*\"|[^\\s,]+))");
    private static final String MASK = "***";

    private CryptoRedaction() {
    }

    /** Any text, line by line; line endings are kept. */
    public static String redact(String text) {
        if (text == null || text.isEmpty()) {
            return text;
        }
        StringBuilder out = new StringBuilder(text.length());
        int start = 0;
        boolean inCredentials = false;
        while (true) {
            int newline = text.indexOf('\n', start);
            int end = newline < 0 ? text.length() : newline;
            int contentEnd = end > start && text.charAt(end - 1) == '\r' ? end - 1 : end;
            String line = text.substring(start, contentEnd);
            // a header folded over several lines (RFC 3261 7.3.1) continues with white space: a credentials header's
            // continuation is all credentials
            boolean continuation = !line.isEmpty() && (line.charAt(0) == ' ' || line.charAt(0) == '\t');
            if (inCredentials && continuation) {
                out.append(line, 0, line.length() - line.stripLeading().length()).append(MASK);
            } else {
                inCredentials = isCredentialsHeader(line);
                out.append(redactLine(line));
            }
            out.append(text, contentEnd, end);
            if (newline < 0) {
                return out.toString();
            }
            out.append('\n');
            start = newline + 1;
        }
    }

    private static boolean isCredentialsHeader(String line) {
        return CREDENTIALS.matcher(line).matches() || AUTH_INFO.matcher(line).matches();
    }

    /**
     * One header line with its credentials masked, or the line unchanged when it is no credentials header.
     * {@code Authorization: Digest username="bob", realm="x", nonce="n", response="r"} becomes
     * {@code Authorization: Digest username="bob", ***}; {@code Authorization: Basic Ym9iOnNlY3JldA==} becomes
     * {@code Authorization: Basic ***}.
     */
    public static String redactHeader(String line) {
        Matcher info = AUTH_INFO.matcher(line);
        if (info.matches()) {
            return info.group(1) + " " + MASK;
        }
        Matcher m = CREDENTIALS.matcher(line);
        if (!m.matches()) {
            return line;
        }
        String scheme = m.group(2);
        String rest = m.group(3);
        if (scheme.isEmpty() && rest.isBlank()) {
            return line;
        }
        if ("digest".equalsIgnoreCase(scheme)) {
            Matcher user = USERNAME.matcher(rest);
            if (user.find()) {
                return m.group(1) + scheme + " " + user.group(1) + ", " + MASK;
            }
        }
        return m.group(1) + scheme + " " + MASK;
    }

    /** One SDP line, or one SIP header line, without its ending. */
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
        } else if (lower.startsWith("authorization") || lower.startsWith("proxy-authorization")
                || lower.startsWith("authentication-info")) {
            out = redactHeader(trimmed);
        }
        return indent + INLINE_KEY.matcher(out).replaceAll("inline:***");
    }
}
