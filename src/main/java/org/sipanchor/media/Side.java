package org.sipanchor.media;

/**
 * The two sides a {@link MediaProfile} joins, named in its name: in {@code srtp_to_rtp}, {@link #A} is the SRTP
 * side and {@link #B} the RTP side; in {@code wss_to_rtp}, A is the browser. Which party of a call is on which
 * side is decided per call, from its first offer.
 */
public enum Side {
    A, B;

    public Side other() {
        return this == A ? B : A;
    }
}
