package org.sipanchor.metrics;

import io.prometheus.metrics.instrumentation.jvm.JvmGarbageCollectorMetrics;
import io.prometheus.metrics.instrumentation.jvm.JvmMemoryMetrics;
import io.prometheus.metrics.instrumentation.jvm.JvmThreadsMetrics;
import io.prometheus.metrics.instrumentation.jvm.ProcessMetrics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;

/**
 * The JVM's own series beside sipanchor's: heap and memory pools ({@code jvm_memory_used_bytes{area}}), collections
 * ({@code jvm_gc_collection_seconds{gc}}), threads and the process's CPU time ({@code process_cpu_seconds_total}), as
 * the Prometheus Java client names them. They show what a flood or a hostile peer costs. All are read from the JVM's
 * management beans at each scrape: nothing (no listener, no thread) is left behind when the application is undeployed
 * from a container that outlives it.
 *
 * <pre>{@code
 * PrometheusRegistry registry = JvmSeries.addTo(new PrometheusRegistry());
 * }</pre>
 */
public final class JvmSeries {

    private JvmSeries() {
    }

    /** Registers the JVM's series on {@code registry}, and returns it. */
    public static PrometheusRegistry addTo(PrometheusRegistry registry) {
        JvmMemoryMetrics.builder().register(registry);
        JvmGarbageCollectorMetrics.builder().register(registry);
        JvmThreadsMetrics.builder().register(registry);
        ProcessMetrics.builder().register(registry);
        return registry;
    }
}
