package org.sipanchor.server;

import java.io.IOException;
import java.lang.reflect.Field;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.logging.Logger;

import gov.nist.javax.sip.stack.NioTcpMessageProcessor;
import gov.nist.javax.sip.stack.NioTlsWebSocketMessageChannel;
import gov.nist.javax.sip.stack.NioWebSocketMessageChannel;
import gov.nist.javax.sip.stack.SIPTransactionStack;
import gov.nist.javax.sip.stack.SSLStateMachine;

/**
 * jain-sip's WebSocket connections (ws, and wss once decrypted) with a bound on their frames: each byte the peer
 * sends after the upgrade request passes a {@link WebSocketFrameLimit} before it reaches jain-sip's decoder, and a
 * frame announcing more than {@code sip.limits.max_message_bytes} closes the connection at once, its payload never
 * buffered; so does an upgrade request longer than that. Without it jain-sip-ri 1.3.0-32's {@code WebSocketCodec}
 * grows its buffer to whatever length a frame announces, so a few fast peers announcing gigabytes exhaust the heap,
 * and every call with it.
 *
 * <p>Where the bytes enter: the ws channel's {@code addBytes} takes what the socket read (the upgrade request, then
 * frames); the wss channel's {@code addBytes} takes TLS records and its TLS state machine hands the plaintext to
 * {@code addPlaintextBytes}, which passes it on to the same decoding. An exception thrown there ends in jain-sip's
 * reader closing the connection, as for any read error. Before that the peer is told why: a close frame with status
 * 1009, "message too big" (RFC 6455 7.4.1), or, while it is still sending its upgrade request, an HTTP 431 (RFC 6585).
 *
 * <p>Two of jain-sip's package-private fields are read by reflection: whether the upgrade request is still being read
 * ({@code readingHttp}) and a wss connection's TLS state ({@code sslStateMachine}). Without the first (another
 * jain-sip version) that is logged once and frames are bounded by nothing but the read timeout, as without this
 * class; without the second, a refused wss connection is closed without being told why.
 */
final class BoundedWebSocketChannels {

    private static final Logger LOG = Logger.getLogger(BoundedWebSocketChannels.class.getName());
    private static final Field READING_HTTP = field(NioWebSocketMessageChannel.class, "readingHttp",
            "WebSocket frames are not bounded by sip.limits.max_message_bytes");
    private static final Field TLS_STATE = field(NioTlsWebSocketMessageChannel.class, "sslStateMachine",
            "a wss connection refused by sip.limits.max_message_bytes is closed without being told why");
    /** A close frame with status 1009, "message too big" (RFC 6455 7.4.1), unmasked as a server's frames are. */
    private static final byte[] CLOSE_TOO_BIG = {(byte) 0x88, 2, (byte) (1009 >> 8), (byte) (1009 & 0xff)};
    /** The reply to an upgrade request past the limit: the peer is not speaking WebSocket yet. */
    private static final byte[] UPGRADE_TOO_LARGE = ("HTTP/1.1 431 Request Header Fields Too Large\r\n"
            + "Connection: close\r\nContent-Length: 0\r\n\r\n").getBytes(StandardCharsets.US_ASCII);

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
                writeBeforeClosing(socketChannel, refusal(this));
                throw refused(frames, this, limit);
            }
            super.addBytes(bytes);
        }
    }

    /** An accepted wss connection: the frames are bounded once decrypted, and the refusal is encrypted. */
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
                sendEncryptedBeforeClosing(refusal(this));
                throw refused(frames, this, limit);
            }
            super.addPlaintextBytes(bytes);
        }

        /**
         * Encrypted by the connection's own TLS state (under its lock for encrypting, which a SIP thread sending on
         * this connection also takes) and written straight to the socket: jain-sip's own sends are queued for its
         * selector thread, and the connection is closed before that thread would write them.
         */
        private void sendEncryptedBeforeClosing(byte[] plaintext) {
            if (TLS_STATE == null) {
                return;
            }
            try {
                SSLStateMachine tls = (SSLStateMachine) TLS_STATE.get(this);
                tls.wrap(ByteBuffer.wrap(plaintext), prepareEncryptedDataBuffer(),
                        record -> writeBeforeClosing(socketChannel, record));
            } catch (IOException | IllegalAccessException | RuntimeException e) {
                LOG.fine(() -> "a refused wss connection was not told why: " + e);
            }
        }
    }

    /** What a refused peer is told: a close frame once it sends frames, a 431 while it sends its upgrade request. */
    private static byte[] refusal(NioWebSocketMessageChannel channel) throws IllegalAccessException {
        return READING_HTTP.getBoolean(channel) ? UPGRADE_TOO_LARGE : CLOSE_TOO_BIG;
    }

    /** A courtesy write on a connection about to close. Non-blocking, so a peer that does not read costs nothing. */
    private static void writeBeforeClosing(SocketChannel socket, byte[] bytes) {
        try {
            socket.write(ByteBuffer.wrap(bytes));
        } catch (IOException alreadyGone) {
            // closed all the same
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

    /** jain-sip's package-private {@code owner.name}, or null (logged once, with what is lost) in another version. */
    private static Field field(Class<?> owner, String name, String withoutIt) {
        try {
            Field field = owner.getDeclaredField(name);
            field.setAccessible(true);
            return field;
        } catch (ReflectiveOperationException | RuntimeException e) {
            LOG.warning(withoutIt + ": jain-sip's " + owner.getSimpleName() + "." + name
                    + " is out of reach (" + e + ")");
            return null;
        }
    }
}
