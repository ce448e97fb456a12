package org.sipanchor.config;

import java.util.Optional;

/** The {@code http:} section: the container's HTTP connector, closed unless {@code listen} is set. */
public record HttpConfig(Optional<HostPort> listen) {
}
