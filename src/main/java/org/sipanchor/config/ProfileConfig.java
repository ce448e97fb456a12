package org.sipanchor.config;

import java.util.List;
import java.util.Set;

/**
 * A custom media profile from {@code media.profiles}: the RTPEngine keys sent with the offer and with the
 * answer of a call that uses it.
 *
 * <pre>
 * media:
 *   profiles:
 *     srtp_to_srtp:
 *       offer:  { transport-protocol: "RTP/SAVP", ICE: remove }
 *       answer: { transport-protocol: "RTP/SAVP", ICE: remove }
 * </pre>
 */
public record ProfileConfig(String name, List<ProfileParam> offer, List<ProfileParam> answer, ConfigLocation location) {

    /** The profiles sipanchor defines itself; custom profiles may not reuse these names. */
    public static final Set<String> BUILT_IN_NAMES = Set.of("rtp_passthrough", "srtp_to_rtp", "ws_to_rtp", "wss_to_rtp");

    public ProfileConfig {
        offer = List.copyOf(offer);
        answer = List.copyOf(answer);
    }
}
