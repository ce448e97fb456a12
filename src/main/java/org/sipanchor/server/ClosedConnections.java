package org.sipanchor.server;

import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.channels.SocketChannel;
import java.util.logging.Logger;

import org.sipanchor.net.CountReport;
import org.sipanchor.net.ReportInterval;

/**
 * The log of the stream connections a listener closed for one reason: one warning per ten seconds with the count
 * since the last one and the peer of the last, and one when the ten seconds end with closings not yet reported
 * ({@link CountReport}); never a line per connection (a peer reconnecting in a loop must not flood the log
 * too).
 */
final class ClosedConnections {

    private final CountReport<Closed> report;

    /**
     * @param log    the logger of the class that closes them
     * @param reason why they are closed, as the warning says it after "connections closed since the last report"
     */
    ClosedConnections(Logger log, String reason) {
        this.report = new CountReport<>(new ReportInterval(), (closed, example) -> log.warning(() ->
                "connections closed since the last report " + reason + ": " + closed + "; the last over "
                        + example.transport() + " from " + example.peer() + example.detail()));
    }

    /** Counts one connection closed; {@code detail} ends the warning's sentence about the last one (or is empty). */
    void closed(SocketChannel socket, String transport, String detail) {
        report.count(new Closed(peerOf(socket), transport, detail));
    }

    private record Closed(String peer, String transport, String detail) {
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
