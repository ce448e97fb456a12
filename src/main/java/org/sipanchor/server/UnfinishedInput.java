package org.sipanchor.server;

import java.lang.reflect.Field;
import java.nio.ByteBuffer;
import java.util.Optional;
import java.util.logging.Logger;

import gov.nist.javax.sip.parser.NioPipelineParser;
import gov.nist.javax.sip.stack.NioTcpMessageChannel;
import gov.nist.javax.sip.stack.NioTlsMessageChannel;
import gov.nist.javax.sip.stack.NioTlsWebSocketMessageChannel;
import gov.nist.javax.sip.stack.NioWebSocketMessageChannel;

/**
 * Whether a connection of jain-sip's NIO listeners holds part of a message it has not received all of: the start of
 * a TLS record, of a WebSocket frame or of the WebSocket upgrade request, or of a SIP message (its first line,
 * headers, or body short of its Content-Length). CRLF keep-alives between messages are not part of one.
 *
 * <p>jain-sip-ri 1.3.0-32 keeps all of this in fields of package-private or private visibility (the channel's parser,
 * the parser's buffers, the WebSocket codec's write index, the TLS state machine's record buffer) and offers no
 * callback at a message's first byte. They are read here, and nowhere else. A field that is missing (another jain-sip
 * version) is logged once, and that layer counts as holding nothing: the connection is then bounded by
 * {@code max_message_bytes} and the idle timeout only, as without {@link SlowMessageReaper}.
 */
final class UnfinishedInput {

    private static final Logger LOG = Logger.getLogger(UnfinishedInput.class.getName());

    private static final Field PARSER = field(NioTcpMessageChannel.class, "nioParser");
    private static final Field MESSAGE = field(NioPipelineParser.class, "message");
    private static final Field READING_BODY = field(NioPipelineParser.class, "readingMessageBodyContents");
    private static final Field PARTIAL_LINE = field(NioPipelineParser.class, "partialLine");
    private static final Field READING_HTTP = field(NioWebSocketMessageChannel.class, "readingHttp");
    private static final Field HTTP_INPUT = field(NioWebSocketMessageChannel.class, "httpInput");
    private static final Field CODEC = field(NioWebSocketMessageChannel.class, "codec");
    private static final Field CODEC_BUFFERED = CODEC == null ? null : field(CODEC.getType(), "writeIndex");
    private static final Field TLS_STATE = field(NioTlsMessageChannel.class, "sslStateMachine");
    private static final Field WSS_STATE = field(NioTlsWebSocketMessageChannel.class, "sslStateMachine");
    private static final Field TLS_RECORD = TLS_STATE == null ? null : field(TLS_STATE.getType(), "tlsRecordBuffer");

    private UnfinishedInput() {
    }

    /** Whether the parser's state can be read at all: without it, no connection is ever seen holding a message. */
    static boolean readable() {
        return PARSER != null && MESSAGE != null && READING_BODY != null && PARTIAL_LINE != null;
    }

    /**
     * What {@code channel} holds of an unfinished message, as a token that stays the same object until the SIP
     * message in progress completes (the parser's buffer for it, replaced at each message's end); empty when it holds
     * nothing. Read from another thread than the channel's reader: a stale answer is put right at the next look.
     */
    static Optional<Object> of(NioTcpMessageChannel channel) {
        if (!readable()) {
            return Optional.empty();
        }
        try {
            Object parser = PARSER.get(channel);
            if (parser == null) {
                return Optional.empty();
            }
            Object message;
            boolean partial;
            synchronized (parser) { // the parser's own lock, held while it takes in each chunk of bytes
                message = MESSAGE.get(parser);
                partial = ((CharSequence) message).length() > 0 || READING_BODY.getBoolean(parser)
                        || !((String) PARTIAL_LINE.get(parser)).isEmpty();
            }
            return partial || belowParser(channel) ? Optional.of(message) : Optional.empty();
        } catch (ReflectiveOperationException | RuntimeException e) {
            return Optional.empty();
        }
    }

    /** Whether a layer under the SIP parser (TLS record, WebSocket frame or upgrade request) holds part of a unit. */
    private static boolean belowParser(NioTcpMessageChannel channel) throws IllegalAccessException {
        Field tls = channel instanceof NioTlsWebSocketMessageChannel ? WSS_STATE
                : channel instanceof NioTlsMessageChannel ? TLS_STATE : null;
        if (tls != null && TLS_RECORD != null) {
            Object state = tls.get(channel);
            if (state != null && TLS_RECORD.get(state) instanceof ByteBuffer) {
                return true;
            }
        }
        if (channel instanceof NioWebSocketMessageChannel) {
            if (READING_HTTP != null && HTTP_INPUT != null && READING_HTTP.getBoolean(channel)) {
                Object http = HTTP_INPUT.get(channel);
                return http != null && !((String) http).isEmpty();
            }
            if (CODEC_BUFFERED != null) {
                Object codec = CODEC.get(channel);
                return codec != null && CODEC_BUFFERED.getInt(codec) > 0;
            }
        }
        return false;
    }

    private static Field field(Class<?> owner, String name) {
        try {
            Field field = owner.getDeclaredField(name);
            field.setAccessible(true);
            return field;
        } catch (ReflectiveOperationException | RuntimeException e) {
            LOG.warning("the NIO listeners' " + owner.getSimpleName() + "." + name + " is out of reach (" + e
                    + "): a message trickled through that layer is bounded by max_message_bytes and the idle timeout only");
            return null;
        }
    }
}
