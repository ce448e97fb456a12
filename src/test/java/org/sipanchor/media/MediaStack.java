package org.sipanchor.media;

import java.util.Map;

import io.prometheus.metrics.model.registry.PrometheusRegistry;

import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.sipanchor.config.MediaConfig;
import org.sipanchor.config.SipAnchorConfig;
import org.sipanchor.engine.EnginePool;
import org.sipanchor.testing.RtpEngineDaemon;

/**
 * An {@link RtpEngineService} on a pool of one test daemon, configured as an operator would (300 ms NG timeout, a
 * health check every second), for the tests that drive releases and failures against a real RTPEngine. A fresh pool
 * for each test, closed after it; register it after the daemon, which then starts first:
 *
 * <pre>{@code
 * @RegisterExtension final RtpEngineDaemon daemon = RtpEngineDaemon.builder().build();
 * @RegisterExtension final MediaStack media = MediaStack.on(daemon, "release-test");
 * ...
 * media.rtpengine().delete(call);
 * }</pre>
 */
final class MediaStack implements BeforeEachCallback, AfterEachCallback {

    private final RtpEngineDaemon daemon;
    private final String nodeId;
    private EnginePool engines;
    private RtpEngineService rtpengine;

    private MediaStack(RtpEngineDaemon daemon, String nodeId) {
        this.daemon = daemon;
        this.nodeId = nodeId;
    }

    static MediaStack on(RtpEngineDaemon daemon, String nodeId) {
        return new MediaStack(daemon, nodeId);
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        MediaConfig media = SipAnchorConfig.parse("""
                media:
                  node_id: "%s"
                  rtpengine:
                    address: "%s"
                    timeout_ms: 300
                  health_check_interval_secs: 1
                """.formatted(nodeId, daemon.ngHostPort()), "test.yaml", Map.of()).media();
        engines = EnginePool.start(media.rtpengine(), media.healthCheckInterval(), new PrometheusRegistry());
        rtpengine = new RtpEngineService(engines, new MediaProfiles(media), media);
    }

    @Override
    public void afterEach(ExtensionContext context) {
        if (engines != null) {
            engines.close();
        }
    }

    EnginePool engines() {
        return engines;
    }

    RtpEngineService rtpengine() {
        return rtpengine;
    }
}
