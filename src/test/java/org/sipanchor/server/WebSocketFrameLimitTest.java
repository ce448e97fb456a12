package org.sipanchor.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.util.Arrays;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("WebSocketFrameLimit: a frame's announced payload is judged from its header, before the payload")
class WebSocketFrameLimitTest {

    private static final int LIMIT = 70_000; // above 65,535: both the 16-bit and the 64-bit length forms reach it
    private static final byte[] MASK = {1, 2, 3, 4};

    @Test
    @DisplayName("a masked frame with a 7-bit length, then its payload, is taken")
    void smallFrameIsTaken() {
        WebSocketFrameLimit limit = new WebSocketFrameLimit(LIMIT);
        assertTrue(limit.admits(frame(0x81, 100)));
        assertEquals(0, limit.refusedBytes());
    }

    @Test
    @DisplayName("a 16-bit length and a 64-bit length exactly at the limit are taken; one byte over is refused")
    void limitIsInclusive() {
        assertTrue(new WebSocketFrameLimit(60_000).admits(frame(0x81, 60_000)), "16-bit length at the limit");
        assertFalse(new WebSocketFrameLimit(59_999).admits(header(0x81, 60_000)), "16-bit length one over");
        assertTrue(new WebSocketFrameLimit(LIMIT).admits(frame(0x81, LIMIT)), "64-bit length at the limit");
        WebSocketFrameLimit over = new WebSocketFrameLimit(LIMIT);
        assertFalse(over.admits(header(0x81, LIMIT + 1)), "64-bit length one over");
        assertEquals(LIMIT + 1, over.refusedBytes());
    }

    @Test
    @DisplayName("a frame announcing 2^40 bytes, or a length with its top bit set, is refused on its header alone")
    void hugeAnnouncementsAreRefused() {
        WebSocketFrameLimit terabyte = new WebSocketFrameLimit(LIMIT);
        assertFalse(terabyte.admits(header(0x82, 1L << 40)));
        assertEquals(1L << 40, terabyte.refusedBytes());
        WebSocketFrameLimit negative = new WebSocketFrameLimit(LIMIT);
        assertFalse(negative.admits(header(0x81, -1L)), "2^64-1 read as a signed number is negative, yet too large");
        assertEquals("18446744073709551615", Long.toUnsignedString(negative.refusedBytes()));
    }

    @Test
    @DisplayName("several frames in a row, of each length form, masked or not, are followed to the next header")
    void framesInARow() {
        WebSocketFrameLimit limit = new WebSocketFrameLimit(LIMIT);
        byte[] stream = concat(frame(0x81, 0), frame(0x81, 125), frame(0x81, 126), frame(0x89, 4), unmaskedFrame(0x81, 300),
                frame(0x81, 65_536), frame(0x81, LIMIT));
        assertTrue(limit.admits(stream));
        assertFalse(limit.admits(header(0x81, LIMIT + 1)), "the next header after them is read as a header");
    }

    @Test
    @DisplayName("frames split at every byte boundary are followed as if whole: the last, one over the limit, is refused")
    void splitAtEveryBoundary() {
        byte[] stream = concat(frame(0x81, 5), frame(0x81, 300), frame(0x81, 65_600), header(0x81, LIMIT + 1));
        int refusal = stream.length - 1; // the refused header's last byte: its length is known only then
        for (int split = 1; split < stream.length; split += split < 400 ? 1 : 997) {
            WebSocketFrameLimit limit = new WebSocketFrameLimit(LIMIT);
            boolean first = limit.admits(Arrays.copyOfRange(stream, 0, split));
            assertTrue(first, "refused before the oversized header, split at " + split);
            assertFalse(limit.admits(Arrays.copyOfRange(stream, split, stream.length)), "split at " + split);
            assertEquals(LIMIT + 1, limit.refusedBytes(), "split at " + split);
        }
        WebSocketFrameLimit byteByByte = new WebSocketFrameLimit(LIMIT);
        for (int i = 0; i < refusal; i++) {
            assertTrue(byteByByte.admits(new byte[] {stream[i]}), "byte " + i + " of " + stream.length);
        }
        assertFalse(byteByByte.admits(new byte[] {stream[refusal]}), "the header's last length byte");
    }

    @Test
    @DisplayName("a message fragmented over frames is refused once its payloads add up beyond the limit; control frames between count alone")
    void fragmentsAddUp() {
        WebSocketFrameLimit limit = new WebSocketFrameLimit(1000);
        assertTrue(limit.admits(concat(frame(0x01, 400), frame(0x89, 100), frame(0x00, 400), frame(0x80, 200))),
                "a text message of 1000 bytes in three fragments, a ping between them");
        assertTrue(limit.admits(frame(0x81, 1000)), "the count starts again with the next message");
        assertFalse(limit.admits(concat(frame(0x01, 600), header(0x00, 401))), "a message of 1001 bytes");
        assertEquals(1001, limit.refusedBytes());
    }

    @Test
    @DisplayName("once refused, the connection's later bytes are refused too")
    void refusalSticks() {
        WebSocketFrameLimit limit = new WebSocketFrameLimit(LIMIT);
        assertFalse(limit.admits(header(0x81, LIMIT + 1)));
        assertFalse(limit.admits(frame(0x81, 10)));
    }

    @Test
    @DisplayName("an upgrade request up to the limit is taken, whatever its pieces; one byte over is refused")
    void upgradeRequestIsBounded() {
        WebSocketFrameLimit limit = new WebSocketFrameLimit(1000);
        assertTrue(limit.admitsUpgrade(600));
        assertTrue(limit.admitsUpgrade(400));
        assertFalse(limit.admitsUpgrade(1));
        assertEquals(1001, limit.refusedBytes());
        assertFalse(limit.admits(frame(0x81, 10)), "and its frames after it");
    }

    /** A masked frame announcing {@code length} bytes, in the shortest length form, with its payload. */
    private static byte[] frame(int firstByte, int length) {
        return concat(header(firstByte, length), new byte[length]);
    }

    private static byte[] unmaskedFrame(int firstByte, int length) {
        byte[] header = header(firstByte, length);
        header[1] &= 0x7f;
        return concat(Arrays.copyOf(header, header.length - MASK.length), new byte[length]);
    }

    /** A masked frame's header announcing {@code length} (unsigned) bytes: the 7-, 16- or 64-bit form, as RFC 6455 says. */
    private static byte[] header(int firstByte, long length) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(firstByte);
        if (length >= 0 && length < 126) {
            out.write(0x80 | (int) length);
        } else if (length >= 0 && length <= 0xffff) {
            out.write(0x80 | 126);
            out.write((int) (length >> 8));
            out.write((int) length & 0xff);
        } else {
            out.write(0x80 | 127);
            for (int shift = 56; shift >= 0; shift -= 8) {
                out.write((int) (length >>> shift) & 0xff);
            }
        }
        out.writeBytes(MASK);
        return out.toByteArray();
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] part : parts) {
            out.writeBytes(part);
        }
        return out.toByteArray();
    }
}
