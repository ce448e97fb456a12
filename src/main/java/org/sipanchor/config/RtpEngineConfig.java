package org.sipanchor.config;

import java.time.Duration;
import java.util.List;

/**
 * The {@code media.rtpengine:} section. One {@code address} is read as a single instance of weight 1.
 *
 * @param timeout how long one NG request may take, retransmissions included
 */
public record RtpEngineConfig(List<EngineInstanceConfig> instances, Duration timeout, EngineTransport transport) {

    public RtpEngineConfig {
        instances = List.copyOf(instances);
    }
}
