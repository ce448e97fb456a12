package org.sipanchor.testing;

import static org.junit.jupiter.api.Assertions.fail;

import java.util.function.IntSupplier;

/** Waits in tests for what another thread produces; the wait itself is never what a test checks. */
public final class Await {

    private static final long TIMEOUT_NANOS = 10_000_000_000L;

    private Await() {
    }

    /**
     * Waits (up to 10 s) for a count fed by another thread to reach {@code expected}, then fails unless it is exactly
     * that: a count that overshoots is as wrong as one that falls short.
     */
    public static void count(String what, int expected, IntSupplier actual) throws InterruptedException {
        long deadline = System.nanoTime() + TIMEOUT_NANOS;
        while (actual.getAsInt() < expected && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        if (actual.getAsInt() != expected) {
            fail(what + ": expected " + expected + " but was " + actual.getAsInt());
        }
    }
}
