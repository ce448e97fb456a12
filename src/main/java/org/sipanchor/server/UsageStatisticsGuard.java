package org.sipanchor.server;

import com.codahale.metrics.Counter;
import com.codahale.metrics.Gauge;
import com.codahale.metrics.Histogram;
import com.codahale.metrics.Meter;
import com.codahale.metrics.MetricFilter;
import com.codahale.metrics.MetricRegistry;
import com.codahale.metrics.MetricRegistryListener;
import com.codahale.metrics.Timer;

import org.restcomm.commons.statistics.reporter.RestcommStatsReporter;

/**
 * Keeps the container from phoning home. Restcomm 3.2.0-37 starts its usage-statistics reporter whatever
 * {@code gatherStatistics} says, and its {@code stop()} sends one last report over HTTP to a Restcomm
 * host on the internet. A report holds one request per registered metric, so a registry that stays
 * empty sends nothing; the reporter's target is also pointed at a closed loopback port in case
 * anything slips through.
 */
final class UsageStatisticsGuard {

    /** Port 9 (discard) on loopback: refused at once here, never routed anywhere. */
    private static final String NOWHERE = "http://127.0.0.1:9/";

    private UsageStatisticsGuard() {
    }

    static void install() {
        RestcommStatsReporter.getRestcommStatsReporter().setRemoteServer(NOWHERE);
        MetricRegistry registry = RestcommStatsReporter.getMetricRegistry();
        registry.removeMatching(MetricFilter.ALL);
        registry.addListener(new MetricRegistryListener.Base() {
            @Override
            public void onGaugeAdded(String name, Gauge<?> gauge) {
                registry.remove(name);
            }

            @Override
            public void onCounterAdded(String name, Counter counter) {
                registry.remove(name);
            }

            @Override
            public void onHistogramAdded(String name, Histogram histogram) {
                registry.remove(name);
            }

            @Override
            public void onMeterAdded(String name, Meter meter) {
                registry.remove(name);
            }

            @Override
            public void onTimerAdded(String name, Timer timer) {
                registry.remove(name);
            }
        });
    }
}
