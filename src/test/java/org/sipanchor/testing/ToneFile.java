package org.sipanchor.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** A WAV file of a 440 Hz tone for RTPEngine's {@code play media}, written under target/. */
public final class ToneFile {

    private ToneFile() {
    }

    /** A 16-bit mono tone of {@code seconds} at {@code rate} Hz, as a file RTPEngine can read. */
    public static Path write(String name, int rate, double seconds) {
        Path file = Path.of("target", "rtpengine", name).toAbsolutePath();
        try {
            Files.createDirectories(file.getParent());
            Files.write(file, wav(rate, seconds));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return file;
    }

    private static byte[] wav(int rate, double seconds) {
        int samples = (int) (rate * seconds);
        ByteBuffer b = ByteBuffer.allocate(44 + samples * 2).order(ByteOrder.LITTLE_ENDIAN);
        b.put("RIFF".getBytes(StandardCharsets.US_ASCII)).putInt(36 + samples * 2)
                .put("WAVEfmt ".getBytes(StandardCharsets.US_ASCII)).putInt(16).putShort((short) 1)
                .putShort((short) 1).putInt(rate).putInt(rate * 2).putShort((short) 2).putShort((short) 16)
                .put("data".getBytes(StandardCharsets.US_ASCII)).putInt(samples * 2);
        for (int i = 0; i < samples; i++) {
            b.putShort((short) (8000 * Math.sin(2 * Math.PI * 440 * i / rate)));
        }
        return b.array();
    }
}
