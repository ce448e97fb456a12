package org.sipanchor.config;

import java.util.List;
import java.util.Optional;

/**
 * The {@code sip:} section: where the container listens for SIP, the TLS key material of its {@code wss}
 * listeners, the limits the SIP stack enforces on every peer, and when it refuses new calls ({@link SipAdmission}).
 */
public record SipConfig(List<SipListen> listen, Optional<SipTlsConfig> tls, SipLimits limits, SipAdmission admission) {

    public SipConfig {
        listen = List.copyOf(listen);
    }

    /** Whether any listener speaks SIP over WebSocket. */
    public boolean hasWebSocket() {
        return listen.stream().anyMatch(point -> point.transport().isWebSocket());
    }
}
