package org.sipanchor.config;

import java.time.Duration;
import java.util.Map;

/**
 * The {@code media:} section.
 *
 * @param sdpName             replaces the o= user name and the s= line of every SDP sipanchor emits
 * @param healthCheckInterval how often every RTPEngine is pinged
 * @param profiles            custom profiles by name (the built-in ones are not listed here)
 * @param onFailure           what happens to a call no RTPEngine can anchor
 */
public record MediaConfig(RtpEngineConfig rtpengine, String sdpName, Duration healthCheckInterval,
        Map<String, ProfileConfig> profiles, MediaFailurePolicy onFailure) {

    public MediaConfig {
        profiles = Map.copyOf(profiles);
    }
}
