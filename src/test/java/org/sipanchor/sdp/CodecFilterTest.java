package org.sipanchor.sdp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("filterCodecs keeps the chosen codecs and only touches their lines")
class CodecFilterTest {

    private static final Pattern PER_FORMAT = Pattern.compile("^a=(rtpmap|fmtp|rtcp-fb|imageattr|framesize):(\\d+)\\b.*");

    private static List<String> formats(SessionDescription sdp, int media) {
        return sdp.media().get(media).formats();
    }

    /** The lines of {@code before} missing from {@code after}, checking that nothing else moved or changed. */
    private static List<String> removedLines(SessionDescription before, SessionDescription after, Set<Integer> changedLines) {
        List<String> b = Fixtures.lines(before);
        List<String> a = Fixtures.lines(after);
        List<String> removed = new ArrayList<>();
        int j = 0;
        for (int i = 0; i < b.size(); i++) {
            if (changedLines.contains(i)) {
                j++;
            } else if (j < a.size() && a.get(j).equals(b.get(i))) {
                j++;
            } else {
                removed.add(b.get(i));
            }
        }
        assertEquals(a.size(), j, "no line was added");
        return removed;
    }

    private static int lineIndex(SessionDescription sdp, String text) {
        return Fixtures.lines(sdp).indexOf(text);
    }

    @Test
    void onChromeOnlyTheChosenCodecsAndTheirLinesRemain() {
        SessionDescription chrome = Fixtures.sdp("chrome-offer.sdp");
        SessionDescription kept = chrome.filterCodecs(List.of("opus", "VP8"));

        assertEquals(List.of("111", "110"), formats(kept, 0), "opus and the telephone-event at opus' clock rate");
        assertEquals(List.of("96", "97"), formats(kept, 1), "VP8 and its rtx");
        assertEquals("m=audio 56143 UDP/TLS/RTP/SAVPF 111 110", Fixtures.lines(kept).get(lineIndex(chrome,
                "m=audio 56143 UDP/TLS/RTP/SAVPF 111 63 9 0 8 13 110 126")));

        Set<Integer> dropped = Set.of(63, 9, 0, 8, 13, 126, 98, 99, 102, 103, 45, 46, 116, 117, 118);
        List<String> removed = removedLines(chrome, kept, Set.of(
                lineIndex(chrome, "m=audio 56143 UDP/TLS/RTP/SAVPF 111 63 9 0 8 13 110 126"),
                lineIndex(chrome, "m=video 56143 UDP/TLS/RTP/SAVPF 96 97 98 99 102 103 45 46 116 117 118")));
        List<String> expected = Fixtures.lines(chrome).stream().filter(l -> {
            Matcher m = PER_FORMAT.matcher(l);
            return m.matches() && dropped.contains(Integer.parseInt(m.group(2)));
        }).toList();
        assertEquals(expected, removed, "exactly the rtpmap, fmtp and rtcp-fb lines of the dropped formats go");
        assertEquals(37, removed.size());
        assertEquals(kept, SessionDescription.parse(kept.toBytes()));
    }

    @Test
    void telephoneEventIsKeptByDefault() {
        SessionDescription sdp = Fixtures.sdp("lf-only.sdp");
        SessionDescription kept = sdp.filterCodecs(List.of("PCMU"));
        assertEquals(List.of("0", "101"), formats(kept, 0));
        assertTrue(Fixtures.text(kept).contains("a=fmtp:101 0-16\n"));
    }

    @Test
    void telephoneEventCanBeDropped() {
        SessionDescription kept = Fixtures.sdp("lf-only.sdp").filterCodecs(CodecFilter.keep("PCMU").withoutTelephoneEvent());
        assertEquals(List.of("0"), formats(kept, 0));
        assertFalse(Fixtures.text(kept).contains("telephone-event"));
        assertFalse(Fixtures.text(kept).contains("a=fmtp:101"));
    }

