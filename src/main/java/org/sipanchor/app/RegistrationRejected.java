package org.sipanchor.app;

import java.util.OptionalInt;

/** A REGISTER the location service refuses, with the SIP status and reason to answer it with. */
public final class RegistrationRejected extends Exception {
    private static final long serialVersionUID = 1L;

    private final int status;
    private final OptionalInt retryAfterSecs;

    public RegistrationRejected(int status, String reason) {
        this(status, reason, OptionalInt.empty());
    }

    /** A refusal that passes: the answer carries Retry-After. */
    public RegistrationRejected(int status, String reason, OptionalInt retryAfterSecs) {
        super(reason);
        this.status = status;
        this.retryAfterSecs = retryAfterSecs;
    }

    public int status() {
        return status;
    }

    /** Seconds after which the same REGISTER may succeed, for a Retry-After header. */
    public OptionalInt retryAfterSecs() {
        return retryAfterSecs;
    }
}
