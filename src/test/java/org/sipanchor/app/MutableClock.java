package org.sipanchor.app;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/** A clock the test moves by hand, so that expiry is asserted without waiting. */
final class MutableClock extends Clock {
    private Instant now;

    MutableClock() {
        this(Instant.parse("2026-11-26T10:00:00Z"));
    }

    /** From a given instant: a store that keeps real TTLs (Redis) needs one near the real time. */
    MutableClock(Instant start) {
        this.now = start;
    }

    void advance(Duration duration) {
        now = now.plus(duration);
    }

    @Override
    public Instant instant() {
        return now;
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        return this;
    }
}
