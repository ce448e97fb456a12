package org.sipanchor.ng;

import java.net.InetSocketAddress;
import java.time.Duration;

/** No reply within the request's timeout, although the request was sent {@link #transmissions()} times. */
public final class NgTimeoutException extends NgException {

    private static final long serialVersionUID = 1L;

    private final Duration timeout;
    private final int transmissions;

    NgTimeoutException(InetSocketAddress instance, NgCommand command, String callId, Duration timeout,
            int transmissions) {
        super(instance, command, callId, "no reply within " + timeout.toMillis() + " ms (" + transmissions
                + (transmissions == 1 ? " transmission)" : " transmissions)"), null);
        this.timeout = timeout;
        this.transmissions = transmissions;
    }

    public Duration timeout() {
        return timeout;
    }

    /** How many times the datagram was sent (1 + retransmissions); 1 on TCP unless the connection was re-made. */
    public int transmissions() {
        return transmissions;
    }
}
