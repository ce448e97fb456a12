package org.sipanchor.server;

/** Start-up cannot go on; the message is what the operator reads before the process exits non-zero. */
public final class StartupException extends Exception {
    private static final long serialVersionUID = 1L;

    public StartupException(String message) {
        super(message);
    }

    public StartupException(String message, Throwable cause) {
        super(message, cause);
    }
}
