package io.switchboard.micrometer;

import io.micrometer.core.instrument.FunctionTimer;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import io.switchboard.http.HttpMetrics;
import java.util.concurrent.TimeUnit;

/**
 * An HTTP service's requests as Micrometer meters, with OpenTelemetry's HTTP server names:
 * <ul>
 *   <li>{@code http.server.request.duration}, in seconds, tagged {@code http.response.status_class} ({@code 1xx} to
 *       {@code 5xx}): with a Prometheus registry ({@code micrometer-registry-prometheus} on the class path, directly or
 *       inside a composite) a Prometheus histogram with the OpenTelemetry buckets 0.005 … 10 s
 *       [{@code http_server_request_duration_seconds_bucket}, {@code _count}, {@code _sum}]; with any other registry a
 *       {@link FunctionTimer} (count and total time)</li>
 *   <li>{@code http.server.active_requests} gauge: requests read and not yet answered
 *       [{@code http_server_active_requests}]</li>
 * </ul>
 * The histogram is the framework's own ({@link io.switchboard.http.DurationHistogram}, kept per loop without atomic
 * operations), read when the registry is scraped; Micrometer's timers would record each request themselves, with
 * atomic operations and a clock read each. Because Micrometer has no meter for a histogram counted elsewhere, the
 * Prometheus histogram is registered with the registry's Prometheus collector registry directly: the registry's
 * common tags and meter filters do not apply to it (pass tags here instead). Thread-safe.
 */
public final class HttpMeters implements MeterBinder {
    static final String DURATION = "http.server.request.duration";
    static final String STATUS_CLASS = "http.response.status_class";
    private static final String PROMETHEUS_REGISTRY = "io.micrometer.prometheusmetrics.PrometheusMeterRegistry";

    private final HttpMetrics metrics;
    private final Tags tags;

    /**
     * Meters of one service.
     *
     * @param metrics the service's counts ({@code service.metrics()}; not null)
     * @param tags    tags added to every meter
     */
    public HttpMeters(HttpMetrics metrics, Iterable<Tag> tags) {
        if (metrics == null) {
            throw new NullPointerException("metrics: the service counts nothing (built with null metrics)");
        }
        this.metrics = metrics;
        this.tags = Tags.of(tags);
    }

    /**
     * Meters of one service, without tags of their own.
     *
     * @param metrics the service's counts ({@code service.metrics()}; not null)
     */
    public HttpMeters(HttpMetrics metrics) {
        this(metrics, Tags.empty());
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        Gauge.builder("http.server.active_requests", metrics, HttpMetrics::activeRequests)
                .description("HTTP requests read and not yet answered").tags(tags)
                .strongReference(true).register(registry);
        if (registry instanceof CompositeMeterRegistry) {
            for (MeterRegistry child : ((CompositeMeterRegistry) registry).getRegistries()) {
                bindDurations(child);
            }
        } else {
            bindDurations(registry);
        }
    }

    private void bindDurations(MeterRegistry registry) {
        if (isPrometheus(registry)) {
            PrometheusHistogram.register(registry, metrics, tags);
            return;
        }
        for (int c = 1; c <= 5; c++) {
            int statusClass = c;
            FunctionTimer.builder(DURATION, metrics, m -> m.durations(statusClass).count(),
                            m -> m.durations(statusClass).sumNanos(), TimeUnit.NANOSECONDS)
                    .description("Duration of HTTP server requests").tags(tags).tag(STATUS_CLASS, c + "xx")
                    .register(registry);
        }
    }

    /** True for Micrometer's Prometheus registry, found by name so that this class loads without it. */
    private static boolean isPrometheus(MeterRegistry registry) {
        for (Class<?> c = registry.getClass(); c != null; c = c.getSuperclass()) {
            if (c.getName().equals(PROMETHEUS_REGISTRY)) {
                return true;
            }
        }
        return false;
    }
}
