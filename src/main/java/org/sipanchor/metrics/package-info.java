/**
 * The Prometheus endpoint: {@link org.sipanchor.metrics.MetricsEndpoint} serves a
 * {@link io.prometheus.metrics.model.registry.PrometheusRegistry} at {@code /metrics} and a health verdict at
 * {@code /health}. The metrics themselves are registered by the layers that own them (e.g. the engine pool).
 */
package org.sipanchor.metrics;
