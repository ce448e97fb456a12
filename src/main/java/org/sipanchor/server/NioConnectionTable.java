package org.sipanchor.server;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.channels.SocketChannel;
import java.util.concurrent.atomic.AtomicBoolean;

import gov.nist.javax.sip.stack.NIOHandler;
import gov.nist.javax.sip.stack.NioTcpMessageChannel;
import gov.nist.javax.sip.stack.NioTcpMessageProcessor;
import gov.nist.javax.sip.stack.SIPTransactionStack;

/**
 * jain-sip's table of a NIO listener's connections (its {@code NIOHandler}), with two changes, made here because every
 * connection passes through it, whichever listener accepted it or whichever send opened it.
 *
 * <p><b>Every connection is watched.</b> Each channel registered in the table ({@code putMessageChannel}: an accepted
 * connection's, as its listener makes it; one the stack opens to a callee, as its constructor ends) is handed to the
 * {@link SlowMessageReaper}, which closes it if a message on it does not complete within
 * {@code sip.limits.tcp_read_timeout_secs}. A callee may be anyone who registered, and a response it trickles would
 * hold the connection as long as a caller's trickled request.
 *
 * <p><b>A connection the stack opens stays in the table.</b> jain-sip-ri 1.3.0-32's
 * {@code NIOHandler.openOutgoingConnection} takes every connection it has just opened out of the table again on its
 * way out (the flag that should say it connected is never set). So, for a peer it had no connection to (a callee
 * registered over TCP, a next hop with {@code ;transport=tcp}), the channel the stack makes connects once, the send
 * that follows finds no connection and connects again, and the channel moves to the second connection and closes the
 * first; in some calls the INVITE reached neither (the caller got 408 after {@code app.no_answer_timeout_secs}). Here
 * a connection that {@code createOrReuseSocket} or {@code sendBytes} returns open goes back into the table under its
 * peer's key, unless another is there already: later sends to that peer find it, as jain-sip intends.
 */
final class NioConnectionTable extends NIOHandler {

    private final SlowMessageReaper reaper;
    private final AtomicBoolean stopped = new AtomicBoolean();

    /** The table of {@code listener}, which counts as one of the reaper's listeners until it stops. */
    NioConnectionTable(SIPTransactionStack stack, NioTcpMessageProcessor listener, SlowMessageReaper reaper) {
        super(stack, listener);
        this.reaper = reaper;
        reaper.listenerStarted();
    }

    /** Called by the listener's {@code stop()}; once the last listener has stopped, so does the reaper. */
    @Override
    public void stop() {
        super.stop();
        if (stopped.compareAndSet(false, true)) {
            reaper.listenerStopped();
        }
    }

    @Override
    public void putMessageChannel(SocketChannel connection, NioTcpMessageChannel channel) {
        super.putMessageChannel(connection, channel);
        reaper.watch(channel);
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
