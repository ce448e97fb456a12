package org.sipanchor.media;

import java.util.List;
import java.util.Optional;

/**
 * One call's media on RTPEngine, as an application sees it: its two {@link Party parties}, recording and
 * listening in. Get it from any message of the call, or in a DTMF handler, and talk about the parties by role:
 *
 * <pre>{@code
 * MediaSession call = rtpengine.session(request).orElseThrow();
 * call.record();
 * Subscription monitor = call.subscribe(call.caller(), call.callee());   // an SDP offer for a third party
 * byte[] offerForMonitor = monitor.offer();
 * monitor.answer(monitorsAnswer);
 * }</pre>
 *
 * A session is a view: it holds no state of its own, and every command goes to the RTPEngine instance that
 * anchored the call. Commands on a released call fail with a {@link MediaException}.
 */
public final class MediaSession {

    private final RtpEngineService engine;
    private final MediaCall call;
    private final Party caller;
    private final Party callee;

    MediaSession(RtpEngineService engine, MediaCall call) {
        this.engine = engine;
        this.call = call;
        this.caller = new Party(this, Party.Role.CALLER);
        this.callee = new Party(this, Party.Role.CALLEE);
    }

    /** The Call-ID RTPEngine knows the call by (in a B2BUA, the caller's leg's). */
    public String callId() {
        return call.callId();
    }

    /** The profile the call was anchored with. */
    public String profile() {
        return call.profile();
    }

    /** The party that sent the initial INVITE. */
    public Party caller() {
        return caller;
    }

    /** The party that answered (in a proxy, the winning branch; in a B2BUA, the B-leg). */
    public Party callee() {
        return callee;
    }

    /** The party RTPEngine knows by {@code tag}, e.g. the sender of a {@link DtmfEvent}. */
    public Optional<Party> party(String tag) {
        return call.roleOf(tag).map(role -> role == Party.Role.CALLER ? caller : callee);
    }

    /** Whether the callee has answered, so that both parties have media. */
    public boolean isAnswered() {
        return call.tagOf(Party.Role.CALLEE).isPresent();
    }

    /** Whether the call's media has been released (it cannot be controlled any more). */
    public boolean isReleased() {
        return call.isReleased();
    }

    /** Starts recording the whole call on RTPEngine's recording spool ({@code --recording-dir}). */
    public void record() {
        engine.record(call, true);
    }

    /** Stops what {@link #record()} started. */
    public void stopRecording() {
        engine.record(call, false);
    }

    /**
     * Lets a third party (a monitor, a recorder, a conference mixer) receive the media that {@code parties} send,
     * through RTPEngine's {@code subscribe request}: send {@link Subscription#offer()} to that party (e.g. in an
     * INVITE), then hand its answer to {@link Subscription#answer}.
     */
    public Subscription subscribe(Party... parties) {
        if (parties.length == 0) {
            throw new IllegalArgumentException("subscribe to at least one party");
        }
        return engine.subscribe(call, List.of(parties).stream().map(Party::tag).toList());
    }

    /** Releases the call's media now (once; later releases do nothing). */
    public void release() {
        engine.delete(call);
    }

    RtpEngineService engine() {
        return engine;
    }

    MediaCall call() {
        return call;
    }

    @Override
    public String toString() {
        return "media session " + call.callId() + " (" + call.profile() + ")";
    }
}
