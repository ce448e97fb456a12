package org.sipanchor.server;

import java.util.function.LongSupplier;

/**
 * Whether the wait for a SIP thread has stayed past {@code sip.admission.max_queue_delay_ms} for a while, not just
 * once: as CoDel does with a queue's sojourn time, overload is a wait over the limit that lasts
 * {@link #PERSIST_MILLIS}. A collection's pause stops every thread at once, so the oldest datagram's wait jumps past
 * the limit for the few milliseconds the threads need to catch up (seen: one INVITE refused at 200 calls/s, at 85% of
 * one core); a real overload keeps it there.
 */
final class SustainedDelay {

    /** How long the wait must stay over the limit before new calls are refused. */
    static final long PERSIST_MILLIS = 100;

    private final long limitMillis;
    private final LongSupplier clockMillis;
    /** When the wait was first seen over the limit without being seen under it since, or -1. */
    private volatile long overSince = -1;

    SustainedDelay(long limitMillis) {
        this(limitMillis, System::currentTimeMillis);
    }

    SustainedDelay(long limitMillis, LongSupplier clockMillis) {
        this.limitMillis = limitMillis;
        this.clockMillis = clockMillis;
    }

    /** Takes a wait just seen; true if waits have been over the limit for {@link #PERSIST_MILLIS} or more. */
    boolean exceeded(long waitMillis) {
        if (waitMillis <= limitMillis) {
            overSince = -1;
            return false;
        }
        long now = clockMillis.getAsLong();
        long since = overSince;
        if (since < 0) {
            overSince = now; // benign race: two threads may both start the clock within a millisecond
            return false;
        }
        return now - since >= PERSIST_MILLIS;
    }

    long limitMillis() {
        return limitMillis;
    }
}
