package org.sipanchor.ng;

import java.net.InetSocketAddress;

/**
 * The thread waiting in {@link NgClient#execute} was interrupted. The thread's interrupt flag is set again; the
 * request may or may not have reached RTPEngine.
 */
public final class NgInterruptedException extends NgException {

    private static final long serialVersionUID = 1L;

    NgInterruptedException(InetSocketAddress instance, NgCommand command, String callId, InterruptedException cause) {
        super(instance, command, callId, "interrupted while waiting for the reply", cause);
    }
}
