package org.sipanchor.server;

import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.channels.SocketChannel;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Logger;

import org.sipanchor.net.ReportInterval;

/**
 * The bound on the WebSocket frames of the ws and wss listeners' connections ({@code sip.limits.max_message_bytes},
 * which the SIP parser applies only to what the WebSocket decoder hands it; and to the upgrade request before them),
 * and the log of the connections closed for a frame or upgrade request beyond it: one warning per ten seconds ({@link ReportInterval}) with the count since the last one and
 * the peer of the last, never a line per connection (a peer reconnecting in a loop must not flood the log).
 */
final class OversizedFrames {

    private static final Logger LOG = Logger.getLogger(OversizedFrames.class.getName());

    private final int maxMessageBytes;
    private final AtomicLong closedSinceReport = new AtomicLong();
    private final ReportInterval reports = new ReportInterval();

    /** @param maxMessageBytes the largest WebSocket message payload taken: the largest SIP message */
    OversizedFrames(int maxMessageBytes) {
        this.maxMessageBytes = maxMessageBytes;
    }

    /** A fresh follower of one connection's frames. */
    WebSocketFrameLimit newConnection() {
        return new WebSocketFrameLimit(maxMessageBytes);
    }

    /** Counts a connection closed because its peer announced {@code refusedBytes} (unsigned) of payload, or sent that much of an upgrade request. */
    void closed(SocketChannel socket, String transport, long refusedBytes) {
        long closed = closedSinceReport.incrementAndGet();
        if (reports.due()) {
            closedSinceReport.addAndGet(-closed);
            String peer = peerOf(socket);
            LOG.warning(() -> "WebSocket connections closed since the last report for a frame (or upgrade request) larger"
                    + " than " + maxMessageBytes + " bytes (sip.limits.max_message_bytes): " + closed + "; the last over "
                    + transport + " from " + peer + ", with " + Long.toUnsignedString(refusedBytes) + " bytes");
        }
    }

    private static String peerOf(SocketChannel socket) {
        try {
            SocketAddress remote = socket == null ? null : socket.getRemoteAddress();
            return remote instanceof InetSocketAddress address
                    ? address.getAddress().getHostAddress() + ":" + address.getPort() : String.valueOf(remote);
        } catch (java.io.IOException | RuntimeException e) {
            return "an unknown peer";
        }
    }
}
