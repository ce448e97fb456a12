package org.sipanchor.media;

/**
 * A third party's view of a call's media (RTPEngine's {@code subscribe request}): the SDP offer to send that
 * party, then its answer back, and {@link #close()} when it leaves.
 *
 * <pre>{@code
 * try (Subscription monitor = call.subscribe(call.caller())) {
 *     byte[] answer = inviteMonitor(monitor.offer());     // sendonly SDP carrying the caller's media
 *     monitor.answer(answer);
 *     ...
 * }
 * }</pre>
 */
public final class Subscription implements AutoCloseable {

    private final RtpEngineService engine;
    private final MediaCall call;
    private final String tag;
    private final byte[] offer;

    Subscription(RtpEngineService engine, MediaCall call, String tag, byte[] offer) {
        this.engine = engine;
        this.call = call;
        this.tag = tag;
        this.offer = offer.clone();
    }

    /** The SDP to send to the subscriber: RTPEngine's addresses, {@code a=sendonly}. */
    public byte[] offer() {
        return offer.clone();
    }

    /** The tag RTPEngine gave the subscriber, for logs. */
    public String tag() {
        return tag;
    }

    /** Completes the subscription with the subscriber's SDP answer: media starts flowing to it. */
    public void answer(byte[] sdp) {
        engine.subscribeAnswer(call, tag, sdp);
    }

    /** Ends the subscription; the call goes on. Does nothing once the call is released. */
    @Override
    public void close() {
        if (!call.isReleased()) {
            engine.unsubscribe(call, tag);
        }
    }
}