    @Test
    void telephoneEventFollowsTheClockRateOfTheKeptCodecs() {
        SessionDescription volte = Fixtures.sdp("volte-offer.sdp");
        assertEquals(List.of("116", "107", "111"), formats(volte.filterCodecs(List.of("AMR-WB")), 0));
        assertEquals(List.of("118", "96", "110"), formats(volte.filterCodecs(List.of("AMR")), 0));
        assertEquals(List.of("116", "107", "118", "96", "111", "110"), formats(volte.filterCodecs(List.of("amr-wb", "amr")), 0));
        assertEquals(List.of("116", "107", "110"), formats(volte.filterCodecs(
                CodecFilter.keep("AMR-WB", "telephone-event/8000").withoutTelephoneEvent()), 0), "a name may carry a rate");
    }

    @Test
    void whenNoTelephoneEventMatchesARateAllAreKept() {
        SessionDescription sdp = SessionDescription.parse(Fixtures.crlf("v=0", "o=- 1 1 IN IP4 192.0.2.1", "s=-",
                "c=IN IP4 192.0.2.1", "t=0 0", "m=audio 4000 RTP/AVP 9 101", "a=rtpmap:101 telephone-event/16000"));
        assertEquals(List.of("9", "101"), formats(sdp.filterCodecs(List.of("G722")), 0));
    }

    @Test
    void comfortNoiseIsACodecLikeAnyOther() {
        SessionDescription chrome = Fixtures.sdp("chrome-offer.sdp");
        assertEquals(List.of("0", "126"), formats(chrome.filterCodecs("audio", List.of("PCMU")), 0));
        assertEquals(List.of("0", "13", "126"), formats(chrome.filterCodecs("audio", List.of("PCMU", "CN")), 0));
    }

    @Test
    void namesAreMatchedIgnoringCaseAndStaticPayloadTypesByTheirRfc3551Name() {
        SessionDescription sdp = SessionDescription.parse(Fixtures.crlf("v=0", "o=- 1 1 IN IP4 192.0.2.1", "s=-",
                "c=IN IP4 192.0.2.1", "t=0 0", "m=audio 4000 RTP/AVP 0 8 18 96", "a=fmtp:18 annexb=no"));
        SessionDescription kept = sdp.filterCodecs(List.of("pcma", "g729"));
        assertEquals(List.of("8", "18"), formats(kept, 0), "96 has no rtpmap: nothing can name it");
        assertTrue(Fixtures.text(kept).contains("a=fmtp:18 annexb=no"));
    }

    @Test
    void rtxFollowsItsPrimary() {
        SessionDescription chrome = Fixtures.sdp("chrome-offer.sdp");
        assertEquals(List.of("102", "103"), formats(chrome.filterCodecs("video", List.of("H264")), 1));
        assertEquals(List.of("96", "97", "45", "46"), formats(chrome.filterCodecs("video", List.of("AV1", "VP8")), 1),
                "m= order is kept, not the order of the names");
        assertEquals(List.of("120", "124"), formats(Fixtures.sdp("firefox-offer.sdp").filterCodecs("video", List.of("VP8")), 1));
    }

    @Test
    void redIsKeptOnlyWithTheCodecsItCarries() {
        SessionDescription chrome = Fixtures.sdp("chrome-offer.sdp");
        assertEquals(List.of("111", "63", "110"), formats(chrome.filterCodecs("audio", List.of("opus", "red")), 0));
        assertEquals(List.of("0", "126"), formats(chrome.filterCodecs("audio", List.of("PCMU", "red")), 0),
                "red carrying opus goes with opus");
        assertEquals(List.of("96", "97", "116", "117", "118"),
                formats(chrome.filterCodecs("video", List.of("VP8", "red", "ulpfec")), 1));
    }

    @Test
    void aSectionWithNoCodecLeftIsRejectedWithPortZeroAndLeavesItsBundleGroup() {
        SessionDescription chrome = Fixtures.sdp("chrome-offer.sdp");
        SessionDescription audioOnly = chrome.filterCodecs(List.of("opus"));
        MediaDescription video = audioOnly.media().get(1);
        assertEquals(0, video.port());
        assertFalse(video.isEnabled());
        assertEquals(chrome.media().get(1).formats(), video.formats(), "the m= line keeps its formats: it needs one");
        assertEquals(chrome.media().get(1).attributes(), video.attributes());
        List<String> after = Fixtures.lines(audioOnly);
        int group = lineIndex(chrome, "a=group:BUNDLE 0 1 2");
        int videoLine = lineIndex(chrome, "m=video 56143 UDP/TLS/RTP/SAVPF 96 97 98 99 102 103 45 46 116 117 118");
        assertEquals("a=group:BUNDLE 0 2", after.get(group));
        assertTrue(after.contains("m=video 0 UDP/TLS/RTP/SAVPF 96 97 98 99 102 103 45 46 116 117 118"));
        assertEquals(List.of("a=rtpmap:63 red/48000/2", "a=fmtp:63 111/111", "a=rtpmap:9 G722/8000",
                        "a=rtpmap:0 PCMU/8000", "a=rtpmap:8 PCMA/8000", "a=rtpmap:13 CN/8000",
                        "a=rtpmap:126 telephone-event/8000"),
                removedLines(chrome, audioOnly, Set.of(group, videoLine,
                        lineIndex(chrome, "m=audio 56143 UDP/TLS/RTP/SAVPF 111 63 9 0 8 13 110 126"))),
                "only the group, the two m= lines and the dropped audio formats' lines change");
    }

