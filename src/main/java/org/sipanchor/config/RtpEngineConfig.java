package org.sipanchor.config;

import java.time.Duration;
import java.util.List;

/**
 * The {@code media.rtpengine:} section. One {@code address} is read as a single instance of weight 1.
 *
 * @param timeout how long one NG request may take, retransmissions included
 */
public record RtpEngineConfig(List<EngineInstanceConfig> instances, Duration timeout, EngineTransport transport) {

    /**
     * Most {@code timeout_ms} accepted: 10 s. A healthy RTPEngine answers in well under a millisecond, so a longer
     * wait only holds the SIP thread of a call whose INVITE the caller is already retransmitting (its Timer B gives up
     * after 32 s, and an offer may try several instances in turn). RTPEngine's reply cache, which makes a
     * retransmission with the same cookie safe, keeps a reply for only 30-60 s.
     */
    public static final Duration MAX_TIMEOUT = Duration.ofSeconds(10);

    public RtpEngineConfig {
        instances = List.copyOf(instances);
    }
}
