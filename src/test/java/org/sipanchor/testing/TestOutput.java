package org.sipanchor.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Where tests keep what they produce (logs, traces, generated configs), to read after a failure. */
public final class TestOutput {

    private TestOutput() {
    }

    /** A fresh directory under target/ named after the test. */
    public static Path directory(String name) {
        Path root = Path.of(System.getProperty("sipanchor.test-output", "target/test-output"));
        try {
            Path dir = root.resolve(name.replaceAll("[^A-Za-z0-9_.-]", "_"));
            Files.createDirectories(dir);
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
