package org.sipanchor.ng;

import java.net.InetSocketAddress;

/** The request could not be sent or its connection failed (e.g. TCP connection refused, datagram too large). */
public final class NgTransportException extends NgException {

    private static final long serialVersionUID = 1L;

    NgTransportException(InetSocketAddress instance, NgCommand command, String callId, String detail,
            Throwable cause) {
        super(instance, command, callId, detail, cause);
    }
}
