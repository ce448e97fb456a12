package org.sipanchor.servlet;

import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

import io.prometheus.metrics.model.registry.PrometheusRegistry;

import org.sipanchor.config.MediaConfig;
import org.sipanchor.engine.EnginePool;
import org.sipanchor.engine.Reconciler;
import org.sipanchor.media.RtpEngineService;
import org.sipanchor.metrics.JvmSeries;

/**
 * The application's RTPEngine pool, its metrics registry (with the JVM's heap, collections, threads and CPU) and its
 * reconciliation with RTPEngine, one of each per application: started when first needed (the servlets need them at
 * deployment, {@link SipAnchorCdi} starts the reconciliation), closed when CDI shuts down.
 */
@Singleton
public class EngineBeans {

    @Produces
    @Singleton
    PrometheusRegistry registry() {
        return JvmSeries.addTo(new PrometheusRegistry());
    }

    @Produces
    @Singleton
    EnginePool engines(MediaConfig media, PrometheusRegistry registry) {
        return EnginePool.start(media.rtpengine(), media.healthCheckInterval(), registry);
    }

    void close(@Disposes EnginePool engines) {
        engines.close();
    }

    @Produces
    @Singleton
    Reconciler reconciler(EnginePool engines, RtpEngineService rtpengine, MediaConfig media, PrometheusRegistry registry) {
        return Reconciler.start(engines, media.reconcile(), rtpengine.mark(), rtpengine::isLive, rtpengine::liveCalls,
                registry);
    }

    void close(@Disposes Reconciler reconciler) {
        reconciler.close();
    }
}
