package org.sipanchor.sdp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;

@DisplayName("An SDP body that is not changed comes back byte for byte")
class RoundTripTest {

    static final List<String> FIXTURES = Fixtures.ALL;

    @ParameterizedTest(name = "{0}")
    @FieldSource("FIXTURES")
    void everyFixtureRoundTrips(String fixture) {
        byte[] body = Fixtures.bytes(fixture);
        assertArrayEquals(body, SessionDescription.parse(body).toBytes());
    }

    @ParameterizedTest(name = "{0}")
    @FieldSource("FIXTURES")
    void parsingTextIsParsingItsUtf8Bytes(String fixture) {
        byte[] body = Fixtures.bytes(fixture);
        assertEquals(SessionDescription.parse(body), SessionDescription.parse(new String(body, StandardCharsets.UTF_8)));
    }

    @ParameterizedTest(name = "{0}")
    @FieldSource("FIXTURES")
    void transformationsThatChangeNothingKeepTheBytes(String fixture) {
        SessionDescription sdp = Fixtures.sdp(fixture);
        List<String> everyCodec = sdp.media().stream().flatMap(m -> m.codecs().values().stream())
                .map(Codec::name).distinct().toList();
        if (!everyCodec.isEmpty()) {
            assertEquals(sdp, sdp.filterCodecs(everyCodec), "keeping every codec keeps every line");
        }
        assertEquals(sdp, sdp.withoutAttribute("no-such-attribute"));
        SessionDescription held = sdp.hold();
        assertEquals(held, held.hold(), "holding twice is holding once");
    }

    @Test
    void theFixturesReallyHaveTheLineEndingsTheyAreNamedFor() {
        assertTrue(new String(Fixtures.bytes("lf-only.sdp"), StandardCharsets.US_ASCII).indexOf('\r') < 0);
        assertTrue(new String(Fixtures.bytes("chrome-offer.sdp"), StandardCharsets.US_ASCII).endsWith("\r\n"));
        assertTrue(new String(Fixtures.bytes("no-trailing-newline.sdp"), StandardCharsets.US_ASCII).endsWith("a=ptime:20"));
        assertTrue(new String(Fixtures.bytes("trailing-empty-line.sdp"), StandardCharsets.US_ASCII).endsWith("\r\n\r\n"));
    }

    @Test
    void mixedLineEndingsAndOddSpacingRoundTrip() {
        String body = "v=0\r\no=- 1  2 IN IP4 192.0.2.1\ns=-\r\nc=IN IP4 192.0.2.1 \r\nt=0 0\n"
                + "m=audio  4000 RTP/AVP 0   8\r\na=sendrecv \n\n  \r\n";
        SessionDescription sdp = SessionDescription.parse(body);
        assertArrayEquals(body.getBytes(StandardCharsets.UTF_8), sdp.toBytes());
        assertEquals(4000, sdp.media().get(0).port());
        assertEquals(List.of("0", "8"), sdp.media().get(0).formats());
        assertEquals(Direction.SENDRECV, sdp.media().get(0).direction());
    }

    @Test
    void bytesThatAreNotUtf8SurviveUntouched() {
        byte[] latin1 = "v=0\r\no=- 1 1 IN IP4 192.0.2.1\r\ns=Caf\u00e9\r\nc=IN IP4 192.0.2.1\r\nt=0 0\r\nm=audio 4000 RTP/AVP 0\r\n"
                .getBytes(StandardCharsets.ISO_8859_1);
        SessionDescription sdp = SessionDescription.parse(latin1);
        assertArrayEquals(latin1, sdp.toBytes());
        assertTrue(new String(sdp.hold().toBytes(), StandardCharsets.ISO_8859_1).contains("s=Caf\u00e9\r\n"),
                "an untouched line keeps its bytes even when a transformation rewrites others");
    }

    @Test
    void aLineAddedAfterAnUnterminatedLastLineLeavesTheNewLastLineUnterminated() {
        SessionDescription held = Fixtures.sdp("no-trailing-newline.sdp").hold();
        assertTrue(Fixtures.text(held).endsWith("a=ptime:20\r\na=sendonly"), Fixtures.text(held));
    }

    @Test
    void linesAddedToAnLfBodyEndWithLf() {
        String text = Fixtures.text(Fixtures.sdp("lf-only.sdp").withMedia(0,
                Fixtures.sdp("lf-only.sdp").media().get(0).withAttribute(new Attribute("label", "1"))));
        assertTrue(text.endsWith("a=sendrecv\na=label:1\n"), text);
        assertTrue(text.indexOf('\r') < 0);
    }

    @Test
    void trailingBlankLinesStayAfterTheLastLine() {
        String text = Fixtures.text(Fixtures.sdp("trailing-empty-line.sdp").hold());
        assertTrue(text.endsWith("a=rtpmap:127 telephone-event/8000\r\na=sendonly\r\n\r\n"), text);
    }

    @Test
    void aWitherThatChangesNothingReturnsTheSameInstance() {
        SessionDescription sdp = Fixtures.sdp("chrome-offer.sdp");
        assertSame(sdp.media().get(0), sdp.media().get(0).withDirection(Direction.SENDRECV));
        assertSame(sdp.media().get(0), sdp.media().get(0).withPort(56143));
        assertSame(sdp, sdp.withMedia(1, sdp.media().get(1)));
    }
}
