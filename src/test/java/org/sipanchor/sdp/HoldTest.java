package org.sipanchor.sdp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

@DisplayName("hold and resume follow RFC 3264 section 8.4")
class HoldTest {

    private static SessionDescription audioWith(String directionLine) {
        return SessionDescription.parse(Fixtures.crlf("v=0", "o=- 1 1 IN IP4 192.0.2.1", "s=-", "c=IN IP4 192.0.2.1",
                "t=0 0", "m=audio 4000 RTP/AVP 0", directionLine, "a=ptime:20"));
    }

    @ParameterizedTest(name = "a={0} on hold is a={1}")
    @CsvSource({"sendrecv, sendonly", "sendonly, sendonly", "recvonly, inactive", "inactive, inactive"})
    void holdMarksTheStreamAsRfc3264Says(String before, String after) {
        SessionDescription held = audioWith("a=" + before).hold();
        assertEquals(Fixtures.crlf("v=0", "o=- 1 1 IN IP4 192.0.2.1", "s=-", "c=IN IP4 192.0.2.1", "t=0 0",
                "m=audio 4000 RTP/AVP 0", "a=" + after, "a=ptime:20"), Fixtures.text(held),
                "the direction line is replaced where it stands; port and address stay so the stream stays");
    }

    @ParameterizedTest(name = "a={0} held inactive")
    @CsvSource({"sendrecv", "sendonly", "recvonly", "inactive"})
    void holdInactiveStopsBothDirections(String before) {
        assertEquals(Direction.INACTIVE, audioWith("a=" + before).holdInactive().media().get(0).direction());
    }

    @ParameterizedTest(name = "a={0} resumed")
    @CsvSource({"sendrecv", "sendonly", "recvonly", "inactive"})
    void resumeGoesBackToSendrecv(String before) {
        SessionDescription resumed = audioWith("a=" + before).hold().resume();
        assertEquals(audioWith("a=sendrecv"), resumed);
    }

    @Test
    void withoutADirectionAttributeOneIsAddedAtTheEndOfTheSection() {
        SessionDescription held = Fixtures.sdp("sipp-pcmu.sdp").hold();
        assertEquals(Fixtures.crlf("v=0", "o=user1 53655765 2353687637 IN IP4 127.0.0.1", "s=-", "c=IN IP4 127.0.0.1",
                "t=0 0", "m=audio 6000 RTP/AVP 0", "a=rtpmap:0 PCMU/8000", "a=sendonly"), Fixtures.text(held));
        assertEquals(Direction.SENDONLY, held.media().get(0).direction());
    }

    @Test
    void aSessionLevelDirectionIsOverriddenPerStreamAndLeftAlone() {
        SessionDescription sdp = Fixtures.sdp("trailing-empty-line.sdp");
        SessionDescription held = sdp.hold();
        assertEquals(Direction.SENDRECV, held.direction());
        assertEquals(Direction.SENDONLY, held.media().get(0).direction());
        assertTrue(Fixtures.text(held).contains("t=0 0\r\na=sendrecv\r\nm=audio"));

        SessionDescription recvonly = SessionDescription.parse(Fixtures.crlf("v=0", "o=- 1 1 IN IP4 192.0.2.1", "s=-",
                "c=IN IP4 192.0.2.1", "t=0 0", "a=recvonly", "m=audio 4000 RTP/AVP 0"));
        assertEquals(Direction.INACTIVE, recvonly.hold().media().get(0).direction(), "recvonly inherited, held inactive");
        assertEquals(recvonly, recvonly.withDirection(Direction.RECVONLY), "already recvonly by inheritance");
    }

