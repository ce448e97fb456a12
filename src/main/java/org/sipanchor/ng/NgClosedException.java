package org.sipanchor.ng;

import java.net.InetSocketAddress;

/** The client was closed before the reply came, or before the request was sent. */
public final class NgClosedException extends NgException {

    private static final long serialVersionUID = 1L;

    NgClosedException(InetSocketAddress instance, NgCommand command, String callId) {
        super(instance, command, callId, "client closed", null);
    }
}
