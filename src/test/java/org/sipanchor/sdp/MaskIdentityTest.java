package org.sipanchor.sdp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;
import org.junit.jupiter.params.provider.ValueSource;

@DisplayName("maskIdentity writes sdp_name into o= and s=")
class MaskIdentityTest {

    static final List<String> FIXTURES = Fixtures.ALL;

    @ParameterizedTest(name = "{0}")
    @FieldSource("FIXTURES")
    void onlyTheOriginUsernameAndTheSessionNameChange(String fixture) {
        SessionDescription sdp = Fixtures.sdp(fixture);
        SessionDescription masked = sdp.maskIdentity("sipanchor");
        assertEquals(sdp.origin().withUsername("sipanchor"), masked.origin(), "session id, version and address stay");
        assertEquals("sipanchor", masked.sessionName());
        List<String> before = Fixtures.lines(sdp);
        List<String> after = Fixtures.lines(masked);
        assertEquals(before.subList(3, before.size()), after.subList(3, after.size()));
        assertEquals(before.get(0), after.get(0));
        assertEquals("s=sipanchor", after.get(2));
        assertEquals(masked, SessionDescription.parse(masked.toBytes()));
    }

    @ParameterizedTest(name = "{0}")
    @FieldSource("FIXTURES")
    @DisplayName("on bytes, without the model, gives exactly what the model gives")
    void onBytesAsTheModel(String fixture) {
        byte[] sdp = Fixtures.bytes(fixture);
        assertEquals(new String(SessionDescription.parse(sdp).maskIdentity("sipanchor").toBytes(), java.nio.charset.StandardCharsets.UTF_8),
                new String(SessionDescription.maskIdentity(sdp, "sipanchor"), java.nio.charset.StandardCharsets.UTF_8));
    }

    @Test
    @DisplayName("on bytes rewrites only the o= user and the s= line of RTPEngine's usual reply")
    void onBytesOfAnRtpEngineReply() {
        String reply = "v=0\r\no=alice 53655765 2353687637 IN IP4 127.0.0.1\r\ns=call\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n"
                + "m=audio 30000 RTP/AVP 0\r\na=sendrecv\r\n";
        assertEquals(reply.replace("o=alice", "o=sipanchor").replace("s=call", "s=sipanchor"), new String(
                SessionDescription.maskIdentity(reply.getBytes(java.nio.charset.StandardCharsets.UTF_8), "sipanchor"),
                java.nio.charset.StandardCharsets.UTF_8));
    }

    @Test
    void aVolteOriginKeepsItsIpv6Address() {
        SessionDescription masked = Fixtures.sdp("volte-offer.sdp").maskIdentity("SBC");
        assertEquals("o=SBC 1234567890 0 IN IP6 2001:db8:a0b:12f0::1", Fixtures.lines(masked).get(1));
        assertEquals("s=SBC", Fixtures.lines(masked).get(2));
    }

    @Test
    void theLineEndingOfTheMaskedLinesIsKept() {
        String text = Fixtures.text(Fixtures.sdp("lf-only.sdp").maskIdentity("sipanchor"));
        assertEquals("v=0\no=sipanchor 1730000000 1730000000 IN IP4 192.0.2.10\ns=sipanchor\nc=IN IP4 192.0.2.10\n",
                text.substring(0, text.indexOf("t=")));
    }

    @ParameterizedTest(name = "\"{0}\"")
    @ValueSource(strings = {"", "two words", "tab\tname", "line\r\nbreak"})
    void aNameThatCannotBeAnOriginUsernameIsRefused(String name) {
        SessionDescription sdp = Fixtures.sdp("sipp-pcmu.sdp");
        assertThrows(IllegalArgumentException.class, () -> sdp.maskIdentity(name));
    }
}
