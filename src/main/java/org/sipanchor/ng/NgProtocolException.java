package org.sipanchor.ng;

import java.net.InetSocketAddress;

/**
 * The reply matched the request (right cookie, right address) but is not a valid NG reply: malformed or truncated
 * bencode, not a dictionary, no or an unknown {@code result}. Retrying is pointless: RTPEngine caches the reply by
 * cookie and would send the same bytes again.
 */
public final class NgProtocolException extends NgException {

    private static final long serialVersionUID = 1L;

    NgProtocolException(InetSocketAddress instance, NgCommand command, String callId, String detail,
            Throwable cause) {
        super(instance, command, callId, "malformed reply: " + detail, cause);
    }
}
