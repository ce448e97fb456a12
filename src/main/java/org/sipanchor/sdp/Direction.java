package org.sipanchor.sdp;

import java.util.Locale;
import java.util.Optional;

/**
 * The direction of a media stream (RFC 4566 section 6, RFC 3264 section 5.1), written as the property
 * attributes {@code a=sendrecv}, {@code a=sendonly}, {@code a=recvonly} and {@code a=inactive}.
 *
 * <pre>{@code
 * Direction d = media.direction();        // SENDRECV when nothing says otherwise
 * Direction held = d.held();              // SENDONLY: what RFC 3264 section 8.4 asks for
 * }</pre>
 */
public enum Direction {
    SENDRECV, SENDONLY, RECVONLY, INACTIVE;

    /** The attribute name as written in SDP, e.g. {@code "sendonly"}. */
    public String attributeName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The direction an attribute name stands for; case-insensitive because some endpoints capitalise it. */
    public static Optional<Direction> fromAttribute(String attributeName) {
        for (Direction d : values()) {
            if (d.attributeName().equalsIgnoreCase(attributeName.strip())) {
                return Optional.of(d);
            }
        }
        return Optional.empty();
    }

    /**
     * The direction that puts this stream on hold, per RFC 3264 section 8.4: a sendrecv stream becomes
     * sendonly, a recvonly stream becomes inactive; sendonly and inactive streams are already not receiving.
     */
    public Direction held() {
        return switch (this) {
            case SENDRECV, SENDONLY -> SENDONLY;
            case RECVONLY, INACTIVE -> INACTIVE;
        };
    }

    /** Whether the offerer (or answerer) of this description sends media. */
    public boolean sends() {
        return this == SENDRECV || this == SENDONLY;
    }

    /** Whether the offerer (or answerer) of this description wants to receive media. */
    public boolean receives() {
        return this == SENDRECV || this == RECVONLY;
    }
}
