package org.sipanchor.config;

/** One SIP listening point: {@code { transport: udp, address: "127.0.0.1:5060" }}. */
public record SipListen(SipTransport transport, HostPort address) {

    @Override
    public String toString() {
        return transport.wireName() + ":" + address;
    }
}
