package org.sipanchor.config;

/**
 * The {@code media.limits:} section: what one offer may ask of RTPEngine. Checked in the media layer before any NG
 * request, for the proxy and the B2BUA alike; an offer over a limit is refused (413 or 488) and RTPEngine never
 * hears of it.
 *
 * @param maxSdpBytes      the largest SDP body anchored (413 beyond)
 * @param maxMediaSections the most {@code m=} lines in one offer (488 beyond): each costs RTPEngine ports
 * @param nonRtpSections   what happens to media sections RTPEngine cannot relay (media over TCP, such as MSRP)
 */
public record MediaLimits(int maxSdpBytes, int maxMediaSections, NonRtpSections nonRtpSections) {

    /** 16 KiB of SDP and 8 sections: four times a WebRTC offer with audio, video and data, far below the NG limit. */
    public static final MediaLimits DEFAULTS = new MediaLimits(16_384, 8, NonRtpSections.DISABLE);

    /** The NG protocol over UDP carries at most 65,507 bytes, SDP and the rest of the request together. */
    public static final int MAX_SDP_BYTES = 65_000;
    /** RTPEngine allocates two ports per section; more than this in one call is no telephony. */
    public static final int MAX_MEDIA_SECTIONS = 64;
}
