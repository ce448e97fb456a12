package org.sipanchor.sdp;

import java.util.Objects;

/**
 * An {@code a=} line: {@code a=<name>} (a property attribute, whose value is empty) or {@code a=<name>:<value>}.
 *
 * <p>{@link #toString()} is safe to log: a crypto key is shown as {@code inline:***}. {@link #toLine()} gives the
 * exact line and is meant for building SDP, not for logs.
 *
 * <pre>{@code
 * Attribute ptime = new Attribute("ptime", "20");
 * ptime.toLine();                         // "a=ptime:20"
 * Attribute.flag("sendonly").toLine();    // "a=sendonly"
 * }</pre>
 */
public record Attribute(String name, String value) {

    public Attribute {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(value, "value");
        if (!isToken(name)) {
            throw new IllegalArgumentException("attribute name is not an RFC 4566 token: '" + name + "'");
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '\r' || c == '\n' || c == '\0') {
                throw new IllegalArgumentException("attribute value contains CR, LF or NUL");
            }
        }
    }

    /** A property attribute such as {@code a=sendonly} or {@code a=rtcp-mux}. */
    public static Attribute flag(String name) {
        return new Attribute(name, "");
    }

    /** Whether this is a property attribute (no {@code :value}). */
    public boolean isFlag() {
        return value.isEmpty();
    }

    /** Whether the name matches, ignoring case (some endpoints write {@code a=SendRecv}). */
    public boolean is(String attributeName) {
        return name.equalsIgnoreCase(attributeName);
    }

    /** The line as written in SDP, without a line ending. Carries secrets such as crypto keys: do not log. */
    public String toLine() {
        return value.isEmpty() ? "a=" + name : "a=" + name + ":" + value;
    }

    /** The line with any key material masked, e.g. {@code a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:***}. */
    @Override
    public String toString() {
        return CryptoRedaction.redactLine(toLine());
    }

    /** RFC 4566 {@code token}: visible ASCII except the separators <code>" ( ) , / : ; &lt; = &gt; ? @ [ \ ]</code>. */
    static boolean isToken(String s) {
        if (s.isEmpty()) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            boolean ok = c == 0x21 || (c >= 0x23 && c <= 0x27) || c == 0x2A || c == 0x2B || c == 0x2D || c == 0x2E
                    || (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5A) || (c >= 0x5E && c <= 0x7E);
            if (!ok) {
                return false;
            }
        }
        return true;
    }
}
