package org.sipanchor.sdp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import java.nio.charset.StandardCharsets;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

@DisplayName("Malformed SDP is an SdpException naming the line")
class MalformedSdpTest {

    private static final String V = "v=0";
    private static final String O = "o=- 1 1 IN IP4 192.0.2.1";
    private static final String S = "s=-";
    private static final String C = "c=IN IP4 192.0.2.1";
    private static final String T = "t=0 0";

    private static String sdp(String... lines) {
        return Fixtures.crlf(lines);
    }

    static Stream<Arguments> malformed() {
        return Stream.of(
                arguments("an empty body", "", 1, "", "empty"),
                arguments("only blank lines", "\r\n  \r\n", 1, "", "empty"),
                arguments("no v= first", sdp(O, S, C, T), 1, O, "must start with v="),
                arguments("another version", sdp("v=1", O, S, C, T), 1, "v=1", "v=0"),
                arguments("no o=", sdp(V, S, C, T), 2, S, "o="),
                arguments("an o= with five fields", sdp(V, "o=- 1 IN IP4 192.0.2.1", S, C, T), 2, "o=- 1 IN IP4 192.0.2.1", "o=<username>"),
                arguments("no s=", sdp(V, O, C, T), 3, C, "s="),
                arguments("an m= before s=", sdp(V, O, "m=audio 4000 RTP/AVP 0"), 3, "m=audio 4000 RTP/AVP 0", "s="),
                arguments("a body that ends after v=", "v=0\r\n", 2, "", "ends before o="),
                arguments("a line that is not x=", sdp(V, O, S, C, T, "hello world"), 6, "hello world", "<letter>=<value>"),
                arguments("an upper-case type", sdp(V, O, S, C, T, "A=sendrecv"), 6, "A=sendrecv", "<letter>=<value>"),
                arguments("a leading blank", sdp(V, O, S, C, T, " a=sendrecv"), 6, " a=sendrecv", "<letter>=<value>"),
                arguments("a lone letter", sdp(V, O, S, C, T, "a"), 6, "a", "<letter>=<value>"),
                arguments("a blank line inside", sdp(V, O, S, "", C, T), 4, "", "blank line"),
                arguments("a bare CR inside a line", sdp(V, O, S, "c=IN IP4\r192.0.2.1", T), 4, "c=IN IP4?192.0.2.1", "CR"),
                arguments("a NUL byte", sdp(V, O, S, C, "t=0\u00000"), 5, "t=0?0", "NUL"),
                arguments("a second v=", sdp(V, O, S, C, T, V), 6, V, "only once"),
                arguments("a second session c=", sdp(V, O, S, C, C, T), 5, C, "second c="),
                arguments("a c= with two fields", sdp(V, O, S, "c=IN 192.0.2.1", T), 4, "c=IN 192.0.2.1", "c=<nettype>"),
                arguments("a t= that is not two times", sdp(V, O, S, C, "t=now"), 5, "t=now", "t=<start-time>"),
                arguments("a b= without a number", sdp(V, O, S, C, "b=AS:lots", T), 5, "b=AS:lots", "b=<bwtype>"),
                arguments("an attribute without a name", sdp(V, O, S, C, T, "a=:x"), 6, "a=:x", "not a token"),
                arguments("an attribute name with a blank", sdp(V, O, S, C, T, "a=send recv"), 6, "a=send recv", "not a token"),
                arguments("an m= with a word for a port", sdp(V, O, S, C, T, "m=audio abc RTP/AVP 0"), 6, "m=audio abc RTP/AVP 0", "port"),
                arguments("an m= port above 65535", sdp(V, O, S, C, T, "m=audio 70000 RTP/AVP 0"), 6, "m=audio 70000 RTP/AVP 0", "port"),
                arguments("an m= port count of 0", sdp(V, O, S, C, T, "m=audio 4000/0 RTP/AVP 0"), 6, "m=audio 4000/0 RTP/AVP 0", "port count"),
                arguments("an m= with no protocol", sdp(V, O, S, C, T, "m=audio 4000"), 6, "m=audio 4000", "m=<media>"),
                arguments("an active m= with no format", sdp(V, O, S, C, T, "m=audio 4000 RTP/AVP"), 6, "m=audio 4000 RTP/AVP", "no media formats"),
                arguments("a codec name as an RTP format", sdp(V, O, S, C, T, "m=audio 4000 RTP/AVP PCMU"), 6, "m=audio 4000 RTP/AVP PCMU", "payload type"),
                arguments("an RTP payload type above 127", sdp(V, O, S, C, T, "m=audio 4000 RTP/SAVP 0 128"), 6, "m=audio 4000 RTP/SAVP 0 128", "payload type"),
                arguments("an rtpmap with a word for a payload type", sdp(V, O, S, C, T, "m=audio 4000 RTP/AVP 0", "a=rtpmap:x PCMU/8000"), 7, "a=rtpmap:x PCMU/8000", "rtpmap"),
                arguments("an rtpmap without a clock rate", sdp(V, O, S, C, T, "m=audio 4000 RTP/AVP 96", "a=rtpmap:96 opus"), 7, "a=rtpmap:96 opus", "rtpmap"),
                arguments("a t= inside a media section", sdp(V, O, S, C, T, "m=audio 4000 RTP/AVP 0", T), 7, T, "session part"),
                arguments("an o= inside a media section", sdp(V, O, S, C, T, "m=audio 4000 RTP/AVP 0", O), 7, O, "session part"),
                arguments("an active stream without any c=", sdp(V, O, S, T, "m=audio 4000 RTP/AVP 0"), 5, "m=audio 4000 RTP/AVP 0", "no c= line"),
                arguments("a media c= with one field", sdp(V, O, S, T, "m=audio 4000 RTP/AVP 0", "c=192.0.2.1"), 6, "c=192.0.2.1", "c=<nettype>"),
                arguments("a crypto line where o= belongs", sdp(V, "a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:PS1uQCVeeCFCanVmcjkpPywjNWhcYD0mXXtxaVBR|2^20|1:32", S),
                        2, "a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:***", "o="),
                arguments("a garbled crypto line", sdp(V, O, S, C, T, "a crypto:1 AES_CM_128_HMAC_SHA1_80 inline:PS1uQCVeeCFCanVmcjkpPywjNWhcYD0mXXtxaVBR"),
                        6, "a crypto:1 AES_CM_128_HMAC_SHA1_80 inline:***", "<letter>=<value>"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("malformed")
    void isRefusedNamingTheLine(String what, String body, int lineNumber, String line, String problem) {
        SdpException e = assertThrows(SdpException.class, () -> SessionDescription.parse(body.getBytes(StandardCharsets.UTF_8)));
        assertEquals(SdpException.Reason.MALFORMED, e.reason());
        assertEquals(lineNumber, e.lineNumber(), e.getMessage());
        assertEquals(line, e.line(), e.getMessage());
        assertTrue(e.getMessage().contains(problem), e.getMessage());
        assertTrue(e.getMessage().startsWith("SDP line " + lineNumber), e.getMessage());
        for (String key : Fixtures.SRTP_KEYS) {
            assertFalse(e.getMessage().contains(key), "a crypto key in " + e.getMessage());
        }
    }

    @Test
    void theMessageQuotesTheLineAndThePortValue() {
        SdpException e = assertThrows(SdpException.class,
                () -> SessionDescription.parse(sdp(V, O, S, C, T, "m=audio x RTP/AVP 0")));
        assertEquals("SDP line 6 \"m=audio x RTP/AVP 0\": port is not a number 0-65535: x", e.getMessage());
        assertEquals("port is not a number 0-65535: x", e.problem());
    }

    @Test
    void aVeryLongOrControlLadenLineIsShortenedAndNeutralised() {
        String evil = "x" + "\u001b[31m".repeat(100);
        SdpException e = assertThrows(SdpException.class, () -> SessionDescription.parse(sdp(V, O, S, C, T, evil)));
        assertFalse(e.getMessage().contains("\u001b"));
        assertTrue(e.line().length() <= 163, e.line());
        assertTrue(e.line().endsWith("..."));
    }

    @Test
    void aRejectedStreamMayComeWithoutFormats() {
        SessionDescription sdp = SessionDescription.parse(sdp(V, O, S, C, T, "m=audio 4000 RTP/AVP 0", "m=video 0 RTP/AVP"));
        assertTrue(sdp.media().get(1).formats().isEmpty());
        assertFalse(sdp.media().get(1).isEnabled());
    }

    @Test
    void aRejectedStreamNeedsNoConnection() {
        SessionDescription sdp = SessionDescription.parse(sdp(V, O, S, T, "m=audio 0 RTP/AVP 0"));
        assertTrue(sdp.media().get(0).effectiveConnection().isEmpty());
    }

    @Test
    void anSdpWithoutMediaIsValid() {
        assertTrue(SessionDescription.parse(sdp(V, O, S, C, T)).media().isEmpty());
    }
}
