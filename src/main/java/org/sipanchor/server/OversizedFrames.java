package org.sipanchor.server;

import java.nio.channels.SocketChannel;
import java.util.logging.Logger;

/**
 * The bound on the WebSocket frames of the ws and wss listeners' connections ({@code sip.limits.max_message_bytes},
 * which the SIP parser applies only to what the WebSocket decoder hands it; and to the upgrade request before them),
 * and the log of the connections closed for a frame or upgrade request beyond it ({@link ClosedConnections}).
 */
final class OversizedFrames {

    private static final Logger LOG = Logger.getLogger(OversizedFrames.class.getName());

    private final int maxMessageBytes;
    private final ClosedConnections report;

    /** @param maxMessageBytes the largest WebSocket message payload taken: the largest SIP message */
    OversizedFrames(int maxMessageBytes) {
        this.maxMessageBytes = maxMessageBytes;
        this.report = new ClosedConnections(LOG, "for a WebSocket frame (or upgrade request) larger than "
                + maxMessageBytes + " bytes (sip.limits.max_message_bytes)");
    }

    /** A fresh follower of one connection's frames. */
    WebSocketFrameLimit newConnection() {
        return new WebSocketFrameLimit(maxMessageBytes);
    }

    /** Counts a connection closed because its peer announced {@code refusedBytes} (unsigned) of payload, or sent that much of an upgrade request. */
    void closed(SocketChannel socket, String transport, long refusedBytes) {
        report.closed(socket, transport, ", with " + Long.toUnsignedString(refusedBytes) + " bytes");
    }
}
