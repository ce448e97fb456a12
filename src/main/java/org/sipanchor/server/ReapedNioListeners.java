package org.sipanchor.server;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.channels.SocketChannel;
import java.util.Locale;
import java.util.Optional;

import gov.nist.core.HostPort;
import gov.nist.javax.sip.stack.MessageChannel;
import gov.nist.javax.sip.stack.MessageProcessor;
import gov.nist.javax.sip.stack.NioTcpMessageChannel;
import gov.nist.javax.sip.stack.NioTcpMessageProcessor;
import gov.nist.javax.sip.stack.NioTlsMessageProcessor;
import gov.nist.javax.sip.stack.NioTlsWebSocketMessageProcessor;
import gov.nist.javax.sip.stack.NioWebSocketMessageProcessor;
import gov.nist.javax.sip.stack.SIPTransactionStack;

/**
 * jain-sip's NIO stream listeners (TCP, TLS, WS, WSS), made as its {@code NioMessageProcessorFactory} makes them,
 * except that each connection a peer opens is handed to a {@link SlowMessageReaper} as it is accepted, and that the
 * connections the stack opens are kept for the next message to the same peer ({@link KeptOutboundConnections}).
 *
 * <p>The listener's {@code createMessageChannel(processor, socket)} is where jain-sip-ri 1.3.0-32 makes an accepted
 * connection's channel, and the one place that sees each of them. The TCP and TLS listeners also watch the
 * connections the stack opens itself, which {@code createMessageChannel(HostPort)} and
 * {@code createMessageChannel(InetAddress, int)} make (or find open): the callee at the other end may be anyone who
 * registered, and a response it trickles would hold the connection as long as a caller's trickled request. (A ws or
 * wss connection is opened only toward a next hop the operator configured with that transport: browsers accept
 * none.) The WebSocket listeners make the accepted connection's channel themselves, as jain-sip does, but of a
 * {@link BoundedWebSocketChannels} class, whose frames are bounded by {@link OversizedFrames}.
 *
 * <p>Each listener replaces the {@code nioHandler} its jain-sip constructor made, before it starts; that first one
 * is never used again (the idle-connection audit it scheduled looks at its empty table).
 */
final class ReapedNioListeners {

    private ReapedNioListeners() {
    }

    /**
     * The listener for {@code transport} (tcp, tls, ws or wss), or empty for one that is not a stream. jain-sip's
     * factory swaps ws and wss when {@code USE_TLS_GATEWAY} is set; sipanchor never sets it.
     */
    static Optional<MessageProcessor> create(SIPTransactionStack stack, InetAddress address, int port, String transport,
            SlowMessageReaper reaper, OversizedFrames frames) {
        MessageProcessor listener = switch (transport.toUpperCase(Locale.ROOT)) {
            case "TCP" -> new Tcp(address, stack, port, reaper);
            case "TLS" -> new Tls(address, stack, port, reaper);
            case "WS" -> new Ws(address, stack, port, reaper, frames);
            case "WSS" -> new Wss(address, stack, port, reaper, frames);
            default -> null;
        };
        if (listener != null) {
            reaper.listenerStarted();
        }
        return Optional.ofNullable(listener);
    }

    private static final class Tcp extends NioTcpMessageProcessor {
        private final SlowMessageReaper reaper;

        Tcp(InetAddress address, SIPTransactionStack stack, int port, SlowMessageReaper reaper) {
            super(address, stack, port);
            nioHandler = new KeptOutboundConnections(stack, this);
            this.reaper = reaper;
        }

        @Override
        public NioTcpMessageChannel createMessageChannel(NioTcpMessageProcessor processor, SocketChannel socket) throws IOException {
            NioTcpMessageChannel channel = super.createMessageChannel(processor, socket);
            reaper.watch(channel);
            return channel;
        }

        @Override
        public MessageChannel createMessageChannel(HostPort target) throws IOException {
            return reaper.watchOpened(super.createMessageChannel(target));
        }

        @Override
        public MessageChannel createMessageChannel(InetAddress address, int port) throws IOException {
            return reaper.watchOpened(super.createMessageChannel(address, port));
        }

        @Override
        public void stop() {
            super.stop();
            reaper.listenerStopped();
        }
    }

    private static final class Tls extends NioTlsMessageProcessor {
        private final SlowMessageReaper reaper;

        Tls(InetAddress address, SIPTransactionStack stack, int port, SlowMessageReaper reaper) {
            super(address, stack, port);
            nioHandler = new KeptOutboundConnections(stack, this);
            this.reaper = reaper;
        }

        @Override
        public NioTcpMessageChannel createMessageChannel(NioTcpMessageProcessor processor, SocketChannel socket) throws IOException {
            NioTcpMessageChannel channel = super.createMessageChannel(processor, socket);
            reaper.watch(channel);
            return channel;
        }

        @Override
        public MessageChannel createMessageChannel(HostPort target) throws IOException {
            return reaper.watchOpened(super.createMessageChannel(target));
        }

        @Override
        public MessageChannel createMessageChannel(InetAddress address, int port) throws IOException {
            return reaper.watchOpened(super.createMessageChannel(address, port));
        }

        @Override
        public void stop() {
            super.stop();
            reaper.listenerStopped();
        }
    }

    private static final class Ws extends NioWebSocketMessageProcessor {
        private final SlowMessageReaper reaper;
        private final OversizedFrames frames;

        Ws(InetAddress address, SIPTransactionStack stack, int port, SlowMessageReaper reaper, OversizedFrames frames) {
            super(address, stack, port);
            nioHandler = new KeptOutboundConnections(stack, this);
            this.reaper = reaper;
            this.frames = frames;
            transport = "WS"; // as jain-sip's factory sets it
        }

        /** As jain-sip's own, with a {@link BoundedWebSocketChannels.Ws} for a connection it does not know yet. */
        @Override
        public NioTcpMessageChannel createMessageChannel(NioTcpMessageProcessor processor, SocketChannel socket) throws IOException {
            NioTcpMessageChannel channel = nioHandler.getMessageChannel(socket);
            if (channel == null) {
                channel = new BoundedWebSocketChannels.Ws(sipStack, processor, socket, frames);
                nioHandler.putMessageChannel(socket, channel);
            }
            reaper.watch(channel);
            return channel;
        }

        @Override
        public void stop() {
            super.stop();
            reaper.listenerStopped();
        }
    }

    private static final class Wss extends NioTlsWebSocketMessageProcessor {
        private final SlowMessageReaper reaper;
        private final OversizedFrames frames;

        Wss(InetAddress address, SIPTransactionStack stack, int port, SlowMessageReaper reaper, OversizedFrames frames) {
            super(address, stack, port);
            nioHandler = new KeptOutboundConnections(stack, this);
            this.reaper = reaper;
            this.frames = frames;
            transport = "WSS"; // as jain-sip's factory sets it
        }

        /** As jain-sip's own, with a {@link BoundedWebSocketChannels.Wss} for a connection it does not know yet. */
        @Override
        public NioTcpMessageChannel createMessageChannel(NioTcpMessageProcessor processor, SocketChannel socket) throws IOException {
            NioTcpMessageChannel channel = nioHandler.getMessageChannel(socket);
            if (channel == null) {
                channel = new BoundedWebSocketChannels.Wss(sipStack, processor, socket, frames);
                nioHandler.putMessageChannel(socket, channel);
            }
            reaper.watch(channel);
            return channel;
        }

        @Override
        public void stop() {
            super.stop();
            reaper.listenerStopped();
        }
    }
}
