package org.sipanchor.sdp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.util.Random;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

@DisplayName("The fields of an SDP line's value are what value.strip().split(\"[ \\t]+\", limit) gives")
class FieldsTest {

    @ParameterizedTest
    @ValueSource(strings = {"", " ", "\t", "audio 49170 RTP/AVP 0 8 101", "  audio\t49170  RTP/AVP\t \t0 ",
            "IN IP4 10.0.0.1", "0 PCMU/8000", "101 telephone-event/8000 ", "a\u000Bb c", "x", " x", "x ",
            "- 1 1 IN IP4 127.0.0.1", "BUNDLE 0 1"})
    @DisplayName("for the lines SDP has, odd spacing included")
    void sameAsTheRegularExpression(String value) {
        for (int limit = 0; limit <= 4; limit++) {
            assertArrayEquals(value.strip().split("[ \t]+", limit), Fields.of(value, limit), "limit " + limit);
        }
        assertArrayEquals(value.strip().split("[ \t]+"), Fields.of(value));
    }

    @Test
    @DisplayName("for 10,000 random strings of letters, spaces and tabs")
    void sameForRandomStrings() {
        Random random = new Random(4566);
        char[] alphabet = {'a', '1', '/', ' ', ' ', '\t', '\r'};
        for (int n = 0; n < 10_000; n++) {
            char[] chars = new char[random.nextInt(12)];
            for (int i = 0; i < chars.length; i++) {
                chars[i] = alphabet[random.nextInt(alphabet.length)];
            }
            String value = new String(chars);
            int limit = random.nextInt(4);
            assertArrayEquals(value.strip().split("[ \t]+", limit), Fields.of(value, limit), () -> "'" + value + "' limit " + limit);
        }
    }
}
