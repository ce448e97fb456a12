package org.sipanchor.ng;

import java.net.InetSocketAddress;

/**
 * Not sent: the client already has its maximum number of requests in flight. Failing at once, rather than queueing,
 * keeps callers from piling up behind a slow or dead instance.
 */
public final class NgOverloadException extends NgException {

    private static final long serialVersionUID = 1L;

    private final int maxInFlight;

    NgOverloadException(InetSocketAddress instance, NgCommand command, String callId, int maxInFlight) {
        super(instance, command, callId, "not sent: " + maxInFlight + " requests already in flight", null);
        this.maxInFlight = maxInFlight;
    }

    public int maxInFlight() {
        return maxInFlight;
    }
}
