package org.sipanchor.ng;

/**
 * Hooks into what an {@link NgClient} does, for metrics and logs; every method has a no-op default.
 *
 * <p>Methods are called on the client's I/O, timer or calling threads: they must be quick, thread-safe and must not
 * block. An exception thrown by a listener is caught and logged, and does not affect the request.
 *
 * <pre>{@code
 * NgClient client = NgClient.builder().address(addr).listener(new NgClientListener() {
 *     public void onReply(NgCommand c, NgReply.Result r, long nanos) { latency.labels(c.wireName()).observe(nanos / 1e9); }
 *     public void onTimeout(NgCommand c) { timeouts.labels(c.wireName()).inc(); }
 * }).build();
 * }</pre>
 */
public interface NgClientListener {

    /** A listener that does nothing. */
    NgClientListener NONE = new NgClientListener() {
    };

    /** Why a received message was dropped without completing any request. */
    enum StrayReason {
        /** It came from another address than the instance's (UDP). */
        WRONG_ADDRESS,
        /** Its cookie is not one this client made (another client's, or corrupted). */
        UNKNOWN_COOKIE,
        /** Its cookie is ours, but its request is already completed: a duplicate or late reply, or one after a timeout. */
        DUPLICATE,
        /** It has no cookie, or (TCP) it breaks the framing of the stream. */
        MALFORMED
    }

    /** A request was sent for the first time. */
    default void onSent(NgCommand command) {
    }

    /** A reply completed a request; {@code latencyNanos} runs from the first transmission. */
    default void onReply(NgCommand command, NgReply.Result result, long latencyNanos) {
    }

    /** A request was sent again (UDP retransmission, or resent on a new TCP connection). */
    default void onRetransmit(NgCommand command) {
    }

    /** A request timed out. */
    default void onTimeout(NgCommand command) {
    }

    /** A received message was dropped. */
    default void onStrayReply(StrayReason reason) {
    }

    /** A reply matched a request but was not a valid NG reply; the request failed with {@link NgProtocolException}. */
    default void onProtocolError(NgCommand command) {
    }

    /**
     * A message RTPEngine sent on its own, not as a reply: with {@code --dtmf-log-ng-tcp}, every TCP client gets
     * {@code {"notify": "onDTMF", "data": {...}}} for each DTMF event.
     */
    default void onNotification(NgNotification notification) {
    }
}
