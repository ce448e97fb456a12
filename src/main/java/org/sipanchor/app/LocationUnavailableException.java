package org.sipanchor.app;

/**
 * The registrar's store cannot answer now (Redis down, slow beyond {@code app.registrar.store_timeout_ms}, or
 * refusing): the request that needed it is refused with 503 and Retry-After rather than taken for an address without
 * contacts.
 */
public final class LocationUnavailableException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** Seconds a refused request is told to wait: about what a Redis failover or restart takes. */
    public static final int RETRY_AFTER_SECS = 5;

    LocationUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