    @Test
    void onlyTelephoneEventLeftIsNoCodecLeft() {
        SessionDescription sdp = Fixtures.sdp("lf-only.sdp");
        SdpException e = assertThrows(SdpException.class, () -> sdp.filterCodecs(List.of("telephone-event")));
        assertEquals(SdpException.Reason.NO_MEDIA_LEFT, e.reason());
    }

    @Test
    void noCodecLeftAnywhereIsATypedErrorNamingTheMediaLine() {
        SdpException e = assertThrows(SdpException.class,
                () -> Fixtures.sdp("sipp-pcmu.sdp").filterCodecs(List.of("G729")));
        assertEquals(SdpException.Reason.NO_MEDIA_LEFT, e.reason());
        assertEquals(6, e.lineNumber());
        assertEquals("m=audio 6000 RTP/AVP 0", e.line());
        assertTrue(e.getMessage().contains("[G729]"), e.getMessage());
    }

    @Test
    void perMediaTypeLeavesTheOtherSectionsAlone() {
        SessionDescription call = Fixtures.sdp("video-call.sdp");
        SessionDescription kept = call.filterCodecs("video", List.of("VP8"));
        assertSame(call.media().get(0).mLine(), kept.media().get(0).mLine());
        assertEquals(call.media().get(0).lines(), kept.media().get(0).lines());
        assertEquals(List.of("99"), formats(kept, 1));
        String text = Fixtures.text(kept);
        assertFalse(text.contains("a=imageattr:97"), "imageattr describes one format and goes with it");
        assertFalse(text.contains("a=rtcp-fb:97") || text.contains("a=rtcp-fb:98") || text.contains("a=fmtp:97") || text.contains("a=fmtp:98"));
        assertTrue(text.contains("a=rtcp-fb:99 nack pli\r\na=rtcp-fb:99 ccm fir\r\n"));
        assertTrue(text.contains("a=rtpmap:99 VP8/90000\r\na=framerate:30\r\na=rtcp-fb:* trr-int 1000\r\na=rtcp-fb:* ccm tmmbr\r\n"),
                "wildcard rtcp-fb and other attributes stay");
        assertTrue(text.contains("b=AS:1500\r\n"));
    }

    @Test
    void sectionsThatAreNotRtpOrAlreadyRejectedAreUntouched() {
        SessionDescription t38 = Fixtures.sdp("t38-reinvite.sdp");
        assertEquals(t38, t38.filterCodecs(List.of("PCMU")));
        SessionDescription chrome = Fixtures.sdp("chrome-offer.sdp");
        assertSame(chrome.media().get(2).mLine(), chrome.filterCodecs(List.of("PCMU")).media().get(2).mLine());
    }

    @Test
    void theResultIsStillAnswerableSdp() {
        for (String fixture : Fixtures.ALL) {
            SessionDescription sdp = Fixtures.sdp(fixture);
            try {
                SessionDescription kept = sdp.filterCodecs(List.of("PCMU", "PCMA", "opus"));
                assertEquals(kept, SessionDescription.parse(kept.toBytes()), fixture);
                for (MediaDescription m : kept.media()) {
                    assertFalse(m.isEnabled() && m.isRtp() && m.formats().isEmpty(), fixture);
                }
            } catch (SdpException e) {
                assertEquals(SdpException.Reason.NO_MEDIA_LEFT, e.reason(), fixture);
            }
        }
    }
}
