package org.sipanchor.media;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.sipanchor.config.MediaLimits;
import org.sipanchor.config.NonRtpSections;
import org.sipanchor.sdp.MediaDescription;
import org.sipanchor.sdp.SessionDescription;

@DisplayName("An offer from the network, before RTPEngine sees it")
class OfferCheckTest {

    private static final String HEAD = "v=0\r\no=alice 1 1 IN IP4 192.0.2.10\r\ns=-\r\nc=IN IP4 192.0.2.10\r\nt=0 0\r\n";
    private static final String AUDIO = "m=audio 16000 RTP/AVP 0\r\na=rtpmap:0 PCMU/8000\r\n";
    private static final String MSRP = "m=message 2855 TCP/MSRP *\r\na=accept-types:text/plain\r\n"
            + "a=path:msrp://192.0.2.10:2855/kjh;tcp\r\n";

    private final OfferCheck check = new OfferCheck(MediaLimits.DEFAULTS);

    @Test
    @DisplayName("passes untouched, the very same bytes, when it is within every limit and all RTP")
    void passesWithinLimits() {
        byte[] sdp = bytes(HEAD + AUDIO + AUDIO.replace("audio 16000", "video 16002"));
        assertArrayEquals(sdp, check.admitted("c1", sdp));
    }

    @Test
    @DisplayName("over media.limits.max_sdp_bytes is TOO_LARGE (413), naming the size and the limit, before it is parsed")
    void tooLarge() {
        byte[] sdp = bytes("not even SDP ".repeat(1300)); // 16,900 bytes
        MediaException e = assertThrows(MediaException.class, () -> check.admitted("c1", sdp));
        assertEquals(MediaException.Kind.TOO_LARGE, e.kind());
        assertEquals("SDP body of 16900 bytes is over the limit of 16384 bytes", e.callerWarning().orElseThrow());
        assertTrue(e.reason().contains("media.limits.max_sdp_bytes"), e.reason());
        assertEquals("c1", e.callId());
    }

    @Test
    @DisplayName("with more m= lines than media.limits.max_media_sections is refused (488), naming the first section beyond")
    void tooManySections() {
        byte[] sdp = bytes(HEAD + AUDIO.repeat(9));
        MediaException e = assertThrows(MediaException.class, () -> check.admitted("c1", sdp));
        assertEquals(MediaException.Kind.UNACCEPTABLE, e.kind());
        // 5 session lines, then 2 lines a section: the 9th m= line is line 22
        assertEquals("too many media sections: line 22 'm=audio 16000 RTP/AVP 0' is section 9 of 9 (at most 8)", e.callerWarning().orElseThrow());
        assertTrue(e.reason().contains("media.limits.max_media_sections"), e.reason());
    }

    @Test
    @DisplayName("takes exactly media.limits.max_media_sections sections")
    void exactlyTheLimit() {
        byte[] sdp = bytes(HEAD + AUDIO.repeat(8));
        assertArrayEquals(sdp, check.admitted("c1", sdp));
    }

    @Test
    @DisplayName("has its media over TCP (MSRP) disabled by default: port 0, and nothing of the endpoint left in the section")
    void disablesMediaOverTcp() {
        SessionDescription out = SessionDescription.parse(check.admitted("c1", bytes(HEAD + AUDIO + MSRP)));
        MediaDescription msrp = out.media().get(1);
        assertEquals(0, msrp.port());
        assertEquals("m=message 0 TCP/MSRP *", msrp.mediaLine());
        assertEquals("0.0.0.0", msrp.connection().orElseThrow().address(), "RTPEngine would copy the session's address in");
        assertTrue(msrp.attributes().isEmpty(), "a=path names the endpoint");
        assertEquals(16000, out.media().get(0).port(), "the audio goes on to be anchored");
        assertFalse(new String(out.toBytes(), StandardCharsets.UTF_8).contains("msrp://"));
    }

    @Test
    @DisplayName("with media.non_rtp_sections: refuse, media over TCP refuses the offer (488), naming the section")
    void refusesMediaOverTcp() {
        OfferCheck refusing = new OfferCheck(new MediaLimits(16_384, 8, NonRtpSections.REFUSE));
        MediaException e = assertThrows(MediaException.class, () -> refusing.admitted("c1", bytes(HEAD + AUDIO + MSRP)));
        assertEquals(MediaException.Kind.UNACCEPTABLE, e.kind());
        assertEquals("media over TCP cannot be anchored: line 8 'm=message 2855 TCP/MSRP *'", e.callerWarning().orElseThrow());
    }

    @Test
    @DisplayName("with only media over TCP is refused (488): nothing would be left to anchor")
    void onlyMediaOverTcp() {
        MediaException e = assertThrows(MediaException.class, () -> check.admitted("c1", bytes(HEAD + MSRP)));
        assertEquals(MediaException.Kind.UNACCEPTABLE, e.kind());
        assertEquals("no media left to anchor: line 6 'm=message 2855 TCP/MSRP *' is media over TCP", e.callerWarning().orElseThrow());
    }

    @Test
    @DisplayName("keeps what RTPEngine 10.5 anchors over UDP: T.38 (udptl) and data channels (UDP/DTLS/SCTP)")
    void keepsUdpNonRtp() {
        byte[] sdp = bytes(HEAD + AUDIO + "m=image 17000 udptl t38\r\n"
                + "m=application 18000 UDP/DTLS/SCTP webrtc-datachannel\r\n");
        assertArrayEquals(sdp, check.admitted("c1", sdp));
    }

    @Test
    @DisplayName("that does not parse is MALFORMED_SDP naming its line, as before")
    void malformed() {
        MediaException e = assertThrows(MediaException.class, () -> check.admitted("c1", bytes("v=0\r\nx\r\n")));
        assertEquals(MediaException.Kind.MALFORMED_SDP, e.kind());
        assertTrue(e.reason().contains("line 2"), e.reason());
    }

    @Test
    @DisplayName("in a multipart body is refused with a reason that says how to send it")
    void multipart() {
        MediaException e = OfferCheck.multipart("c1", "multipart/mixed;boundary=unique-boundary-1");
        assertEquals(MediaException.Kind.UNSUPPORTED_BODY, e.kind());
        assertEquals("SDP in a multipart/mixed body is not anchored: send it as the whole body (application/sdp)", e.callerWarning().orElseThrow());
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
