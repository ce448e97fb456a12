package org.sipanchor.app;

import java.util.OptionalInt;

/**
 * Max-Breadth (RFC 5393): how many parallel branches a request may still fan out into, end to end. A forking proxy
 * divides what it received among its branches, so that a chain of forking proxies cannot multiply one INVITE
 * without bound, and refuses with 440 when it cannot.
 */
public final class MaxBreadth {

    /** The value a request without the header is taken to carry (RFC 5393 section 5.3.1). */
    public static final int DEFAULT = 60;
    public static final String HEADER = "Max-Breadth";

    private MaxBreadth() {
    }

    /** The header's value: {@link #DEFAULT} when absent, empty when it is not a number. */
    public static OptionalInt received(String header) {
        if (header == null || header.isBlank()) {
            return OptionalInt.of(DEFAULT);
        }
        try {
            int value = Integer.parseInt(header.trim());
            return value < 0 ? OptionalInt.empty() : OptionalInt.of(value);
        } catch (NumberFormatException e) {
            return OptionalInt.empty();
        }
    }

    /**
     * What each of {@code branches} parallel branches carries, or empty when {@code received} cannot be shared out
     * (440 Max-Breadth Exceeded). A single branch is no fork and keeps the value as it is.
     */
    public static OptionalInt perBranch(int received, int branches) {
        if (branches <= 1) {
            return OptionalInt.of(received);
        }
        return branches > received ? OptionalInt.empty() : OptionalInt.of(received / branches);
    }
}
