package org.sipanchor.ng;

import java.net.InetSocketAddress;

/**
 * RTPEngine answered {@code result: load limit}: it is over one of its session, CPU, load or bandwidth limits and
 * refused to create a call. Always a capacity refusal; another instance may accept.
 */
public final class NgLoadLimitException extends NgErrorException {

    private static final long serialVersionUID = 1L;

    NgLoadLimitException(InetSocketAddress instance, NgCommand command, String callId, NgReply reply) {
        super(instance, command, callId, reply);
    }

    @Override
    public boolean isCapacityRefusal() {
        return true;
    }
}
