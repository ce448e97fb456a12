package org.sipanchor.config;

import java.time.Duration;

/**
 * The {@code sip.limits:} section: what one peer may cost the SIP stack, whatever it sends. Each value becomes a
 * JAIN-SIP stack property (jain-sip-ri 1.3.0-32), so the stack itself enforces it before any servlet runs.
 *
 * @param maxMessageBytes   the largest SIP message taken, headers and body ({@code MAX_MESSAGE_SIZE}); a larger one
 *                          over TCP closes its connection, over UDP is dropped; a WebSocket frame announcing a
 *                          larger payload closes its connection before the payload is read
 * @param tcpReadTimeout    how long a stream connection a peer opened (TCP, WS, WSS) may take to deliver one whole
 *                          message once its first byte came; a peer trickling a huge Content-Length is cut off. The
 *                          blocking TCP reader keeps it ({@code READ_TIMEOUT}); with a WebSocket listener, whose NIO
 *                          readers ignore that property, the server package checks each connection once a second
 * @param maxTcpConnections how many stream connections are open at once ({@code MAX_CONNECTIONS}); more are refused
 * @param tcpIdleTimeout    how long a WebSocket (and, with ws listeners, TCP) connection may stay silent
 *                          ({@code NIO_MAX_SOCKET_IDLE_TIME}, honoured by the stack's NIO transport only)
 */
public record SipLimits(int maxMessageBytes, Duration tcpReadTimeout, int maxTcpConnections, Duration tcpIdleTimeout) {

    /** The defaults: a message may fill a UDP datagram, must arrive within 10 s, 1,024 connections idle at most 5 min. */
    public static final SipLimits DEFAULTS = new SipLimits(65_535, Duration.ofSeconds(10), 1024, Duration.ofMinutes(5));

    /** Below this a SIP message with a usual SDP (and a few Via and Record-Route hops) would not fit. */
    public static final int MIN_MESSAGE_BYTES = 4096;
    /** UDP carries at most 65,507 bytes; a stream transport needs no more for SIP. Larger limits invite abuse. */
    public static final int MAX_MESSAGE_BYTES = 1 << 20;
    /** Longer than any honest peer needs to send one message; what a trickling peer may hold a connection for. */
    public static final Duration MAX_TCP_READ_TIMEOUT = Duration.ofMinutes(2);
}
