package org.sipanchor.ng;

import java.net.InetSocketAddress;

/**
 * The client was closed before the reply came, or before the request was sent ({@link Kind#CLOSED}): this program's
 * doing, not the instance's.
 */
public final class NgClosedException extends NgRefusedException {

    private static final long serialVersionUID = 1L;

    NgClosedException(InetSocketAddress instance, NgCommand command, String callId) {
        super(instance, command, callId, Kind.CLOSED, "client closed", null);
    }
}
