package org.sipanchor.config;

import java.time.Duration;

/**
 * The {@code sip.admission:} section: when the server refuses new calls so that the calls it has keep being served
 * (RFC 6357). The SIP stack queues every datagram it reads until one of its threads is free; the time a message
 * waits there is what overload looks like (every message waits, the BYEs and ACKs of calls in progress too, and past
 * T1 the callers retransmit, which doubles the load). When the wait, estimated from the queue's length and the rate
 * the SIP threads take messages off it, passes {@code maxQueueDelay}, a new INVITE is answered 503 with
 * {@code Retry-After} by the stack's own thread, before any transaction, servlet or RTPEngine request; requests
 * inside a dialog (re-INVITE, UPDATE, BYE, ACK) and CANCEL always go on.
 *
 * @param maxQueueDelay how long a message may wait for a SIP thread before new INVITEs are refused
 * @param retryAfter    the {@code Retry-After} of the 503
 */
public record SipAdmission(Duration maxQueueDelay, Duration retryAfter) {

    /**
     * 200 ms: longer than the stalls a healthy server has (a young collection, a burst), well before a caller's first
     * retransmission (T1, 500 ms) adds load at the worst moment.
     */
    public static final SipAdmission DEFAULTS = new SipAdmission(Duration.ofMillis(200), Duration.ofSeconds(2));
}
