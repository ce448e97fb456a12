package org.sipanchor.server;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import gov.nist.javax.sip.message.SIPMessage;
import gov.nist.javax.sip.parser.StringMsgParser;

@DisplayName("A SIP datagram")
class DatagramBodyParserTest {

    private static final String HEAD = "INVITE sip:bob@127.0.0.1 SIP/2.0\r\n"
            + "Via: SIP/2.0/UDP 127.0.0.1:5070;branch=z9hG4bK-1\r\n"
            + "From: <sip:alice@127.0.0.1>;tag=a\r\nTo: <sip:bob@127.0.0.1>\r\nCall-ID: dgram-1\r\nCSeq: 1 INVITE\r\n"
            + "Max-Forwards: 70\r\nContent-Type: application/sdp\r\n";
    private static final String SDP = "v=0\r\no=alice 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n"
            + "m=audio 16000 RTP/AVP 0\r\n";

    @Test
    @DisplayName("without Content-Length loses its body in the stack's own parser (why sipanchor replaces it)")
    void stackParserDropsTheBody() throws Exception {
        SIPMessage parsed = new StringMsgParser().parseSIPMessage(bytes(HEAD + "\r\n" + SDP), true, false, null);
        assertEquals(null, parsed.getRawContent());
    }

    @Test
    @DisplayName("without Content-Length keeps its body to the end of the datagram (RFC 3261 section 18.3)")
    void keepsTheBody() throws Exception {
        SIPMessage parsed = new DatagramBodyParserFactory().createMessageParser(null)
                .parseSIPMessage(bytes(HEAD + "\r\n" + SDP), true, false, null);
        assertArrayEquals(bytes(SDP), parsed.getRawContent());
        assertEquals(SDP.length(), parsed.getContentLength().getContentLength());
    }

    @Test
    @DisplayName("with Content-Length is read as the stack reads it")
    void withContentLength() throws Exception {
        SIPMessage parsed = new DatagramBodyParserFactory().createMessageParser(null)
                .parseSIPMessage(bytes(HEAD + "Content-Length: " + SDP.length() + "\r\n\r\n" + SDP), true, false, null);
        assertArrayEquals(bytes(SDP), parsed.getRawContent());
    }

    @Test
    @DisplayName("without Content-Length and without a body has none")
    void noBody() throws Exception {
        SIPMessage parsed = new DatagramBodyParserFactory().createMessageParser(null)
                .parseSIPMessage(bytes(HEAD + "\r\n"), true, false, null);
        assertEquals(null, parsed.getRawContent());
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }
}
