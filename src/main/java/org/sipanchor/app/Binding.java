package org.sipanchor.app;

import java.time.Instant;

/**
 * One registered contact of an address of record (RFC 3261 section 10).
 *
 * @param contact the Contact URI, as the user agent sent it
 * @param expires when the binding lapses unless refreshed
 * @param callId  the Call-ID of the REGISTER that made it, to order refreshes
 * @param cseq    that REGISTER's CSeq number
 */
public record Binding(String contact, Instant expires, String callId, long cseq) {

    /** Seconds left before this binding lapses, never negative. */
    public long secondsLeft(Instant now) {
        return Math.max(0, expires.getEpochSecond() - now.getEpochSecond());
    }
}
