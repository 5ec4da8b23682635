package io.switchboard.examples;

import io.micrometer.core.instrument.Tags;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.switchboard.http.HttpHandler;
import io.switchboard.http.HttpMetrics;
import io.switchboard.http.HttpResponse;
import io.switchboard.http.HttpService;
import io.switchboard.http.Routes;
import io.switchboard.loop.Offload;
import io.switchboard.micrometer.HttpMeters;
import io.switchboard.micrometer.ServerMeters;
import io.switchboard.micrometer.TlsMeters;
import io.switchboard.micrometer.WebSocketMeters;
import io.switchboard.server.Server;
import io.switchboard.tls.TlsServerContext;

/**
 * The http example's metrics switches: {@code --metrics} serves {@code GET /metrics} in Prometheus text format
 * (Micrometer's Prometheus registry, bound to the server's, the service's, the TLS context's and the WebSocket echo's
 * counts); {@code --no-metrics} makes the framework count nothing at all (for measuring what counting costs); neither
 * keeps the framework's default (counts kept, not served).
 */
final class ExampleMetrics {
    /** The path of the Prometheus page. */
    static final String PATH = "/metrics";
    private static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    private final boolean serve;
    private final boolean count;
    private final PrometheusMeterRegistry registry;

    private ExampleMetrics(boolean serve, boolean count) {
        this.serve = serve;
        this.count = count;
        this.registry = serve ? new PrometheusMeterRegistry(PrometheusConfig.DEFAULT) : null;
    }

    /** The framework's default: counts kept, not served. */
    static final ExampleMetrics DEFAULT = new ExampleMetrics(false, true);

    /** {@return the choice of {@code --metrics} (serve) or {@code --no-metrics} (count nothing)} */
    static ExampleMetrics of(boolean serve, boolean none) {
        if (serve && none) {
            throw new Args.UsageException("--metrics and --no-metrics exclude each other");
        }
        return serve ? new ExampleMetrics(true, true) : none ? new ExampleMetrics(false, false) : DEFAULT;
    }

    /** {@return the routes with {@code GET /metrics} added when serving} */
    Routes routes(Routes.Builder routes, Offload offload) {
        if (serve) {
            // the scrape walks every meter: run it off the loop
            routes.get(PATH, HttpHandler.offload(offload, (req, res) -> res.send(HttpResponse.of(200)
                    .header("Content-Type", CONTENT_TYPE).body(registry.scrape()))));
        }
        return routes.build();
    }

    /** {@return the HTTP service's counts: its own, or none with --no-metrics} */
    HttpMetrics http() {
        return count ? new HttpMetrics() : null;
    }

    /** {@return whether the server's loops count connections and bytes} */
    boolean counts() {
        return count;
    }

    /** Binds the started server's counts to the registry when serving. */
    void bind(Server server, HttpService service, TlsServerContext tls) {
        if (!serve) {
            return;
        }
        new ServerMeters(server.metrics()).bindTo(registry);
        new HttpMeters(service.metrics()).bindTo(registry);
        new WebSocketMeters(HttpExample.WS_ECHO.counters(), Tags.of("route", "/ws/echo")).bindTo(registry);
        if (tls != null) {
            new TlsMeters(tls.counters(), Tags.empty()).bindTo(registry);
        }
    }
}
