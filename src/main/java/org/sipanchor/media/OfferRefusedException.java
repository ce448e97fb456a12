package org.sipanchor.media;

import java.util.Objects;

/**
 * An offer sipanchor refused itself, before any RTPEngine heard of it: over one of {@code media.limits}, or in a body
 * it does not anchor. It is the cause of the {@link MediaException} the servlets answer, and carries the words the
 * caller is told: they name the limit, and the line or section at fault (the caller's own text, never RTPEngine's).
 */
public final class OfferRefusedException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** Which rule refused the offer. */
    public enum Rule {
        /** The SDP body is larger than {@code media.limits.max_sdp_bytes} (413). */
        SDP_TOO_LARGE,
        /** More {@code m=} lines than {@code media.limits.max_media_sections} (488). */
        TOO_MANY_SECTIONS,
        /** A section RTPEngine cannot anchor (media over TCP), with {@code media.non_rtp_sections: refuse} (488). */
        NON_RTP_SECTION,
        /** No section left to anchor once those RTPEngine cannot anchor were disabled (488). */
        NO_MEDIA_LEFT,
        /** The SDP sits in a multipart body, which sipanchor does not rewrite (415). */
        MULTIPART_BODY
    }

    private final Rule rule;
    private final String warning;

    /**
     * @param warning what the caller is told, e.g. {@code too many media sections: line 30 'm=audio 5000 RTP/AVP 0'
     *                is the 9th (at most 8)}
     */
    public OfferRefusedException(Rule rule, String warning) {
        super(warning);
        this.rule = Objects.requireNonNull(rule, "rule");
        this.warning = Objects.requireNonNull(warning, "warning");
    }

    public Rule rule() {
        return rule;
    }

    /** The caller-safe reason: a limit, and the caller's own line. */
    public String warning() {
        return warning;
    }
}
