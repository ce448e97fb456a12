package org.sipanchor.sdp;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * One line of an SDP body. A parsed line keeps its exact bytes so that an untouched line is written back
 * unchanged, whatever its encoding or spacing; a line built by a transformation is written as UTF-8.
 */
final class Line {

    private final byte[] raw;
    private final String text;
    private final String eol;
    private final int number;
    /*
     * Read once, then kept: a parse asks each line for them several times (every isAttribute check), and each was a
     * new substring. A race only computes the same String twice; Strings are safe to share without a lock.
     */
    private String value;
    private String attributeName;

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
        String v = value;
        if (v == null) {
            v = text.substring(2).stripTrailing();
            value = v;
        }
        return v;
    }

    /** For an {@code a=} line: the attribute name (before the first colon). */
    String attributeName() {
        String name = attributeName;
        if (name == null) {
            String v = value();
            int colon = v.indexOf(':');
            name = colon < 0 ? v : v.substring(0, colon);
            attributeName = name;
        }
        return name;
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
        return CryptoRedaction.redactLine(text);
    }
}
