package org.sipanchor.config;

import java.util.List;

/** The {@code sip:} section: where the container listens for SIP. */
public record SipConfig(List<SipListen> listen) {

    public SipConfig {
        listen = List.copyOf(listen);
    }
}
