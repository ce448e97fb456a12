package org.sipanchor.ng;

import java.net.InetSocketAddress;

/**
 * The request could not be sent to the instance or its connection failed (e.g. TCP connection refused, reset): a
 * failure on the way to the instance. A message too large for the transport is not one of these: that is an
 * {@link NgRefusedException} of kind {@link NgRefusedException.Kind#TOO_LARGE}, decided before anything is sent.
 */
public final class NgTransportException extends NgException {

    private static final long serialVersionUID = 1L;

    NgTransportException(InetSocketAddress instance, NgCommand command, String callId, String detail,
            Throwable cause) {
        super(instance, command, callId, detail, cause);
    }
}
