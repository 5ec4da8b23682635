package io.switchboard.micrometer;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.snapshots.ClassicHistogramBuckets;
import io.prometheus.metrics.model.snapshots.Exemplars;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot.HistogramDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricMetadata;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import io.prometheus.metrics.model.snapshots.Unit;
import io.switchboard.http.DurationHistogram;
import io.switchboard.http.HttpMetrics;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code http_server_request_duration_seconds} as a Prometheus histogram read from the framework's own buckets at each
 * scrape, one series per status class. Loaded only when the registry is a Prometheus one. Thread-safe.
 */
final class PrometheusHistogram implements MultiCollector {
    private static final String NAME = "http_server_request_duration_seconds";
    private static final double[] BOUNDS = bounds();

    private final HttpMetrics metrics;
    private final MetricMetadata metadata = new MetricMetadata(NAME, "Duration of HTTP server requests", Unit.SECONDS);
    private final List<String> labelNames = new ArrayList<>();
    private final List<String> labelValues = new ArrayList<>();

    private PrometheusHistogram(HttpMetrics metrics, Tags tags) {
        this.metrics = metrics;
        for (Tag t : tags) {
            labelNames.add(t.getKey().replace('.', '_'));
            labelValues.add(t.getValue());
        }
        labelNames.add(HttpMeters.STATUS_CLASS.replace('.', '_'));
    }

    static void register(MeterRegistry registry, HttpMetrics metrics, Tags tags) {
        ((PrometheusMeterRegistry) registry).getPrometheusRegistry().register(new PrometheusHistogram(metrics, tags));
    }

    /** The OpenTelemetry bounds and the last, unbounded bucket. */
    private static double[] bounds() {
        double[] b = DurationHistogram.boundsSeconds();
        double[] all = new double[b.length + 1];
        System.arraycopy(b, 0, all, 0, b.length);
        all[b.length] = Double.POSITIVE_INFINITY;
        return all;
    }

    @Override
    public MetricSnapshots collect() {
        List<HistogramDataPointSnapshot> points = new ArrayList<>(5);
        for (int c = 1; c <= 5; c++) {
            DurationHistogram d = metrics.durations(c);
            long[] counts = new long[DurationHistogram.BUCKETS];
            for (int i = 0; i < counts.length; i++) {
                counts[i] = d.count(i);
            }
            List<String> values = new ArrayList<>(labelValues);
            values.add(c + "xx");
            points.add(new HistogramDataPointSnapshot(ClassicHistogramBuckets.of(BOUNDS, counts), d.sumSeconds(),
                    Labels.of(labelNames, values), Exemplars.EMPTY, 0L));
        }
        return MetricSnapshots.of(new HistogramSnapshot(metadata, points));
    }
}
