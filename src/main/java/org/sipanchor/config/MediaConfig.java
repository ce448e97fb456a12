package org.sipanchor.config;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/**
 * The {@code media:} section.
 *
 * @param sdpName             replaces the o= user name and the s= line of every SDP sipanchor emits
 * @param healthCheckInterval how often every RTPEngine is pinged
 * @param profiles            custom profiles by name (the built-in ones are not listed here)
 * @param onFailure           what happens to a call no RTPEngine can anchor
 * @param dtmfEvents          where RTPEngine sends DTMF events ({@code --dtmf-log-dest}), if anywhere
 * @param limits              what one offer may ask of RTPEngine
 * @param nodeId              names this server in the label it puts on every call it offers ({@code media.node_id},
 *                            default host name and first SIP listening address), so that RTPEngines shared by
 *                            several servers can tell whose call is whose
 * @param reconcile           the periodic comparison of RTPEngine's calls with this server's ({@code media.reconcile})
 */
public record MediaConfig(RtpEngineConfig rtpengine, String sdpName, Duration healthCheckInterval,
        Map<String, ProfileConfig> profiles, MediaFailurePolicy onFailure, Optional<HostPort> dtmfEvents,
        MediaLimits limits, String nodeId, ReconcileConfig reconcile) {

    /**
     * Most {@code health_check_interval_secs} accepted: 300 s. Only an answered ping puts an instance that failed back
     * in rotation and releases the calls it kept after a timeout, and an idle pool notices a dead instance only by
     * its pings: beyond 5 minutes a single lost datagram takes an instance out for longer than any call setup waits.
     */
    public static final Duration MAX_HEALTH_CHECK_INTERVAL = Duration.ofMinutes(5);

    public MediaConfig {
        profiles = Map.copyOf(profiles);
    }
}
