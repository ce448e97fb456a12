package org.sipanchor.servlet;

import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

import io.prometheus.metrics.model.registry.PrometheusRegistry;

import org.sipanchor.config.MediaConfig;
import org.sipanchor.engine.EnginePool;

/**
 * The application's RTPEngine pool and its metrics registry, one of each per application: started when first
 * needed (the servlets need them at deployment), closed when CDI shuts down.
 */
@Singleton
public class EngineBeans {

    @Produces
    @Singleton
    PrometheusRegistry registry() {
        return new PrometheusRegistry();
    }

    @Produces
    @Singleton
    EnginePool engines(MediaConfig media, PrometheusRegistry registry) {
        return EnginePool.start(media.rtpengine(), media.healthCheckInterval(), registry);
    }

    void close(@Disposes EnginePool engines) {
        engines.close();
    }
}