    @Test
    void onChromeOnlyTheTwoRtpDirectionLinesChange() {
        SessionDescription chrome = Fixtures.sdp("chrome-offer.sdp");
        List<String> before = Fixtures.lines(chrome);
        List<String> after = Fixtures.lines(chrome.hold());
        assertEquals(before.size(), after.size());
        List<Integer> changed = new ArrayList<>();
        for (int i = 0; i < before.size(); i++) {
            if (!before.get(i).equals(after.get(i))) {
                changed.add(i);
                assertEquals("a=sendrecv", before.get(i));
                assertEquals("a=sendonly", after.get(i));
            }
        }
        assertEquals(2, changed.size(), "audio and video; the data channel has no direction");
    }

    @Test
    void nonRtpAndRejectedStreamsAreNotHeld() {
        SessionDescription t38 = Fixtures.sdp("t38-reinvite.sdp");
        assertEquals(t38, t38.hold());
        assertEquals(t38, t38.resume());
    }

    @Test
    void severalDirectionAttributesCollapseIntoOne() {
        SessionDescription sdp = audioWith("a=sendrecv\r\na=recvonly");
        assertEquals(Direction.SENDRECV, sdp.media().get(0).direction(), "the first one counts");
        assertEquals(Fixtures.crlf("v=0", "o=- 1 1 IN IP4 192.0.2.1", "s=-", "c=IN IP4 192.0.2.1", "t=0 0",
                "m=audio 4000 RTP/AVP 0", "a=sendonly", "a=ptime:20"), Fixtures.text(sdp.hold()));
    }

    @Test
    void oneStreamCanBeHeldAlone() {
        SessionDescription call = Fixtures.sdp("video-call.sdp");
        MediaDescription video = call.media().get(1);
        SessionDescription videoHeld = call.withMedia(1, video.withDirection(video.direction().held()));
        assertEquals(Direction.SENDRECV, videoHeld.media().get(0).direction());
        assertEquals(Direction.SENDONLY, videoHeld.media().get(1).direction());
        assertTrue(Fixtures.text(videoHeld).endsWith("a=label:11\r\na=sendonly\r\n"));
    }

    @Test
    void disablingAStreamIsPortZeroAndNothingElse() {
        SessionDescription call = Fixtures.sdp("video-call.sdp");
        assertEquals(Fixtures.text(call).replace("m=video 9078 ", "m=video 0 "), Fixtures.text(call.withMediaPort(1, 0)));
        assertEquals(Fixtures.text(call).replace("m=video 9078 ", "m=video 0 "), Fixtures.text(call.disableMedia(1)));
    }

    @Test
    void aHeldStreamIsRecognisedWhicheverWayItWasHeld() {
        assertTrue(audioWith("a=sendonly").media().get(0).isHeld());
        assertTrue(audioWith("a=inactive").media().get(0).isHeld());
        assertTrue(Fixtures.sdp("chrome-offer.sdp").hold().media().get(0).isHeld());
        assertFalse(audioWith("a=recvonly").media().get(0).isHeld(), "recvonly: the other side was held");
        assertFalse(audioWith("a=sendrecv").media().get(0).isHeld());
        SessionDescription rfc2543 = SessionDescription.parse(Fixtures.crlf("v=0", "o=- 1 2 IN IP4 192.0.2.1", "s=-",
                "c=IN IP4 0.0.0.0", "t=0 0", "m=audio 4000 RTP/AVP 0"));
        assertTrue(rfc2543.media().get(0).isHeld(), "c=0.0.0.0, the RFC 2543 way");
        assertFalse(Fixtures.sdp("firefox-offer.sdp").media().get(0).isHeld(), "0.0.0.0 port 9 is ICE's placeholder");
    }

    @Test
    void directionHelpersSayWhoSends() {
        assertTrue(Direction.SENDONLY.sends() && !Direction.SENDONLY.receives());
        assertTrue(Direction.RECVONLY.receives() && !Direction.RECVONLY.sends());
        assertEquals(Direction.INACTIVE, Direction.fromAttribute("Inactive").orElseThrow());
        assertTrue(Direction.fromAttribute("rtcp-mux").isEmpty());
    }
}
