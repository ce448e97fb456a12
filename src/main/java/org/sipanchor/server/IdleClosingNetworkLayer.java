package org.sipanchor.server;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;

import gov.nist.javax.sip.SipStackImpl;

/**
 * The stack's sockets as {@link SipNetworkLayer} makes them, except that a TCP connection a peer opens to us is closed after
 * {@code sip.limits.tcp_idle_timeout_secs} without a byte. jain-sip's blocking TCP reader starts its read timer
 * ({@code READ_TIMEOUT}) only at a message's first byte, so a peer that connects and stays silent would keep a
 * connection and a reader thread for ever, and enough of them would use up {@code max_tcp_connections} for
 * everyone. The NIO processors (used when a WebSocket listener is configured) close idle sockets themselves.
 *
 * <p>Named in the stack's properties ({@code gov.nist.javax.sip.NETWORK_LAYER}), which is how jain-sip-ri
 * 1.3.0-32 instantiates it (public no-argument constructor); the idle time is the stack's
 * {@code NIO_MAX_SOCKET_IDLE_TIME}, set from the same limit. A phone that keeps its connection for incoming calls
 * sends CRLF keep-alives (RFC 5626) well within the default five minutes.
 */
public final class IdleClosingNetworkLayer extends SipNetworkLayer {

    private volatile SipStackImpl stack;

    @Override
    public void setSipStack(SipStackImpl stack) {
        super.setSipStack(stack);
        this.stack = stack; // before the stack has read its properties: the idle time is read at accept
    }

    private int idleMillis() {
        return (int) Math.min(Integer.MAX_VALUE, Math.max(1_000, stack.nioSocketMaxIdleTime));
    }

    @Override
    public ServerSocket createServerSocket(int port, int backlog, InetAddress bindAddress) throws IOException {
        return new IdleClosingServerSocket(port, backlog, bindAddress);
    }

    /** Accepted connections read with a timeout: a read that waits longer fails, and jain-sip closes the connection. */
    private final class IdleClosingServerSocket extends ServerSocket {
        IdleClosingServerSocket(int port, int backlog, InetAddress bindAddress) throws IOException {
            super(port, backlog, bindAddress);
        }

        @Override
        public Socket accept() throws IOException {
            Socket accepted = super.accept();
            accepted.setSoTimeout(idleMillis());
            return accepted;
        }
    }
}
