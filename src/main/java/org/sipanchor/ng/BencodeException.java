package org.sipanchor.ng;

/**
 * A byte sequence that is not acceptable bencode: malformed, truncated, or beyond the decoder's limits.
 *
 * <p>Checked on purpose: every reply comes from the network, and the caller has to decide what a bad one means.
 */
public final class BencodeException extends Exception {

    private static final long serialVersionUID = 1L;

    /** What was wrong with the input. */
    public enum Kind {
        /** The input ended before the value was complete (on a stream this means "wait for more bytes"). */
        TRUNCATED,
        /** A byte that bencode does not allow at that position, a non-canonical integer, a duplicate key... */
        MALFORMED,
        /** Bytes left over after one complete value. */
        TRAILING_DATA,
        /** Lists and dictionaries nested deeper than the limit. */
        TOO_DEEP,
        /** More values in one document than the limit. */
        TOO_MANY_ELEMENTS,
        /** The document, or a byte string declared in it, is longer than the limit. */
        TOO_LONG
    }

    private final Kind kind;
    private final int offset;

    BencodeException(Kind kind, int offset, String message) {
        super(message + " (at offset " + offset + ")");
        this.kind = kind;
        this.offset = offset;
    }

    public Kind kind() {
        return kind;
    }

    /** Offset of the offending byte, relative to the start of the decoded range. */
    public int offset() {
        return offset;
    }
}
