package org.sipanchor.engine;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.model.registry.Collector;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.List;
import java.util.Locale;
import java.util.function.IntSupplier;
import java.util.function.Supplier;
import org.sipanchor.ng.NgClientListener;
import org.sipanchor.ng.NgCommand;
import org.sipanchor.ng.NgReply;

/**
 * The pool's Prometheus metrics, registered on the registry the pool was given (never the global default one) and
 * unregistered when the pool closes:
 *
 * <pre>
 * sipanchor_rtpengine_instances_up                                 gauge: instances taking new calls
 * sipanchor_rtpengine_up{instance}                                 gauge: 1 up, 0 down
 * sipanchor_ng_requests_total{instance,command,result}             counter; result: ok, warning, error, capacity,
 *                                                                  load_limit, timeout, transport_error,
 *                                                                  protocol_error, overload, closed
 * sipanchor_ng_request_duration_seconds{instance,command}          histogram of replied requests
 * sipanchor_rtpengine_failovers_total{instance}                    offers moved on from this (failing) instance
 * sipanchor_ng_retransmissions_total{instance}                     UDP retransmissions, TCP resends
 * sipanchor_ng_stray_replies_total{instance,reason}                replies dropped: wrong_address, unknown_cookie,
 *                                                                  duplicate, malformed
 * sipanchor_rtpengine_orphan_deletes_total{instance}               calls deleted on an instance that kept them
 * sipanchor_media_pending_releases                                 gauge: call releases not confirmed yet, retried
 * sipanchor_media_releases_given_up_total                          releases no RTPEngine confirmed in 24 h, or not
 *                                                                  kept (store full, pool closed)
 * </pre>
 *
 * <p>The up gauges are computed at scrape time from the pool's state, so they can never disagree with
 * {@link EnginePool#instances()}. Request outcomes are counted by the pool (it alone sees transport failures and
 * warnings); latency, retransmissions and stray replies come from each client's {@link NgClientListener}.
 */
final class EngineMetrics {

    static final String INSTANCES_UP = "sipanchor_rtpengine_instances_up";
    static final String UP = "sipanchor_rtpengine_up";
    static final String REQUESTS = "sipanchor_ng_requests";
    static final String DURATION = "sipanchor_ng_request_duration_seconds";
    static final String FAILOVERS = "sipanchor_rtpengine_failovers";
    static final String RETRANSMISSIONS = "sipanchor_ng_retransmissions";
    static final String STRAY = "sipanchor_ng_stray_replies";
    static final String ORPHAN_DELETES = "sipanchor_rtpengine_orphan_deletes";
    static final String PENDING_RELEASES = "sipanchor_media_pending_releases";
    static final String RELEASES_GIVEN_UP = "sipanchor_media_releases_given_up";

    /** From a loopback round trip (~0.2 ms) to a request that used up a long timeout. */
    private static final double[] LATENCY_BUCKETS = {0.0002, 0.0005, 0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1,
        0.25, 0.5, 1, 2.5, 5};

    private final PrometheusRegistry registry;
    private final List<Collector> collectors;
    private final Counter requests;
    private final Histogram duration;
    private final Counter failovers;
    private final Counter retransmissions;
    private final Counter stray;
    private final Counter orphanDeletes;
    private final Counter releasesGivenUp;

    EngineMetrics(PrometheusRegistry registry, IntSupplier upCount, Supplier<List<EngineStatus>> statuses,
            IntSupplier pendingReleases) {
        this.registry = registry;
        GaugeWithCallback instancesUp = GaugeWithCallback.builder()
                .name(INSTANCES_UP)
                .help("RTPEngine instances that take new calls")
                .callback(cb -> cb.call(upCount.getAsInt()))
                .build();
        GaugeWithCallback up = GaugeWithCallback.builder()
                .name(UP)
                .help("1 if the RTPEngine instance takes new calls, 0 if it is down")
                .labelNames("instance")
                .callback(cb -> statuses.get().forEach(s -> cb.call(s.up() ? 1 : 0, s.address())))
                .build();
        requests = Counter.builder()
                .name(REQUESTS)
                .help("NG requests by instance, command and how they ended")
                .labelNames("instance", "command", "result")
                .withoutExemplars()
                .build();
        duration = Histogram.builder()
                .name(DURATION)
                .help("NG round trip from the first transmission to the reply")
                .labelNames("instance", "command")
                .classicOnly()
                .classicUpperBounds(LATENCY_BUCKETS)
                .withoutExemplars()
                .build();
        failovers = Counter.builder()
                .name(FAILOVERS)
                .help("Offers of new calls that failed on this instance and went on to the next one")
                .labelNames("instance")
                .withoutExemplars()
                .build();
        retransmissions = Counter.builder()
                .name(RETRANSMISSIONS)
                .help("NG requests sent again (UDP retransmission, resend on a new TCP connection)")
                .labelNames("instance")
                .withoutExemplars()
                .build();
        stray = Counter.builder()
                .name(STRAY)
                .help("Messages from RTPEngine that completed no request")
                .labelNames("instance", "reason")
                .withoutExemplars()
                .build();
        orphanDeletes = Counter.builder()
                .name(ORPHAN_DELETES)
                .help("Calls deleted on an instance after an offer or delete to it had timed out")
                .labelNames("instance")
                .withoutExemplars()
                .build();
        GaugeWithCallback pending = GaugeWithCallback.builder()
                .name(PENDING_RELEASES)
                .help("Call releases no RTPEngine has confirmed yet; each is deleted again with backoff")
                .callback(cb -> cb.call(pendingReleases.getAsInt()))
                .build();
        releasesGivenUp = Counter.builder()
                .name(RELEASES_GIVEN_UP)
                .help("Call releases never confirmed: given up after 24 h, or not kept (store full, pool closed)")
                .withoutExemplars()
                .build();
        collectors = List.of(instancesUp, up, requests, duration, failovers, retransmissions, stray, orphanDeletes,
                pending, releasesGivenUp);
        int registered = 0;
        try {
            for (Collector c : collectors) {
                registry.register(c);
                registered++;
            }
        } catch (RuntimeException e) {
            collectors.subList(0, registered).forEach(registry::unregister);
            throw new IllegalStateException("the registry already has sipanchor's RTPEngine metrics (another "
                    + "EnginePool on it that was not closed?): " + e.getMessage(), e);
        }
    }

    void request(String instance, NgCommand command, RequestResult result) {
        requests.labelValues(instance, command.wireName(), result.label()).inc();
    }

    void failover(String instance) {
        failovers.labelValues(instance).inc();
    }

    void releaseGivenUp() {
        releasesGivenUp.inc();
    }

    void orphanDeleted(String instance) {
        orphanDeletes.labelValues(instance).inc();
    }

    /** What one instance's client reports. */
    NgClientListener listener(String instance) {
        // Label children resolved once per instance where the labels are fixed.
        var retransmitted = retransmissions.labelValues(instance);
        return new NgClientListener() {
            @Override
            public void onReply(NgCommand command, NgReply.Result result, long latencyNanos) {
                duration.labelValues(instance, command.wireName()).observe(latencyNanos / 1e9);
            }

            @Override
            public void onRetransmit(NgCommand command) {
                retransmitted.inc();
            }

            @Override
            public void onStrayReply(StrayReason reason) {
                stray.labelValues(instance, reason.name().toLowerCase(Locale.ROOT)).inc();
            }
        };
    }

    void close() {
        collectors.forEach(registry::unregister);
    }
}
