package org.sipanchor.server;

/**
 * Follows the WebSocket frames (RFC 6455 5.2) a peer sends on one connection, reading only their headers as the bytes
 * arrive, and refuses a frame whose announced payload, or a message fragmented over several frames whose payloads
 * added up, is larger than the limit. jain-sip-ri 1.3.0-32's WebSocket decoder keeps no limit of its own: it grows its
 * buffer until the announced payload has arrived, however large, so the announcement is what must be judged, before
 * the payload is buffered.
 *
 * <p>A few numbers of state per connection: where in the current header the next byte falls, the length read so
 * far, how much payload is still to be skipped, and the size of the message in progress. Control frames (close, ping,
 * pong), which may come between a message's fragments, count on their own. The upgrade request before the frames is
 * held to the same limit. Not thread-safe: one connection's bytes come from its reader, in order (as jain-sip's own
 * decoder, no safer, assumes).
 */
final class WebSocketFrameLimit {

    private final long maxPayloadBytes;

    private int headerRead;
    private int headerLength = 2;
    private int extendedLengthBytes;
    private boolean finalFrame;
    private boolean controlFrame;
    private boolean continuation;
    private long payloadLength;
    private long payloadLeft;
    private long messageBytes;
    private long upgradeBytes;
    private boolean refused;
    private long refusedBytes;

    /** @param maxPayloadBytes the largest payload of one WebSocket message, taken ({@code sip.limits.max_message_bytes}) */
    WebSocketFrameLimit(int maxPayloadBytes) {
        this.maxPayloadBytes = maxPayloadBytes;
    }

    /**
     * Takes the next {@code bytes} of the connection, after the upgrade request; false once a frame was refused (and
     * from then on: the connection is to be closed, its framing is no longer followed).
     */
    boolean admits(byte[] bytes) {
        int at = 0;
        while (!refused && at < bytes.length) {
            if (payloadLeft > 0) {
                int skipped = (int) Math.min(payloadLeft, bytes.length - at);
                payloadLeft -= skipped;
                at += skipped;
            } else {
                headerByte(bytes[at++] & 0xff);
            }
        }
        return !refused;
    }

    /**
     * Takes {@code count} more bytes of the HTTP upgrade request that comes before the frames, which jain-sip holds
     * (as a string grown by copying, on the thread that reads every connection) until its blank line: false once it
     * is larger than the limit too, or anything was refused before.
     */
    boolean admitsUpgrade(int count) {
        upgradeBytes += count;
        if (!refused && upgradeBytes > maxPayloadBytes) {
            refuse(upgradeBytes);
        }
        return !refused;
    }

    /**
     * The payload the refused frame announced, or its message's payloads added up, or the upgrade request's bytes so
     * far, as an unsigned number (a 64-bit
     * length may have its top bit set); 0 while nothing was refused.
     */
    long refusedBytes() {
        return refusedBytes;
    }

    private void headerByte(int value) {
        if (headerRead == 0) {
            finalFrame = (value & 0x80) != 0;
            int opcode = value & 0x0f;
            controlFrame = (opcode & 0x08) != 0;
            continuation = opcode == 0;
        } else if (headerRead == 1) {
            int length = value & 0x7f;
            extendedLengthBytes = length == 126 ? 2 : length == 127 ? 8 : 0;
            headerLength = 2 + extendedLengthBytes + ((value & 0x80) != 0 ? 4 : 0); // the masking key, if any
            payloadLength = extendedLengthBytes == 0 ? length : 0;
        } else if (headerRead < 2 + extendedLengthBytes) {
            payloadLength = (payloadLength << 8) | value;
        }
        headerRead++;
        if (headerRead == headerLength) {
            frameAnnounced();
        }
    }

    private void frameAnnounced() {
        headerRead = 0;
        headerLength = 2;
        if (Long.compareUnsigned(payloadLength, maxPayloadBytes) > 0) {
            refuse(payloadLength);
            return;
        }
        if (!controlFrame) {
            long message = (continuation ? messageBytes : 0) + payloadLength; // both at most the limit: no overflow
            if (message > maxPayloadBytes) {
                refuse(message);
                return;
            }
            messageBytes = finalFrame ? 0 : message;
        }
        payloadLeft = payloadLength;
    }

    private void refuse(long bytes) {
        refused = true;
        refusedBytes = bytes;
    }
}
