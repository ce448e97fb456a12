package org.sipanchor.server;

import java.nio.charset.StandardCharsets;
import java.text.ParseException;
import java.util.Arrays;
import java.util.regex.Pattern;

import gov.nist.javax.sip.message.SIPMessage;
import gov.nist.javax.sip.parser.MessageParser;
import gov.nist.javax.sip.parser.MessageParserFactory;
import gov.nist.javax.sip.parser.ParseExceptionListener;
import gov.nist.javax.sip.parser.StringMsgParser;
import gov.nist.javax.sip.stack.SIPTransactionStack;

/**
 * The SIP stack's datagram parser, keeping the body of a message that has no Content-Length. RFC 3261 section 18.3:
 * over UDP the body runs to the end of the datagram when Content-Length is absent. jain-sip-ri 1.3.0-32 drops such a
 * body instead and hands the application a message with {@code Content-Length: 0}: an INVITE's offer vanished without
 * a word, and the call went on as a late offer, unanchored on the caller's side.
 *
 * <p>Stream transports (TCP, TLS, WebSocket) frame messages by Content-Length in their own parsers and do not read
 * the body here. The SIP stack loads this class from its properties:
 *
 * <pre>{@code
 * gov.nist.javax.sip.MESSAGE_PARSER_FACTORY=org.sipanchor.server.DatagramBodyParserFactory
 * }</pre>
 */
public final class DatagramBodyParserFactory implements MessageParserFactory {

    /** Stateless, like the stack's own parser, which its factory shares between all threads too. */
    private static final MessageParser PARSER = new DatagramBodyParser();

    @Override
    public MessageParser createMessageParser(SIPTransactionStack stack) {
        return PARSER;
    }

    /** The stack's parser, then the rest of the datagram as the body where there was no Content-Length. */
    static final class DatagramBodyParser extends StringMsgParser {

        /** A Content-Length header line, long or compact form (RFC 3261 section 7.3.3), at a line start. */
        private static final Pattern CONTENT_LENGTH = Pattern.compile("(?im)^(content-length|l)[ \t]*:");

        @Override
        public SIPMessage parseSIPMessage(byte[] datagram, boolean readBody, boolean strict, ParseExceptionListener listener)
                throws ParseException {
            SIPMessage message = super.parseSIPMessage(datagram, readBody, strict, listener);
            if (message == null || !readBody || message.getRawContent() != null) {
                return message;
            }
            int bodyStart = bodyStart(datagram);
            // The parsed message cannot tell: it reports a missing Content-Length as "Content-Length: 0". The datagram can.
            if (bodyStart > 0 && bodyStart < datagram.length && !CONTENT_LENGTH.matcher(
                    new String(datagram, 0, bodyStart, StandardCharsets.ISO_8859_1)).find()) {
                message.setMessageContent(Arrays.copyOfRange(datagram, bodyStart, datagram.length)); // Content-Length too
            }
            return message;
        }

        /** Where the body starts: after the blank line that ends the headers (CRLF CRLF, or LF LF); -1 if none. */
        static int bodyStart(byte[] datagram) {
            int start = 0;
            while (start < datagram.length && (datagram[start] == '\r' || datagram[start] == '\n')) {
                start++; // keep-alive CRLFs before the start line
            }
            for (int i = start; i < datagram.length - 1; i++) {
                if (datagram[i] == '\n' && datagram[i + 1] == '\n') {
                    return i + 2;
                }
                if (datagram[i] == '\n' && datagram[i + 1] == '\r' && i + 2 < datagram.length && datagram[i + 2] == '\n') {
                    return i + 3;
                }
            }
            return -1;
        }
    }
}
