package org.sipanchor.media;

import java.time.Instant;

/**
 * A DTMF digit RTPEngine saw in a call's media (RFC 4733 event or in-band tone), delivered to CDI observers:
 *
 * <pre>{@code
 * void onDigit(@Observes DtmfEvent event) {
 *     log.info(event.callId() + " pressed " + event.digit());
 * }
 * }</pre>
 *
 * @param callId    the Call-ID RTPEngine knows the call by (a B2BUA's A-leg Call-ID)
 * @param sourceTag the tag of the party that sent the digit
 * @param digit     0-9, *, #, A-D
 * @param duration  in milliseconds
 * @param volume    in dBm0 below zero, as RTPEngine reports it
 * @param at        when RTPEngine saw it
 * @param source    the sender's media address, as RTPEngine reports it
 */
public record DtmfEvent(String callId, String sourceTag, char digit, long duration, int volume, Instant at, String source) {

    private static final String DIGITS = "0123456789*#ABCD";

    /** The digit of an RFC 4733 event code (0-15). */
    static char digitOf(int event) {
        if (event < 0 || event >= DIGITS.length()) {
            throw new IllegalArgumentException("DTMF event " + event + " is not 0-15");
        }
        return DIGITS.charAt(event);
    }
}
