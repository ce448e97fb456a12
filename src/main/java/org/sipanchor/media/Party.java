package org.sipanchor.media;

import java.time.Duration;
import java.util.Optional;

/**
 * One party of a call's media, the caller or the callee, and what RTPEngine can do to what that party hears and
 * sends. Get it from the call's {@link MediaSession}: {@code session.caller()}, {@code session.callee()}, or the
 * party that sent a DTMF digit. No tag is ever spelt: sipanchor knows which RTPEngine tag each party has, in a
 * proxy and in a B2BUA alike.
 *
 * <pre>{@code
 * MediaSession call = rtpengine.session(request).orElseThrow();
 * call.caller().play("/var/lib/prompts/welcome.wav");   // the caller hears the prompt
 * call.caller().playDtmf("123#");                       // ...and the tones (profile flag "inject DTMF")
 * call.callee().silence();                              // the caller stops hearing the callee
 * }</pre>
 *
 * Every method goes to the RTPEngine instance that anchored the call and throws a {@link MediaException} naming
 * the Call-ID when RTPEngine refuses or cannot be reached.
 */
public final class Party {

    /** Which party of the call this is. */
    public enum Role {
        /** The party that sent the call's initial INVITE. */
        CALLER,
        /** The party the call was sent to (the answering branch, in a forked call). */
        CALLEE;

        /** The role of the other party. */
        public Role other() {
            return this == CALLER ? CALLEE : CALLER;
        }
    }

    /** The length of each injected digit unless told otherwise: long enough for every DTMF detector. */
    public static final Duration DEFAULT_DIGIT_DURATION = Duration.ofMillis(160);

    private final MediaSession session;
    private final Role role;

    Party(MediaSession session, Role role) {
        this.session = session;
        this.role = role;
    }

    public Role role() {
        return role;
    }

    /** The other party of the same call. */
    public Party other() {
        return role == Role.CALLER ? session.callee() : session.caller();
    }

    /** The call this party belongs to. */
    public MediaSession session() {
        return session;
    }

    /**
     * Plays a media file to this party (RTPEngine's {@code play media}): an announcement, a prompt, music on hold.
     * The file is read by RTPEngine on its own host (WAV, MP3... anything its ffmpeg reads); what the other party
     * says is not heard by this party while the file plays.
     *
     * @return the file's length, when RTPEngine reports it
     */
    public Optional<Duration> play(String file) {
        return session.engine().play(session.call(), tag(), file);
    }

    /** Stops what {@link #play} started for this party. */
    public void stopPlaying() {
        session.engine().stopPlaying(session.call(), tag());
    }

    /**
     * Plays DTMF digits to this party, {@link #DEFAULT_DIGIT_DURATION} each: RTPEngine injects them into the media
     * this party receives, as RFC 4733 events or tones as negotiated. RTPEngine needs the {@code inject DTMF} flag
     * in the call's profile (both offer and answer) and media flowing from the other party. The digits are noted,
     * so that if they come back as {@link DtmfEvent}s (an echo) those are marked {@link DtmfEvent#injected()}.
     *
     * @param digits 0-9, *, #, A-D
     */
    public void playDtmf(String digits) {
        playDtmf(digits, DEFAULT_DIGIT_DURATION);
    }

    /** {@link #playDtmf(String)} with each digit lasting {@code duration} (100 ms to 5 s). */
    public void playDtmf(String digits, Duration duration) {
        session.engine().playDtmf(session.call(), tag(), other().tag(), digits, duration);
    }

    /** Replaces what this party sends by silence: the other party hears nothing from it (RTPEngine's {@code silence media}). */
    public void silence() {
        session.engine().gate(session.call(), tag(), MediaGate.SILENCE, true);
    }

    /** Undoes {@link #silence()}. */
    public void unsilence() {
        session.engine().gate(session.call(), tag(), MediaGate.SILENCE, false);
    }

    /** Drops the media this party sends (RTPEngine's {@code block media}): no packets reach the other party. */
    public void block() {
        session.engine().gate(session.call(), tag(), MediaGate.MEDIA, true);
    }

    /** Undoes {@link #block()}. */
    public void unblock() {
        session.engine().gate(session.call(), tag(), MediaGate.MEDIA, false);
    }

    /**
     * Drops the DTMF this party sends before it reaches the other party (RTPEngine's {@code block DTMF}), e.g.
     * while a card number is read; sipanchor still receives the digits as {@link DtmfEvent}s.
     */
    public void blockDtmf() {
        session.engine().gate(session.call(), tag(), MediaGate.DTMF, true);
    }

    /** Undoes {@link #blockDtmf()}. */
    public void unblockDtmf() {
        session.engine().gate(session.call(), tag(), MediaGate.DTMF, false);
    }

    /** The tag RTPEngine knows this party by; fails before the callee has answered (its tag is not known yet). */
    String tag() {
        return session.call().tagOf(role).orElseThrow(() -> new IllegalStateException("call-id=" + session.callId()
                + ": the " + role.name().toLowerCase() + " has no media yet (the call is not answered)"));
    }

    @Override
    public String toString() {
        return role.name().toLowerCase() + " of " + session.callId();
    }
}
