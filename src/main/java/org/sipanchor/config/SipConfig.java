package org.sipanchor.config;

import java.util.List;
import java.util.Optional;

/**
 * The {@code sip:} section: where the container listens for SIP, the TLS key material of its {@code wss}
 * listeners, and the limits the SIP stack enforces on every peer.
 */
public record SipConfig(List<SipListen> listen, Optional<SipTlsConfig> tls, SipLimits limits) {

    public SipConfig {
        listen = List.copyOf(listen);
    }

    /** Whether any listener speaks SIP over WebSocket. */
    public boolean hasWebSocket() {
        return listen.stream().anyMatch(point -> point.transport().isWebSocket());
    }
}
