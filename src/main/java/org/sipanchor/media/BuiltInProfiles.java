package org.sipanchor.media;

import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

import org.sipanchor.sdp.MediaDescription;
import org.sipanchor.sdp.SessionDescription;

/**
 * The four profiles sipanchor defines, each described per side so that it works whichever side calls. The README
 * documents every key listed here.
 */
final class BuiltInProfiles {

    /** Every built-in side hides the endpoint's own addresses in o= and the session-level c=. */
    private static final List<String> REPLACE = List.of("origin", "session-connection");

    /** A plain RTP core: no SRTP, no ICE, RTCP on its own port. */
    private static final Map<String, Object> RTP_CORE = Map.of(
            "transport-protocol", "RTP/AVP",
            "ICE", "remove",
            "DTLS", "off",
            "SDES", List.of("off"),
            "rtcp-mux", List.of("demux"),
            "replace", REPLACE);

    private BuiltInProfiles() {
    }

    /** Side maps per built-in name: A first, then B, then how to tell an offer from side A. */
    record Definition(String name, Map<String, Object> sideA, Map<String, Object> sideB, Predicate<SessionDescription> offerFromA) {
    }

    static List<Definition> definitions() {
        return List.of(
                // Anchoring only: RTPEngine relays what each side offers, changing nothing but addresses.
                new Definition("rtp_passthrough", Map.of("replace", REPLACE), Map.of("replace", REPLACE), sdp -> true),
                // An SDES-SRTP access side (VoLTE, secure SIP phones) against a plain RTP core.
                new Definition("srtp_to_rtp", Map.of(
                        "transport-protocol", "RTP/SAVP",
                        "ICE", "remove",
                        "DTLS", "off",
                        "replace", REPLACE), RTP_CORE, BuiltInProfiles::isSrtp),
                // A WebRTC endpoint over SIP/WebSocket using RTP/AVPF with ICE, against a plain RTP core.
                new Definition("ws_to_rtp", Map.of(
                        "transport-protocol", "RTP/AVPF",
                        "ICE", "force",
                        "DTLS", "off",
                        "SDES", List.of("off"),
                        "rtcp-mux", List.of("offer"),
                        "flags", List.of("generate mid"),
                        "replace", REPLACE), RTP_CORE, BuiltInProfiles::isWebRtc),
                // A browser over SIP/secure WebSocket with DTLS-SRTP and ICE, against a plain RTP core.
                new Definition("wss_to_rtp", Map.of(
                        "transport-protocol", "UDP/TLS/RTP/SAVPF",
                        "ICE", "force",
                        "SDES", List.of("off"),
                        "rtcp-mux", List.of("offer"),
                        "flags", List.of("generate mid"),
                        "replace", REPLACE), RTP_CORE, BuiltInProfiles::isWebRtc));
    }

    /** An offer from the SRTP side: a secure RTP profile or SDES keys on any stream. */
    static boolean isSrtp(SessionDescription offer) {
        return offer.hasCrypto() || offer.media().stream().map(MediaDescription::protocol).anyMatch(p -> p.toUpperCase().contains("SAVP"));
    }

    /** An offer from a WebRTC endpoint: ICE, a DTLS fingerprint, or a feedback (AVPF) profile. */
    static boolean isWebRtc(SessionDescription offer) {
        if (offer.hasIce() || offer.attribute("fingerprint").isPresent()) {
            return true;
        }
        return offer.media().stream().anyMatch(m -> m.hasAttribute("fingerprint") || m.protocol().toUpperCase().endsWith("AVPF")
                || m.protocol().toUpperCase().startsWith("UDP/TLS"));
    }
}
