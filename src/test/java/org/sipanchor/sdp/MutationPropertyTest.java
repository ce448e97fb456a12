package org.sipanchor.sdp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;

/**
 * Property: whatever is done to a real body (lines deleted, duplicated, swapped, garbled, the body cut short), parsing
 * either succeeds, and then the body round-trips and every transformation gives SDP that parses again, or it fails
 * with {@link SdpException} (which shows no key). Never another exception. Fixed seeds: a failure is reproducible.
 */
@DisplayName("Mutated real SDP either parses or raises SdpException")
class MutationPropertyTest {

    static final List<String> FIXTURES = Fixtures.ALL;
    private static final int MUTANTS_PER_FIXTURE = 400;
    private static final byte[] NASTY = " \t\r\n\0=:/;-0123456789aomcvtbs*\u00ff".getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);

    private static final List<UnaryOperator<SessionDescription>> TRANSFORMATIONS = List.of(
            SessionDescription::hold, SessionDescription::holdInactive, SessionDescription::resume,
            s -> s.filterCodecs(List.of("PCMU", "opus", "VP8")),
            s -> s.filterCodecs(CodecFilter.keep("AMR-WB", "PCMA").withoutTelephoneEvent()),
            s -> s.filterCodecs("video", List.of("H264")),
            s -> s.maskIdentity("sipanchor"),
            s -> s.withoutAttribute("crypto"),
            s -> s.media().isEmpty() ? s : s.disableMedia(0),
            s -> s.media().isEmpty() || s.media().get(0).port() == 0 ? s : s.withMediaPort(0, 40000));

    @ParameterizedTest(name = "{0}")
    @FieldSource("FIXTURES")
    void everyMutantParsesOrIsRefusedCleanly(String fixture) {
        byte[] original = Fixtures.bytes(fixture);
        Random random = new Random(fixture.hashCode());
        int parsed = 0;
        for (int i = 0; i < MUTANTS_PER_FIXTURE; i++) {
            byte[] mutant = mutate(original, random, 1 + random.nextInt(3));
            if (check(mutant)) {
                parsed++;
            }
        }
        assertTrue(parsed > 0 && parsed < MUTANTS_PER_FIXTURE,
                "the mutations should produce both acceptable and refused bodies, got " + parsed + " parsed");
    }

    /** True when the mutant parsed. */
    private static boolean check(byte[] mutant) {
        SessionDescription sdp;
        try {
            sdp = SessionDescription.parse(mutant);
        } catch (SdpException e) {
            assertClean(e, mutant);
            return false;
        } catch (RuntimeException e) {
            throw new AssertionError("not an SdpException for:\n" + show(mutant), e);
        }
        assertArrayEquals(mutant, sdp.toBytes(), "accepted, so it must round-trip");
        assertNoKeyInCryptoLines(sdp.toLogString());
        for (UnaryOperator<SessionDescription> t : TRANSFORMATIONS) {
            try {
                SessionDescription out = t.apply(sdp);
                assertEquals(out, SessionDescription.parse(out.toBytes()), "a transformation wrote SDP that does not read back");
                assertNoKeyInCryptoLines(out.toString());
            } catch (SdpException e) {
                assertEquals(SdpException.Reason.NO_MEDIA_LEFT, e.reason(), e.getMessage() + " for:\n" + show(mutant));
                assertClean(e, mutant);
            } catch (RuntimeException e) {
                throw new AssertionError("a transformation failed on:\n" + show(mutant), e);
            }
        }
        return true;
    }

    private static void assertClean(SdpException e, byte[] mutant) {
        assertTrue(e.lineNumber() >= 1, e.getMessage());
        assertNoKey(e.getMessage());
        for (char c : e.getMessage().toCharArray()) {
            if (Character.isISOControl(c)) {
                fail("control character in " + e.getMessage() + " for:\n" + show(mutant));
            }
        }
    }

    /**
     * What the log form of accepted SDP promises: no key in a line that still reads as a crypto line or carries an
     * {@code inline:} key. (A line garbled beyond both, say {@code a=cryXto:1 ... inlXne:KEY}, is an unknown attribute.)
     */
    private static void assertNoKeyInCryptoLines(String logged) {
        for (String line : logged.split("\n")) {
            String lower = line.toLowerCase(java.util.Locale.ROOT);
            if (lower.startsWith("a=crypto:") || lower.contains("inline:")) {
                assertNoKey(line);
            }
        }
    }

    private static void assertNoKey(String logged) {
        for (String key : Fixtures.SRTP_KEYS) {
            // a garbled key may lose characters; a long run of it must still never show
            assertFalse(logged.contains(key.substring(0, 16)) || logged.contains(key.substring(20)), logged);
        }
    }

    private static byte[] mutate(byte[] body, Random random, int times) {
        List<byte[]> lines = split(body);
        for (int n = 0; n < times && !lines.isEmpty(); n++) {
            int i = random.nextInt(lines.size());
            switch (random.nextInt(7)) {
                case 0 -> lines.remove(i);
                case 1 -> lines.add(i, lines.get(i).clone());
                case 2 -> {
                    int j = random.nextInt(lines.size());
                    byte[] tmp = lines.get(i);
                    lines.set(i, lines.get(j));
                    lines.set(j, tmp);
                }
                case 3, 4 -> lines.set(i, garble(lines.get(i), random));
                case 5 -> lines.add(i, lines.get(random.nextInt(lines.size())).clone());
                default -> {
                    byte[] all = join(lines);
                    return Arrays.copyOf(all, random.nextInt(all.length + 1));
                }
            }
        }
        return join(lines);
    }

    private static byte[] garble(byte[] line, Random random) {
        byte[] out = line.clone();
        if (out.length == 0) {
            return new byte[] {NASTY[random.nextInt(NASTY.length)]};
        }
        int changes = 1 + random.nextInt(3);
        for (int k = 0; k < changes; k++) {
            int at = random.nextInt(out.length);
            out[at] = random.nextBoolean() ? NASTY[random.nextInt(NASTY.length)] : (byte) random.nextInt(256);
        }
        return out;
    }

    /** Lines with their endings, so that joining them gives the body back. */
    private static List<byte[]> split(byte[] body) {
        List<byte[]> lines = new ArrayList<>();
        int start = 0;
        for (int i = 0; i < body.length; i++) {
            if (body[i] == '\n') {
                lines.add(Arrays.copyOfRange(body, start, i + 1));
                start = i + 1;
            }
        }
        if (start < body.length) {
            lines.add(Arrays.copyOfRange(body, start, body.length));
        }
        return lines;
    }

    private static byte[] join(List<byte[]> lines) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        lines.forEach(out::writeBytes);
        return out.toByteArray();
    }

    private static String show(byte[] body) {
        return new String(body, java.nio.charset.StandardCharsets.ISO_8859_1)
                .replace("\r", "\\r").replace("\0", "\\0");
    }
}
