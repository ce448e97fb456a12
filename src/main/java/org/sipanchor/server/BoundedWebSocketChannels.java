package org.sipanchor.server;

import java.io.IOException;
import java.lang.reflect.Field;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.util.logging.Logger;

import gov.nist.javax.sip.stack.NioTcpMessageProcessor;
import gov.nist.javax.sip.stack.NioTlsWebSocketMessageChannel;
import gov.nist.javax.sip.stack.NioWebSocketMessageChannel;
import gov.nist.javax.sip.stack.SIPTransactionStack;

/**
 * jain-sip's WebSocket connections (ws, and wss once decrypted) with a bound on their frames: each byte the peer
 * sends after the upgrade request passes a {@link WebSocketFrameLimit} before it reaches jain-sip's decoder, and a
 * frame announcing more than {@code sip.limits.max_message_bytes} closes the connection at once, its payload never
 * buffered; so does an upgrade request longer than that. Without it jain-sip-ri 1.3.0-32's {@code WebSocketCodec} grows its buffer to whatever length a frame
 * announces, so a few fast peers announcing gigabytes exhaust the heap, and every call with it.
 *
 * <p>Where the bytes enter: the ws channel's {@code addBytes} takes what the socket read (the upgrade request, then
 * frames); the wss channel's {@code addBytes} takes TLS records and its TLS state machine hands the plaintext to
 * {@code addPlaintextBytes}, which passes it on to the same decoding. An exception thrown there ends in jain-sip's
 * reader closing the connection, as for any read error. Whether the upgrade request is still being read is jain-sip's
 * package-private {@code readingHttp}, read here by reflection; without it (another jain-sip version) that is logged
 * once and frames are bounded by nothing but the read timeout, as without this class.
 */
final class BoundedWebSocketChannels {

    private static final Logger LOG = Logger.getLogger(BoundedWebSocketChannels.class.getName());
    private static final Field READING_HTTP = readingHttp();
    /** A close frame with status 1009, "message too big" (RFC 6455 7.4.1), unmasked as a server's frames are. */
    private static final byte[] CLOSE_TOO_BIG = {(byte) 0x88, 2, (byte) (1009 >> 8), (byte) (1009 & 0xff)};

    private BoundedWebSocketChannels() {
    }

    /** An accepted ws connection. */
    static final class Ws extends NioWebSocketMessageChannel {
        private final OversizedFrames frames;
        private final WebSocketFrameLimit limit;

        Ws(SIPTransactionStack stack, NioTcpMessageProcessor processor, SocketChannel socket, OversizedFrames frames)
                throws IOException {
            super(stack, processor, socket);
            this.frames = frames;
            this.limit = frames.newConnection();
        }

        @Override
        protected void addBytes(byte[] bytes) throws Exception {
            if (!admits(this, limit, bytes)) {
                try {
                    // A courtesy: the peer may learn why. Non-blocking, so a peer that does not read costs nothing.
                    socketChannel.write(ByteBuffer.wrap(CLOSE_TOO_BIG));
                } catch (IOException alreadyGone) {
                    // closed below all the same
                }
                throw refused(frames, this, limit);
            }
            super.addBytes(bytes);
        }
    }

    /**
     * An accepted wss connection. No close frame is sent: it would be encrypted from inside the TLS state machine's
     * decryption, which jain-sip does not expect; the connection is closed all the same.
     */
    static final class Wss extends NioTlsWebSocketMessageChannel {
        private final OversizedFrames frames;
        private final WebSocketFrameLimit limit;

        Wss(SIPTransactionStack stack, NioTcpMessageProcessor processor, SocketChannel socket, OversizedFrames frames)
                throws IOException {
            super(stack, processor, socket);
            this.frames = frames;
            this.limit = frames.newConnection();
        }

        @Override
        public void addPlaintextBytes(byte[] bytes) throws Exception {
            if (!admits(this, limit, bytes)) {
                throw refused(frames, this, limit);
            }
            super.addPlaintextBytes(bytes);
        }
    }

    /** Whether {@code bytes}, the next the channel's decoding takes (upgrade request or frames), may go on. */
    private static boolean admits(NioWebSocketMessageChannel channel, WebSocketFrameLimit limit, byte[] bytes)
            throws IllegalAccessException {
        if (READING_HTTP == null) {
            return true;
        }
        return READING_HTTP.getBoolean(channel) ? limit.admitsUpgrade(bytes.length) : limit.admits(bytes);
    }

    private static IOException refused(OversizedFrames frames, NioWebSocketMessageChannel channel, WebSocketFrameLimit limit) {
        frames.closed(channel.getSocketChannel(), channel.getTransport(), limit.refusedBytes());
        return new IOException("a WebSocket upgrade request or frame of " + Long.toUnsignedString(limit.refusedBytes())
                + " bytes, beyond sip.limits.max_message_bytes");
    }

    private static Field readingHttp() {
        try {
            Field field = NioWebSocketMessageChannel.class.getDeclaredField("readingHttp");
            field.setAccessible(true);
            return field;
        } catch (ReflectiveOperationException | RuntimeException e) {
            LOG.warning("WebSocket frames are not bounded by sip.limits.max_message_bytes: jain-sip's"
                    + " NioWebSocketMessageChannel.readingHttp is out of reach (" + e + ")");
            return null;
        }
    }
}
