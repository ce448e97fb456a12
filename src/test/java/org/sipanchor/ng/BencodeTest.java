package org.sipanchor.ng;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

@DisplayName("Bencode")
class BencodeTest {

    private static byte[] ascii(String s) {
        return s.getBytes(US_ASCII);
    }

    private static String encodeToString(Object v) {
        return new String(Bencode.encode(v), ISO_8859_1);
    }

    private static BencodeException.Kind failure(String input) {
        return failure(input, Bencode.Limits.DEFAULT);
    }

    private static BencodeException.Kind failure(String input, Bencode.Limits limits) {
        byte[] b = input.getBytes(ISO_8859_1);
        return assertThrows(BencodeException.class, () -> Bencode.decode(b, 0, b.length, limits)).kind();
    }

    @Test
    void encodes_the_ping_of_the_rtpengine_readme() {
        assertEquals("d7:command4:pinge", encodeToString(Map.of("command", "ping")));
    }

    @Test
    void sorts_dictionary_keys_by_raw_bytes_whatever_the_map_order() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("sdp", "v=0");
        m.put("call-id", "c1");
        m.put("ICE", "remove");
        m.put("flags", List.of("trust-address"));
        // Upper case sorts before lower case in byte order.
        assertEquals("d3:ICE6:remove7:call-id2:c15:flagsl13:trust-addresse3:sdp3:v=0e", encodeToString(m));
    }

    @Test
    void sorts_non_ascii_keys_as_unsigned_bytes() {
        Map<String, Object> m = new TreeMap<>();
        m.put("\u00e9", 1); // UTF-8 0xC3 0xA9: must sort after 'z' (signed comparison would put it first)
        m.put("z", 2);
        assertEquals("d1:zi2e2:\u00c3\u00a9i1ee", encodeToString(m));
    }

    @Test
    void encodes_integers_of_every_width_and_sign() {
        assertEquals("li0ei-1ei42ei9223372036854775807ei-9223372036854775808ei7ei3ee",
                encodeToString(List.of(0, -1, 42L, Long.MAX_VALUE, Long.MIN_VALUE, (short) 7, (byte) 3)));
    }

    @Test
    void encodes_strings_as_utf8_with_their_byte_length() {
        assertEquals("5:caf\u00c3\u00a9", encodeToString("caf\u00e9"));
    }

    @Test
    void encodes_byte_arrays_verbatim() {
        assertArrayEquals(new byte[] {'3', ':', 0, (byte) 0xff, '\r'}, Bencode.encode(new byte[] {0, (byte) 0xff, '\r'}));
    }

    @Test
    void rejects_null_unknown_types_non_string_keys_and_cycles() {
        assertThrows(IllegalArgumentException.class, () -> Bencode.encode(null));
        List<Object> withNull = new ArrayList<>();
        withNull.add(null);
        assertThrows(IllegalArgumentException.class, () -> Bencode.encode(withNull));
        assertThrows(IllegalArgumentException.class, () -> Bencode.encode(Map.of("a", 1.5)));
        assertThrows(IllegalArgumentException.class, () -> Bencode.encode(Map.of(1, "x")));
        assertThrows(IllegalArgumentException.class, () -> Bencode.encode(true));
        List<Object> cyclic = new ArrayList<>();
        cyclic.add(cyclic);
        assertThrows(IllegalArgumentException.class, () -> Bencode.encode(cyclic));
    }

    @Test
    void decodes_byte_strings_to_bytes_keys_to_strings_integers_to_longs() throws Exception {
        Object v = Bencode.decode(ascii("d6:result2:ok3:numi-12e4:listl1:ai0eee"));
        Map<?, ?> m = assertInstanceOf(Map.class, v);
        assertArrayEquals(ascii("ok"), (byte[]) m.get("result"));
        assertEquals(-12L, m.get("num"));
        List<?> l = (List<?>) m.get("list");
        assertArrayEquals(ascii("a"), (byte[]) l.get(0));
        assertEquals(0L, l.get(1));
    }

    @Test
    void keeps_the_wire_order_of_keys_and_accepts_unsorted_keys_as_rtpengine_sends_them() throws Exception {
        Map<String, Object> m = Bencode.decodeDictionary(ascii("d6:result5:error12:error-reason3:bade"), 0, 37,
                Bencode.Limits.DEFAULT);
        assertEquals(List.of("result", "error-reason"), List.copyOf(m.keySet()));
    }

    @Test
    void returns_unmodifiable_structures() throws Exception {
        Map<?, ?> m = (Map<?, ?>) Bencode.decode(ascii("d1:ali1eee"));
        assertThrows(UnsupportedOperationException.class, () -> m.clear());
        assertThrows(UnsupportedOperationException.class, () -> ((List<?>) m.get("a")).clear());
    }

    @Test
    void round_trips_an_sdp_with_crlf_nul_and_non_utf8_bytes_byte_for_byte() throws Exception {
        byte[] sdp = "v=0\r\no=- 1 1 IN IP4 10.0.0.1\r\ns=caf\u00e9 \u00ff\u0000\r\n".getBytes(ISO_8859_1);
        byte[] wire = Bencode.encode(Map.of("sdp", sdp));
        Map<?, ?> back = (Map<?, ?>) Bencode.decode(wire);
        assertArrayEquals(sdp, (byte[]) back.get("sdp"));
    }

    @Test
    void decodes_a_range_inside_a_larger_buffer() throws Exception {
        byte[] buf = ascii("cookie d6:result4:ponge trailing");
        Map<String, Object> m = Bencode.decodeDictionary(buf, 7, 16, Bencode.Limits.DEFAULT);
        assertArrayEquals(ascii("pong"), (byte[]) m.get("result"));
    }

    @ParameterizedTest(name = "\"{0}\" is {1}")
    @CsvSource(delimiter = '|', value = {
        "''                  | TRUNCATED",
        "d                   | TRUNCATED",
        "d6:result2:ok       | TRUNCATED",
        "d6:result2:o        | TRUNCATED",
        "d6:resu             | TRUNCATED",
        "i12                 | TRUNCATED",
        "l1:a                | TRUNCATED",
        "12                  | TRUNCATED",
        "d6:result2:okee     | TRAILING_DATA",
        "i1ei2e              | TRAILING_DATA",
        "i01e                | MALFORMED",
        "i-0e                | MALFORMED",
        "ie                  | MALFORMED",
        "i-e                 | MALFORMED",
        "i1.5e               | MALFORMED",
        "i99999999999999999999e | MALFORMED",
        "i9223372036854775808e | MALFORMED",
        "02:ab               | MALFORMED",
        "-1:a                | MALFORMED",
        "x                   | MALFORMED",
        "di1ei2ee            | MALFORMED",
        "d1:ai1e1:ai2ee      | MALFORMED",
        "1:a:                | TRAILING_DATA",
        "99999999999:a       | TOO_LONG",
        "4294967296:a        | TOO_LONG",
    })
    void rejects_bad_input_with_a_specific_kind(String input, BencodeException.Kind kind) {
        assertEquals(kind, failure(input));
    }

    @Test
    void a_declared_length_larger_than_the_input_is_truncation_not_an_allocation() {
        // 16 MB declared, 3 bytes present: must fail at once without allocating the 16 MB.
        assertEquals(BencodeException.Kind.TRUNCATED, failure("16777216:abc"));
    }

    @Test
    void enforces_the_depth_limit_without_recursing_further() {
        String deep = "l".repeat(100_000) + "e".repeat(100_000);
        assertEquals(BencodeException.Kind.TOO_DEEP, failure(deep));
        assertEquals(BencodeException.Kind.TOO_DEEP, failure("lllleeee", new Bencode.Limits(3, 100, 100)));
    }

    @Test
    void enforces_the_element_limit() {
        assertEquals(BencodeException.Kind.TOO_MANY_ELEMENTS,
                failure("li1ei2ei3ee", new Bencode.Limits(8, 3, 100)));
        assertEquals(BencodeException.Kind.TOO_MANY_ELEMENTS,
                failure("d1:ai1e1:bi2ee", new Bencode.Limits(8, 4, 100)));
    }

    @Test
    void enforces_the_length_limit_on_the_document_and_on_strings() {
        assertEquals(BencodeException.Kind.TOO_LONG, failure("l1:a1:b1:c1:de", new Bencode.Limits(8, 100, 10)));
        assertEquals(BencodeException.Kind.TOO_LONG, failure("l11:ae", new Bencode.Limits(8, 100, 10)));
    }

    @Test
    void decode_dictionary_refuses_other_values() {
        byte[] b = ascii("li1ee");
        assertThrows(BencodeException.class, () -> Bencode.decodeDictionary(b, 0, b.length, Bencode.Limits.DEFAULT));
    }

    @Test
    void finds_the_end_of_the_first_value_and_ignores_what_follows() throws Exception {
        byte[] b = ascii("d6:result4:pongec2 d6:res");
        assertEquals(16, Bencode.measure(b, 0, b.length, Bencode.Limits.DEFAULT));
    }

    @Test
    void says_incomplete_for_every_proper_prefix() throws Exception {
        byte[] whole = Bencode.encode(Map.of("sdp", "v=0\r\n", "list", List.of(1, "x", Map.of("k", -5))));
        for (int n = 0; n < whole.length; n++) {
            assertEquals(-1, Bencode.measure(whole, 0, n, Bencode.Limits.DEFAULT), "prefix of " + n);
        }
        assertEquals(whole.length, Bencode.measure(whole, 0, whole.length, Bencode.Limits.DEFAULT));
    }

    @Test
    void rejects_malformed_input_and_values_longer_than_the_limit() {
        byte[] bad = ascii("dxe");
        assertEquals(BencodeException.Kind.MALFORMED, assertThrows(BencodeException.class,
                () -> Bencode.measure(bad, 0, bad.length, Bencode.Limits.DEFAULT)).kind());
        byte[] longValue = ascii("l1:a1:b1:c1:d1:e1:f");
        assertEquals(BencodeException.Kind.TOO_LONG, assertThrows(BencodeException.class,
                () -> Bencode.measure(longValue, 0, longValue.length, new Bencode.Limits(8, 100, 10))).kind());
    }

    @Test
    void measure_rejects_duplicate_keys_at_any_depth_and_in_large_dictionaries() {
        byte[] nested = ascii("d1:ad1:bi1e1:bi2eee");
        assertEquals(BencodeException.Kind.MALFORMED, assertThrows(BencodeException.class,
                () -> Bencode.measure(nested, 0, nested.length, Bencode.Limits.DEFAULT)).kind());
        StringBuilder big = new StringBuilder("d");
        for (int i = 0; i < 100; i++) {
            big.append(String.format("3:k%02di%de", i, i));
        }
        byte[] unique = ascii(big + "e");
        byte[] duplicated = ascii(big + "3:k07i0ee");
        assertEquals(unique.length, assertDoesNotThrowMeasure(unique));
        assertEquals(BencodeException.Kind.MALFORMED, assertThrows(BencodeException.class,
                () -> Bencode.measure(duplicated, 0, duplicated.length, Bencode.Limits.DEFAULT)).kind());
    }

    private static int assertDoesNotThrowMeasure(byte[] b) {
        try {
            return Bencode.measure(b, 0, b.length, Bencode.Limits.DEFAULT);
        } catch (BencodeException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void lazy_decoding_validates_everything_up_front_and_builds_nested_values_on_access() throws Exception {
        byte[] good = Bencode.encode(Map.of("result", "ok", "tags", Map.of("a", Map.of("media", List.of(List.of(1, 2)))),
                "calls", List.of("x", "y")));
        Map<String, Object> lazy = Bencode.decodeDictionaryLazily(good, 0, good.length, Bencode.Limits.DEFAULT);
        java.util.Arrays.fill(good, (byte) 'X'); // the receive buffer is reused: the reply must not change
        Map<?, ?> tags = (Map<?, ?>) lazy.get("tags");
        assertEquals(List.of(List.of(1L, 2L)), ((Map<?, ?>) tags.get("a")).get("media"));
        assertEquals(2, ((List<?>) lazy.get("calls")).size());
        assertThrows(UnsupportedOperationException.class, () -> lazy.put("x", 1));

        for (String bad : List.of("d6:result2:ok4:tagsd1:ad1:bi1e1:bi2eeee", "d6:result2:ok4:tagsd1:ai01eee",
                "d6:result2:ok4:tagsd1:ad1:bi1eee", "d6:result2:ok4:tagsl" + "l".repeat(70) + "e".repeat(72))) {
            byte[] b = ascii(bad);
            assertThrows(BencodeException.class,
                    () -> Bencode.decodeDictionaryLazily(b, 0, b.length, Bencode.Limits.DEFAULT), bad);
        }
    }
}
