package org.sipanchor.ng;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("NG cookies: unique across generators (processes, restarts) and within one")
class NgCookieGeneratorTest {

    @Test
    void every_generator_draws_its_own_random_prefix_of_at_least_96_bits() {
        Set<String> prefixes = new HashSet<>();
        for (int i = 0; i < 1000; i++) {
            String p = new NgCookieGenerator().prefix();
            assertTrue(p.matches("[A-Za-z0-9_-]{22}\\."), p); // 22 base64url characters = 128 bits, then '.'
            prefixes.add(p);
        }
        assertEquals(1000, prefixes.size());
    }

    @Test
    void cookies_of_one_generator_never_repeat_and_contain_no_space() {
        NgCookieGenerator g = new NgCookieGenerator();
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 100_000; i++) {
            String c = g.next();
            assertTrue(c.indexOf(' ') < 0);
            assertTrue(seen.add(c), c);
        }
    }

    @Test
    void a_message_is_cookie_space_payload_and_the_cookie_parses_back_to_its_id() {
        NgCookieGenerator g = new NgCookieGenerator();
        byte[] payload = "d6:result4:ponge".getBytes(US_ASCII);
        for (long id : new long[] {0, 1, 15, 16, 255, 4096, 123_456_789L, Long.MAX_VALUE, -1L}) {
            byte[] m = g.message(id, payload);
            String text = new String(m, US_ASCII);
            String cookie = text.substring(0, text.indexOf(' '));
            assertEquals(g.prefix() + Long.toHexString(id), cookie);
            assertEquals(new String(g.cookie(id), US_ASCII), cookie);
            assertArrayEquals(payload, java.util.Arrays.copyOfRange(m, cookie.length() + 1, m.length));
            assertEquals(id, g.parse(m, 0, cookie.length()), "id " + id);
        }
    }

    @Test
    void cookies_of_another_generator_or_altered_ones_are_not_recognised() {
        NgCookieGenerator g = new NgCookieGenerator();
        byte[] foreign = new NgCookieGenerator().cookie(5);
        assertEquals(-1, g.parse(foreign, 0, foreign.length));
        byte[] upper = (g.prefix() + "1A").getBytes(US_ASCII);
        assertEquals(-1, g.parse(upper, 0, upper.length), "only the lower-case hex we write");
        byte[] tooLong = (g.prefix() + "1".repeat(17)).getBytes(US_ASCII);
        assertEquals(-1, g.parse(tooLong, 0, tooLong.length));
        byte[] bare = g.prefix().getBytes(US_ASCII);
        assertEquals(-1, g.parse(bare, 0, bare.length));
        byte[] rtpengine = "5323_1".getBytes(US_ASCII);
        assertEquals(-1, g.parse(rtpengine, 0, rtpengine.length));
    }
}
