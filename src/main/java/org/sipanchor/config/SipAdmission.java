package org.sipanchor.config;

import java.time.Duration;

/**
 * The {@code sip.admission:} section: when the server refuses new calls so that the calls it has keep being served
 * (RFC 6357). The SIP stack queues every datagram it reads until one of its threads is free; a queue that grows means
 * the machine cannot keep up, and every message in it (BYEs and ACKs of calls in progress too) waits longer. Past
 * {@code maxQueuedMessages}, a new INVITE is answered 503 with {@code Retry-After} by the stack's own thread, before
 * any transaction, servlet or RTPEngine request; requests inside a dialog (re-INVITE, UPDATE, BYE, ACK) and CANCEL
 * always go on.
 *
 * @param maxQueuedMessages UDP datagrams received and not yet taken by a SIP thread, above which new INVITEs are refused
 * @param retryAfter        the {@code Retry-After} of the 503
 */
public record SipAdmission(int maxQueuedMessages, Duration retryAfter) {

    /**
     * 200 datagrams: on two cores the server handles 2,000 to 4,000 messages a second, so about 50 to 100 ms of waiting,
     * well before a caller's first retransmission (T1, 500 ms) doubles the load.
     */
    public static final SipAdmission DEFAULTS = new SipAdmission(200, Duration.ofSeconds(2));
}
