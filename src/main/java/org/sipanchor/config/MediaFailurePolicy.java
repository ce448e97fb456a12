package org.sipanchor.config;

/** What happens to a new call that no RTPEngine can anchor. */
public enum MediaFailurePolicy {
    /** Reject it with 503 Service Unavailable and a Retry-After. */
    REJECT,
    /** Let it through with its media unanchored (logged). */
    RELAY
}
