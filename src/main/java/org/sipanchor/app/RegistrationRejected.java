package org.sipanchor.app;

/** A REGISTER the location service refuses, with the SIP status and reason to answer it with. */
public final class RegistrationRejected extends Exception {
    private static final long serialVersionUID = 1L;

    private final int status;

    public RegistrationRejected(int status, String reason) {
        super(reason);
        this.status = status;
    }

    public int status() {
        return status;
    }
}
