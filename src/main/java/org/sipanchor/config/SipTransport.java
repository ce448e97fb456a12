package org.sipanchor.config;

/** A SIP signalling transport the embedded container can listen on. */
public enum SipTransport {
    UDP, TCP,
    /** SIP over WebSocket (RFC 7118), as browsers speak it: one SIP message per text frame, subprotocol {@code sip}. */
    WS,
    /** SIP over secure WebSocket: WS inside TLS, with the key and certificate of {@code sip.tls}. */
    WSS;

    /** The name the SIP stack uses for it. */
    public String wireName() {
        return name().toLowerCase();
    }

    /** Whether it is a WebSocket transport (which needs the stack's NIO message processors). */
    public boolean isWebSocket() {
        return this == WS || this == WSS;
    }

    /** Whether it listens on a TCP socket. */
    public boolean isStream() {
        return this != UDP;
    }
}
