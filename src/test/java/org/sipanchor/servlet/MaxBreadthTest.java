package org.sipanchor.servlet;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.OptionalInt;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Max-Breadth (RFC 5393)")
class MaxBreadthTest {

    @Test
    @DisplayName("is 60 when the request carries none, and malformed when not a whole number")
    void received() {
        assertEquals(OptionalInt.of(60), MaxBreadth.received(null));
        assertEquals(OptionalInt.of(7), MaxBreadth.received(" 7 "));
        assertEquals(OptionalInt.empty(), MaxBreadth.received("seven"));
        assertEquals(OptionalInt.empty(), MaxBreadth.received("-1"));
    }

    @Test
    @DisplayName("is shared out among parallel branches so that their sum stays within what was received")
    void shared() {
        assertEquals(OptionalInt.of(20), MaxBreadth.perBranch(60, 3));
        assertEquals(OptionalInt.of(1), MaxBreadth.perBranch(3, 2));
        assertEquals(OptionalInt.of(1), MaxBreadth.perBranch(2, 2));
    }

    @Test
    @DisplayName("refuses a fork wider than what is left (440), but a single branch is no fork")
    void exceeded() {
        assertEquals(OptionalInt.empty(), MaxBreadth.perBranch(2, 3));
        assertEquals(OptionalInt.empty(), MaxBreadth.perBranch(0, 2));
        assertEquals(OptionalInt.of(0), MaxBreadth.perBranch(0, 1));
    }
}
