package org.sipanchor.ng;

import java.net.InetSocketAddress;

/**
 * Not sent: the client already has its maximum number of requests in flight ({@link Kind#IN_FLIGHT_LIMIT}). Failing at
 * once, rather than queueing, keeps callers from piling up behind a slow or dead instance. A bound of this client, not
 * a failure of the instance.
 */
public final class NgOverloadException extends NgRefusedException {

    private static final long serialVersionUID = 1L;

    private final int maxInFlight;

    NgOverloadException(InetSocketAddress instance, NgCommand command, String callId, int maxInFlight) {
        super(instance, command, callId, Kind.IN_FLIGHT_LIMIT,
                "not sent: " + maxInFlight + " requests already in flight", null);
        this.maxInFlight = maxInFlight;
    }

    public int maxInFlight() {
        return maxInFlight;
    }
}
