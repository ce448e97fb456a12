package org.sipanchor.media;

import java.util.Map;

import io.prometheus.metrics.model.registry.PrometheusRegistry;

import org.sipanchor.config.MediaConfig;
import org.sipanchor.config.SipAnchorConfig;
import org.sipanchor.engine.EnginePool;
import org.sipanchor.testing.RtpEngineDaemon;

/**
 * An {@link RtpEngineService} on a pool of one test daemon, configured as an operator would (300 ms NG timeout, a
 * health check every second), for the tests that drive releases and failures against a real RTPEngine.
 *
 * <pre>{@code
 * try (MediaStack stack = MediaStack.against(daemon, "release-test")) {
 *     stack.rtpengine().delete(call);
 * }
 * }</pre>
 */
record MediaStack(EnginePool engines, RtpEngineService rtpengine) implements AutoCloseable {

    static MediaStack against(RtpEngineDaemon daemon, String nodeId) {
        MediaConfig media = SipAnchorConfig.parse("""
                media:
                  node_id: "%s"
                  rtpengine:
                    address: "%s"
                    timeout_ms: 300
                  health_check_interval_secs: 1
                """.formatted(nodeId, daemon.ngHostPort()), "test.yaml", Map.of()).media();
        EnginePool engines = EnginePool.start(media.rtpengine(), media.healthCheckInterval(), new PrometheusRegistry());
        return new MediaStack(engines, new RtpEngineService(engines, new MediaProfiles(media), media));
    }

    @Override
    public void close() {
        engines.close();
    }
}
