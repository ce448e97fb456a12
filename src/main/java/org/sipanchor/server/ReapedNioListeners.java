package org.sipanchor.server;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.channels.SocketChannel;
import java.util.Locale;
import java.util.Optional;

import gov.nist.javax.sip.stack.MessageProcessor;
import gov.nist.javax.sip.stack.NioTcpMessageChannel;
import gov.nist.javax.sip.stack.NioTcpMessageProcessor;
import gov.nist.javax.sip.stack.NioTlsMessageProcessor;
import gov.nist.javax.sip.stack.NioTlsWebSocketMessageProcessor;
import gov.nist.javax.sip.stack.NioWebSocketMessageProcessor;
import gov.nist.javax.sip.stack.SIPTransactionStack;

/**
 * jain-sip's NIO stream listeners (TCP, TLS, WS, WSS), made as its {@code NioMessageProcessorFactory} makes them,
 * except that each keeps its connections in a {@link NioConnectionTable}, which hands every connection, accepted or
 * opened by the stack, to the {@link SlowMessageReaper} and keeps the connections the stack opens for the next message
 * to the same peer; the table also tells the reaper when its listener starts and stops. Each listener replaces the
 * table its jain-sip constructor made, before it starts; that first one is never used again (the idle-connection
 * audit it scheduled looks at its empty table).
 *
 * <p>The WebSocket listeners make an accepted connection's channel themselves, as jain-sip's do in
 * {@code createMessageChannel(processor, socket)}, but of a {@link BoundedWebSocketChannels} class, whose frames are
 * bounded by {@link OversizedFrames}.
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
        return Optional.ofNullable(switch (transport.toUpperCase(Locale.ROOT)) {
            case "TCP" -> new Tcp(address, stack, port, reaper);
            case "TLS" -> new Tls(address, stack, port, reaper);
            case "WS" -> new Ws(address, stack, port, reaper, frames);
            case "WSS" -> new Wss(address, stack, port, reaper, frames);
            default -> null;
        });
    }

    private static final class Tcp extends NioTcpMessageProcessor {
        Tcp(InetAddress address, SIPTransactionStack stack, int port, SlowMessageReaper reaper) {
            super(address, stack, port);
            nioHandler = new NioConnectionTable(stack, this, reaper);
        }
    }

    private static final class Tls extends NioTlsMessageProcessor {
        Tls(InetAddress address, SIPTransactionStack stack, int port, SlowMessageReaper reaper) {
            super(address, stack, port);
            nioHandler = new NioConnectionTable(stack, this, reaper);
        }
    }

    private static final class Ws extends NioWebSocketMessageProcessor {
        private final OversizedFrames frames;

        Ws(InetAddress address, SIPTransactionStack stack, int port, SlowMessageReaper reaper, OversizedFrames frames) {
            super(address, stack, port);
            nioHandler = new NioConnectionTable(stack, this, reaper);
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
            return channel;
        }
    }

    private static final class Wss extends NioTlsWebSocketMessageProcessor {
        private final OversizedFrames frames;

        Wss(InetAddress address, SIPTransactionStack stack, int port, SlowMessageReaper reaper, OversizedFrames frames) {
            super(address, stack, port);
            nioHandler = new NioConnectionTable(stack, this, reaper);
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
            return channel;
        }
    }
}
