package org.sipanchor.metrics;

import java.io.IOException;
import org.sipanchor.config.HostPort;

/**
 * The metrics endpoint could not listen on its address (in use, not local, not permitted).
 *
 * <pre>{@code
 * try {
 *     MetricsEndpoint.start(HostPort.parse("127.0.0.1:9464"), registry, healthy, text);
 * } catch (MetricsBindException e) {
 *     // "cannot listen for /metrics on 127.0.0.1:9464: Address already in use"
 *     exit(e.getMessage());
 * }
 * }</pre>
 */
public final class MetricsBindException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final HostPort address;

    MetricsBindException(HostPort address, IOException cause) {
        super("cannot listen for /metrics on " + address + ": " + cause.getMessage(), cause);
        this.address = address;
    }

    /** The address that could not be bound. */
    public HostPort address() {
        return address;
    }
}
