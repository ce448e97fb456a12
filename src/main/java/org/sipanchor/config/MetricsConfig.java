package org.sipanchor.config;

import java.util.Optional;

/** The {@code metrics:} section: where Prometheus scrapes {@code /metrics}; off when absent. */
public record MetricsConfig(Optional<HostPort> listen) {
}
