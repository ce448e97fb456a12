package org.sipanchor.server;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.channels.SocketChannel;

import gov.nist.javax.sip.stack.NIOHandler;
import gov.nist.javax.sip.stack.NioTcpMessageChannel;
import gov.nist.javax.sip.stack.NioTcpMessageProcessor;
import gov.nist.javax.sip.stack.SIPTransactionStack;

/**
 * jain-sip's table of the NIO listeners' connections by peer, except that a connection the stack opens to send on
 * stays in it. jain-sip-ri 1.3.0-32's {@code NIOHandler.openOutgoingConnection} takes every connection it has just
 * opened out of that table again on its way out (the flag that should say it connected is never set). So, for a peer
 * it had no connection to (a callee registered over TCP, a next hop with {@code ;transport=tcp}), the channel the
 * stack makes connects once, the send that follows finds no connection and connects again, and the channel moves to
 * the second connection and closes the first; in some calls the INVITE reached neither (the caller got 408 after
 * {@code app.no_answer_timeout_secs}).
 *
 * <p>Here, a connection that {@code createOrReuseSocket} or {@code sendBytes} returns open goes back into the table
 * under its peer's key, unless another is there already: later sends to that peer find it, as jain-sip intends.
 * The stream listeners of {@link ReapedNioListeners} use this in place of jain-sip's own.
 */
final class KeptOutboundConnections extends NIOHandler {

    KeptOutboundConnections(SIPTransactionStack stack, NioTcpMessageProcessor processor) {
        super(stack, processor);
    }

    @Override
    public SocketChannel createOrReuseSocket(InetAddress peer, int port) throws IOException {
        return kept(makeKey(peer, port), super.createOrReuseSocket(peer, port));
    }

    @Override
    public SocketChannel sendBytes(InetAddress sender, InetAddress peer, int port, String transport, byte[] bytes,
            boolean retry, NioTcpMessageChannel channel) throws IOException {
        return kept(makeKey(peer, port), super.sendBytes(sender, peer, port, transport, bytes, retry, channel));
    }

    private SocketChannel kept(String key, SocketChannel connection) {
        if (connection != null && connection.isOpen() && getSocket(key) == null) {
            putSocket(key, connection);
        }
        return connection;
    }
}
