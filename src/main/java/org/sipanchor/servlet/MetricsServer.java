package org.sipanchor.servlet;

import java.util.Optional;
import java.util.logging.Logger;

import jakarta.annotation.PreDestroy;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import io.prometheus.metrics.model.registry.PrometheusRegistry;

import org.sipanchor.config.MediaConfig;
import org.sipanchor.config.MetricsConfig;
import org.sipanchor.engine.EnginePool;
import org.sipanchor.metrics.ConstantLabels;
import org.sipanchor.metrics.MetricsEndpoint;

/**
 * Serves {@code /metrics} and {@code /health} on {@code metrics.listen} for as long as the application runs; does
 * nothing when that key is absent. {@code /health} is 200 while at least one RTPEngine is up. Every series carries
 * {@code node="<media.node_id>"}, so the nodes of a farm export the same metrics, told apart by that label.
 */
@Singleton
public class MetricsServer {

    private static final Logger LOG = Logger.getLogger(MetricsServer.class.getName());

    /** The label every series carries: which node of a farm it comes from ({@code media.node_id}). */
    public static final String NODE_LABEL = "node";

    private final Optional<MetricsEndpoint> endpoint;

    @Inject
    public MetricsServer(MetricsConfig metrics, MediaConfig media, PrometheusRegistry registry, EnginePool engines) {
        ConstantLabels node = ConstantLabels.of(NODE_LABEL, media.nodeId());
        this.endpoint = metrics.listen().map(address -> MetricsEndpoint.start(address, registry, node, () -> engines.upCount() > 0,
                () -> "rtpengine up " + engines.upCount() + " of " + engines.instances().size()));
        endpoint.ifPresent(server -> LOG.info(() -> "metrics on http://" + server.address() + "/metrics"));
    }

    @PreDestroy
    void stop() {
        endpoint.ifPresent(MetricsEndpoint::close);
    }
}
