package org.sipanchor.servlet;

import java.util.Optional;
import java.util.logging.Logger;

import jakarta.annotation.PreDestroy;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import io.prometheus.metrics.model.registry.PrometheusRegistry;

import org.sipanchor.config.MetricsConfig;
import org.sipanchor.engine.EnginePool;
import org.sipanchor.metrics.MetricsEndpoint;

/**
 * Serves {@code /metrics} and {@code /health} on {@code metrics.listen} for as long as the application runs; does
 * nothing when that key is absent. {@code /health} is 200 while at least one RTPEngine is up.
 */
@Singleton
public class MetricsServer {

    private static final Logger LOG = Logger.getLogger(MetricsServer.class.getName());

    private final Optional<MetricsEndpoint> endpoint;

    @Inject
    public MetricsServer(MetricsConfig metrics, PrometheusRegistry registry, EnginePool engines) {
        this.endpoint = metrics.listen().map(address -> MetricsEndpoint.start(address, registry, () -> engines.upCount() > 0,
                () -> "rtpengine up " + engines.upCount() + " of " + engines.instances().size()));
        endpoint.ifPresent(server -> LOG.info(() -> "metrics on http://" + server.address() + "/metrics"));
    }

    @PreDestroy
    void stop() {
        endpoint.ifPresent(MetricsEndpoint::close);
    }
}
