package org.sipanchor.ng;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Properties over generated inputs. Seeds are fixed so that a failure reproduces; the seed is in every message.
 */
@DisplayName("Bencode properties")
class BencodePropertyTest {

    private static final long SEED = 0x5eed_2026L;

    private static Object randomValue(Random r, int depth) {
        int kind = depth >= 5 ? r.nextInt(2) : r.nextInt(4);
        switch (kind) {
            case 0: {
                byte[] b = new byte[r.nextInt(4) == 0 ? r.nextInt(2000) : r.nextInt(20)];
                r.nextBytes(b);
                return b;
            }
            case 1:
                switch (r.nextInt(4)) {
                    case 0: return 0L;
                    case 1: return Long.MAX_VALUE - r.nextInt(10);
                    case 2: return Long.MIN_VALUE + 1 + r.nextInt(10);
                    default: return r.nextLong() >> r.nextInt(64);
                }
            case 2: {
                List<Object> l = new ArrayList<>();
                for (int i = r.nextInt(6); i > 0; i--) {
                    l.add(randomValue(r, depth + 1));
                }
                return l;
            }
            default: {
                Map<String, Object> m = new LinkedHashMap<>();
                for (int i = r.nextInt(6); i > 0; i--) {
                    StringBuilder k = new StringBuilder();
                    for (int j = r.nextInt(12); j > 0; j--) {
                        // Include non-ASCII code points to exercise the unsigned key order.
                        k.append((char) (r.nextInt(8) == 0 ? 0xa0 + r.nextInt(0x500) : 0x20 + r.nextInt(0x5f)));
                    }
                    m.put(k.toString(), randomValue(r, depth + 1));
                }
                return m;
            }
        }
    }

    private static void assertSameValue(Object expected, Object actual, String where) {
        if (expected instanceof byte[] e) {
            assertArrayEquals(e, (byte[]) actual, where);
        } else if (expected instanceof List<?> e) {
            List<?> a = (List<?>) actual;
            assertEquals(e.size(), a.size(), where);
            for (int i = 0; i < e.size(); i++) {
                assertSameValue(e.get(i), a.get(i), where + "[" + i + "]");
            }
        } else if (expected instanceof Map<?, ?> e) {
            Map<?, ?> a = (Map<?, ?>) actual;
            assertEquals(e.keySet(), a.keySet(), where);
            for (Map.Entry<?, ?> en : e.entrySet()) {
                assertSameValue(en.getValue(), a.get(en.getKey()), where + "." + en.getKey());
            }
        } else {
            assertEquals(expected, actual, where);
        }
    }

    @Test
    void random_values_round_trip_and_encoding_is_deterministic() throws Exception {
        Random r = new Random(SEED);
        for (int i = 0; i < 3000; i++) {
            Object v = randomValue(r, 0);
            byte[] wire = Bencode.encode(v);
            Object back = Bencode.decode(wire);
            assertSameValue(v, back, "seed " + SEED + " case " + i);
            assertArrayEquals(wire, Bencode.encode(back), "canonical re-encoding, case " + i);
            assertEquals(wire.length, Bencode.measure(wire, 0, wire.length, Bencode.Limits.DEFAULT), "case " + i);
            if (v instanceof Map) {
                Map<String, Object> lazy = Bencode.decodeDictionaryLazily(wire, 0, wire.length,
                        Bencode.Limits.DEFAULT);
                assertSameValue(v, lazy, "lazy, case " + i);
                assertArrayEquals(wire, Bencode.encode(lazy), "lazy re-encoding, case " + i);
            }
        }
    }

    @Test
    void random_bytes_never_crash_the_decoder() {
        Random r = new Random(SEED + 1);
        byte[] alphabet = "ilde0123456789:-".getBytes();
        int decoded = 0;
        for (int i = 0; i < 100_000; i++) {
            byte[] b = new byte[r.nextInt(64)];
            for (int j = 0; j < b.length; j++) {
                // Mostly bencode's own alphabet, so that inputs get deep into the grammar before failing.
                b[j] = r.nextInt(4) == 0 ? (byte) r.nextInt(256) : alphabet[r.nextInt(alphabet.length)];
            }
            decoded += decodeOrTypedFailure(b, "seed " + (SEED + 1) + " case " + i);
        }
        assertTrue(decoded > 0, "some random inputs should be valid bencode, or the generator tests nothing");
    }

    @Test
    void mutated_and_truncated_valid_documents_fail_only_with_bencode_exceptions() {
        Random r = new Random(SEED + 2);
        for (int i = 0; i < 3000; i++) {
            byte[] wire = Bencode.encode(randomValue(r, 0));
            byte[] cut = Arrays.copyOf(wire, r.nextInt(wire.length + 1));
            decodeOrTypedFailure(cut, "truncated case " + i);
            byte[] flipped = wire.clone();
            for (int k = 1 + r.nextInt(3); k > 0; k--) {
                flipped[r.nextInt(flipped.length)] = (byte) r.nextInt(256);
            }
            decodeOrTypedFailure(flipped, "mutated case " + i);
        }
    }

    private static int decodeOrTypedFailure(byte[] b, String where) {
        try {
            Bencode.decode(b, 0, b.length, Bencode.Limits.DEFAULT);
            if (b.length > 0 && b[0] == 'd') {
                Bencode.decodeDictionaryLazily(b, 0, b.length, Bencode.Limits.DEFAULT).toString(); // forces it all
            }
            return 1;
        } catch (BencodeException expected) {
            int measured = -2;
            try {
                measured = Bencode.measure(b, 0, b.length, Bencode.Limits.DEFAULT);
            } catch (BencodeException alsoExpected) {
                measured = -3;
            }
            if (measured == b.length) {
                fail(where + ": measure accepted what decode rejected: " + Arrays.toString(b));
            }
            return 0;
        } catch (RuntimeException | Error e) {
            fail(where + ": " + Arrays.toString(b) + " threw " + e, e);
            return 0;
        }
    }
}
