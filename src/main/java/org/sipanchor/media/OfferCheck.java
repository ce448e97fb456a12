package org.sipanchor.media;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.logging.Logger;

import org.sipanchor.config.MediaLimits;
import org.sipanchor.config.NonRtpSections;
import org.sipanchor.media.MediaException.Kind;
import org.sipanchor.sdp.MediaDescription;
import org.sipanchor.sdp.SdpException;
import org.sipanchor.sdp.SessionDescription;

/**
 * The one place an offer from the network is held against {@code media.limits} before RTPEngine sees it, in the
 * proxy and the B2BUA alike: its size before it is even parsed, then its number of media sections, then its
 * sections RTPEngine cannot anchor (media over TCP), which are disabled or refuse the offer. A refused offer is a
 * {@link MediaException} whose caller warning names the limit and the line at fault;
 * nothing was sent, so it never counts against an RTPEngine's health.
 *
 * <pre>{@code
 * OfferCheck check = new OfferCheck(new MediaLimits(16384, 8, NonRtpSections.DISABLE));
 * byte[] toAnchor = check.admitted("a84b4c76e66710", sdp);   // m=message ... TCP/MSRP now has port 0
 * }</pre>
 */
final class OfferCheck {

    private static final Logger LOG = Logger.getLogger(OfferCheck.class.getName());
    /** An m= line quoted to the caller is cut here: it has as many formats as the sender liked. */
    private static final int MAX_QUOTED = 80;

    private final MediaLimits limits;

    public OfferCheck(MediaLimits limits) {
        this.limits = Objects.requireNonNull(limits, "limits");
    }

    /**
     * The offer to anchor: {@code sdp} itself when it passes, or with the sections RTPEngine cannot anchor disabled.
     *
     * @throws MediaException {@link Kind#TOO_LARGE} over {@code max_sdp_bytes}; {@link Kind#MALFORMED_SDP} for SDP that
     *                        does not parse, too many sections, or a section refused by {@code non_rtp_sections}
     */
    public byte[] admitted(String callId, byte[] sdp) {
        if (sdp.length > limits.maxSdpBytes()) {
            throw MediaException.refusedOffer(Kind.TOO_LARGE, callId, "SDP body of " + sdp.length
                    + " bytes is over the limit of " + limits.maxSdpBytes() + " bytes", "media.limits.max_sdp_bytes");
        }
        SessionDescription offer;
        try {
            offer = SessionDescription.parse(sdp);
        } catch (SdpException e) {
            throw MediaException.malformedSdp(callId, e);
        }
        List<MediaDescription> sections = offer.media();
        if (sections.size() > limits.maxMediaSections()) {
            int first = limits.maxMediaSections();
            throw MediaException.refusedOffer(Kind.UNACCEPTABLE, callId, "too many media sections: "
                    + at(offer, first) + " is section " + (first + 1) + " of " + sections.size() + " (at most "
                    + limits.maxMediaSections() + ")", "media.limits.max_media_sections");
        }
        List<Integer> overTcp = new ArrayList<>();
        for (int i = 0; i < sections.size(); i++) {
            if (sections.get(i).isEnabled() && sections.get(i).isOverTcp()) {
                overTcp.add(i);
            }
        }
        if (overTcp.isEmpty()) {
            return sdp;
        }
        String firstOverTcp = at(offer, overTcp.get(0));
        if (limits.nonRtpSections() == NonRtpSections.REFUSE) {
            throw MediaException.refusedOffer(Kind.UNACCEPTABLE, callId, "media over TCP cannot be anchored: "
                    + firstOverTcp, "media.non_rtp_sections: refuse");
        }
        SessionDescription disabled = offer;
        for (int index : overTcp) {
            disabled = disabled.detachMedia(index);
        }
        if (!disabled.hasEnabledMedia()) {
            throw MediaException.refusedOffer(Kind.UNACCEPTABLE, callId, "no media left to anchor: "
                    + firstOverTcp + " is media over TCP", "media.non_rtp_sections: disable");
        }
        List<String> lines = overTcp.stream().map(i -> at(offer, i)).toList();
        LOG.info(() -> "call-id=" + callId + " media over TCP disabled before anchoring (media.non_rtp_sections: disable): "
                + String.join(", ", lines));
        return disabled.toBytes();
    }

    /**
     * The refusal of an offer whose SDP sits in a multipart body ({@code multipart/mixed}, {@code /alternative}):
     * sipanchor rewrites {@code application/sdp} bodies only, and relaying it raw would let media bypass the anchor.
     */
    public static MediaException multipart(String callId, String contentType) {
        String type = contentType.split(";", 2)[0].trim();
        return MediaException.refusedOffer(Kind.UNSUPPORTED_BODY, callId, "SDP in a " + type
                + " body is not anchored: send it as the whole body (application/sdp)", "multipart body");
    }

    /** {@code line 7 'm=message 2855 TCP/MSRP *'}: where the caller finds the section at fault. */
    private static String at(SessionDescription offer, int index) {
        String line = offer.media().get(index).mediaLine();
        String quoted = line.length() > MAX_QUOTED ? line.substring(0, MAX_QUOTED) + "..." : line;
        return "line " + offer.mediaLineNumber(index) + " '" + quoted + "'";
    }
}
