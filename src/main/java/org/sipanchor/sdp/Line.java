package org.sipanchor.sdp;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One line of an SDP body. A parsed line keeps its exact bytes so that an untouched line is written back
 * unchanged, whatever its encoding or spacing; a line built by a transformation is written as UTF-8.
 */
final class Line {

    private static final Pattern INLINE_KEY = Pattern.compile("(?i)inline:[^\\s;]+");
    private static final Pattern CRYPTO = Pattern.compile("(?i)^(a=crypto:\\S*\\s+\\S+\\s+)(\\S+).*$");

    private final byte[] raw;
    private final String text;
    private final String eol;
    private final int number;

    private Line(byte[] raw, String text, String eol, int number) {
        this.raw = raw;
        this.text = text;
        this.eol = eol;
        this.number = number;
    }

    /** A line as received; {@code number} is its 1-based position in the body (for error messages). */
    static Line parsed(byte[] raw, String eol, int number) {
        return new Line(raw, new String(raw, StandardCharsets.UTF_8), eol, number);
    }

    /** A line written by a transformation. */
    static Line built(String text, String eol) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '\r' || c == '\n' || c == '\0') {
                throw new IllegalArgumentException("an SDP line cannot contain CR, LF or NUL");
            }
        }
        return new Line(text.getBytes(StandardCharsets.UTF_8), text, eol, 0);
    }

    /**
     * This line if its text is unchanged (so its original bytes survive), otherwise a built line that takes
     * over this line's ending.
     */
    Line replacedBy(String newText) {
        return newText.equals(text) ? this : built(newText, eol);
    }

    Line withEol(String newEol) {
        return newEol.equals(eol) ? this : new Line(raw, text, newEol, number);
    }

    String text() {
        return text;
    }

    String eol() {
        return eol;
    }

    int number() {
        return number;
    }

    /** The type letter, or 0 when the line is not of the form {@code x=...}. */
    char type() {
        return text.length() >= 2 && text.charAt(1) == '=' ? text.charAt(0) : 0;
    }

    /** The value after {@code x=}, without trailing blanks: endpoints leave them and they carry no meaning. */
    String value() {
        return text.substring(2).stripTrailing();
    }

    /** For an {@code a=} line: the attribute name (before the first colon). */
    String attributeName() {
        String v = value();
        int colon = v.indexOf(':');
        return colon < 0 ? v : v.substring(0, colon);
    }

    /** For an {@code a=} line: the attribute value (after the first colon), empty for a property attribute. */
    String attributeValue() {
        String v = value();
        int colon = v.indexOf(':');
        return colon < 0 ? "" : v.substring(colon + 1);
    }

    boolean isAttribute(String name) {
        return type() == 'a' && attributeName().equalsIgnoreCase(name);
    }

    Attribute toAttribute() {
        return new Attribute(attributeName(), attributeValue());
    }

    void writeTo(ByteArrayOutputStream out, String terminator) {
        out.writeBytes(raw);
        out.writeBytes(terminator.getBytes(StandardCharsets.US_ASCII));
    }

    /** This line, safe for a log. */
    String redacted() {
        return redact(text);
    }

    /**
     * Masks what must never reach a log: SDES keys ({@code a=crypto}, and any {@code inline:} key wherever it
     * appears, so a garbled crypto line is masked too), {@code k=} keys, MIKEY data and the ICE password.
     */
    static String redact(String line) {
        String lower = line.toLowerCase(Locale.ROOT);
        String out = line;
        if (lower.startsWith("a=crypto:")) {
            // everything after the suite: the key parameters and, with them, anything a garbled key spilled into
            Matcher m = CRYPTO.matcher(line);
            if (m.matches()) {
                out = m.group(1) + (m.group(2).toLowerCase(Locale.ROOT).startsWith("inline:") ? "inline:***" : "***");
            } else {
                out = "a=crypto:***";
            }
        } else if (lower.startsWith("k=")) {
            int colon = line.indexOf(':');
            out = colon < 0 ? line : line.substring(0, colon + 1) + "***";
        } else if (lower.startsWith("a=key-mgmt:")) {
            int space = line.indexOf(' ');
            out = space < 0 ? "a=key-mgmt:***" : line.substring(0, space + 1) + "***";
        } else if (lower.startsWith("a=ice-pwd:")) {
            out = line.substring(0, "a=ice-pwd:".length()) + "***";
        }
        return INLINE_KEY.matcher(out).replaceAll("inline:***");
    }
}
