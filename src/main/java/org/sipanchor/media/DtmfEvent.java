package org.sipanchor.media;

import java.time.Instant;

/**
 * A DTMF digit RTPEngine saw in a call's media (RFC 4733 event or in-band tone). A servlet that extends one of
 * sipanchor's bases gets it with its call, under the call's SIP application session on a container thread, where it
 * may send SIP (a BYE, an INFO, a re-INVITE):
 *
 * <pre>{@code
 * protected void onDtmf(MediaSession call, Party from, DtmfEvent event) {
 *     if (!event.injected() && event.digit() == '1') {
 *         from.play("/var/lib/prompts/sales.wav");
 *     }
 * }
 * }</pre>
 *
 * CDI observers ({@code void onDigit(@Observes DtmfEvent event)}) receive the same event on the same thread.
 *
 * @param callId    the Call-ID RTPEngine knows the call by (a B2BUA's A-leg Call-ID)
 * @param sourceTag the tag of the party that sent the digit
 * @param digit     0-9, *, #, A-D
 * @param duration  in milliseconds
 * @param volume    in dBm0 below zero, as RTPEngine reports it
 * @param at        when RTPEngine saw it
 * @param source    the sender's media address, as RTPEngine reports it
 * @param injected  whether this is the echo of a digit sipanchor itself injected ({@link Party#playDtmf}) lately:
 *                  an application that answers digits with digits ignores these, so that an echo cannot loop
 */
public record DtmfEvent(String callId, String sourceTag, char digit, long duration, int volume, Instant at, String source,
        boolean injected) implements java.io.Serializable {

    /** An event as RTPEngine reports it, not yet compared with the digits sipanchor injected. */
    public DtmfEvent(String callId, String sourceTag, char digit, long duration, int volume, Instant at, String source) {
        this(callId, sourceTag, digit, duration, volume, at, source, false);
    }

    /** This event, marked as the echo of an injected digit or not. */
    public DtmfEvent withInjected(boolean echo) {
        return new DtmfEvent(callId, sourceTag, digit, duration, volume, at, source, echo);
    }

    private static final String DIGITS = "0123456789*#ABCD";

    /** The digit of an RFC 4733 event code (0-15). */
    static char digitOf(int event) {
        if (event < 0 || event >= DIGITS.length()) {
            throw new IllegalArgumentException("DTMF event " + event + " is not 0-15");
        }
        return DIGITS.charAt(event);
    }
}
