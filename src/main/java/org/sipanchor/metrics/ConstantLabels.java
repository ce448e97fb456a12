package org.sipanchor.metrics;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.CounterSnapshot.CounterDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.DataPointSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot.GaugeDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot.HistogramDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import io.prometheus.metrics.model.snapshots.SummarySnapshot;
import io.prometheus.metrics.model.snapshots.SummarySnapshot.SummaryDataPointSnapshot;

/**
 * Labels that every series of a scrape carries, added as the endpoint writes it: {@code node="<media.node_id>"}, so
 * that the nodes of a farm export the same metrics and one dashboard tells them apart. Added at the endpoint rather
 * than by each metric, so that no metric registered anywhere can go without them.
 *
 * <pre>{@code
 * ConstantLabels node = ConstantLabels.of("node", "edge-1");
 * writer.write(out, node.apply(registry.scrape()));   // sipanchor_rtpengine_instances_up{node="edge-1"} 2
 * }</pre>
 *
 * <p>Counters, gauges and classic histograms are the kinds sipanchor registers; a scrape holding another kind fails
 * loudly rather than leaving its series unlabelled.
 */
public final class ConstantLabels {

    /** No label added: the scrape as the registry gives it. */
    public static final ConstantLabels NONE = new ConstantLabels(Labels.EMPTY);

    private final Labels labels;

    private ConstantLabels(Labels labels) {
        this.labels = labels;
    }

    /** One label, e.g. {@code of("node", "edge-1")}. */
    public static ConstantLabels of(String name, String value) {
        return new ConstantLabels(Labels.of(Objects.requireNonNull(name, "name"), Objects.requireNonNull(value, "value")));
    }

    /**
     * The scrape with these labels on every data point.
     *
     * @throws IllegalStateException for a kind of metric it does not know, or a metric that has a label of the same name
     */
    public MetricSnapshots apply(MetricSnapshots scrape) {
        if (labels.isEmpty()) {
            return scrape;
        }
        MetricSnapshots.Builder labelled = MetricSnapshots.builder();
        for (MetricSnapshot snapshot : scrape) {
            labelled.metricSnapshot(relabel(snapshot));
        }
        return labelled.build();
    }

    private MetricSnapshot relabel(MetricSnapshot snapshot) {
        if (snapshot instanceof CounterSnapshot counter) {
            List<CounterDataPointSnapshot> points = new ArrayList<>();
            for (CounterDataPointSnapshot point : counter.getDataPoints()) {
                points.add(new CounterDataPointSnapshot(point.getValue(), merged(snapshot, point), point.getExemplar(),
                        created(point)));
            }
            return new CounterSnapshot(counter.getMetadata(), points);
        }
        if (snapshot instanceof GaugeSnapshot gauge) {
            List<GaugeDataPointSnapshot> points = new ArrayList<>();
            for (GaugeDataPointSnapshot point : gauge.getDataPoints()) {
                points.add(new GaugeDataPointSnapshot(point.getValue(), merged(snapshot, point), point.getExemplar()));
            }
            return new GaugeSnapshot(gauge.getMetadata(), points);
        }
        if (snapshot instanceof HistogramSnapshot histogram) {
            List<HistogramDataPointSnapshot> points = new ArrayList<>();
            for (HistogramDataPointSnapshot point : histogram.getDataPoints()) {
                if (point.hasNativeHistogramData()) {
                    throw new IllegalStateException(snapshot.getMetadata().getName() + ": native histograms are not labelled here");
                }
                points.add(new HistogramDataPointSnapshot(point.getClassicBuckets(), point.getSum(), merged(snapshot, point),
                        point.getExemplars(), created(point)));
            }
            return new HistogramSnapshot(histogram.isGaugeHistogram(), histogram.getMetadata(), points);
        }
        if (snapshot instanceof SummarySnapshot summary) {
            List<SummaryDataPointSnapshot> points = new ArrayList<>();
            for (SummaryDataPointSnapshot point : summary.getDataPoints()) {
                points.add(new SummaryDataPointSnapshot(point.getCount(), point.getSum(), point.getQuantiles(),
                        merged(snapshot, point), point.getExemplars(), created(point)));
            }
            return new SummarySnapshot(summary.getMetadata(), points);
        }
        throw new IllegalStateException(snapshot.getMetadata().getName() + ": a " + snapshot.getClass().getSimpleName()
                + " cannot be given constant labels here");
    }

    private Labels merged(MetricSnapshot snapshot, DataPointSnapshot point) {
        for (int i = 0; i < labels.size(); i++) {
            if (point.getLabels().contains(labels.getName(i))) {
                throw new IllegalStateException(snapshot.getMetadata().getName() + " has a label " + labels.getName(i) + " of its own");
            }
        }
        return point.getLabels().merge(labels);
    }

    private static long created(DataPointSnapshot point) {
        return point.hasCreatedTimestamp() ? point.getCreatedTimestampMillis() : 0L;
    }

    @Override
    public String toString() {
        return labels.toString();
    }
}
