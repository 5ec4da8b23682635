package io.switchboard.micrometer;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.FunctionTimer;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.switchboard.http.HttpResponse;
import io.switchboard.http.HttpService;
import io.switchboard.http.Routes;
import io.switchboard.server.Server;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A server's counts bound to Micrometer registries after a known exchange: 3 answers 200 and 1 answer 404 on one
 * connection, which the server then closes.
 */
class MetersTest {
    private static final String REQUESTS = "GET /hi HTTP/1.1\r\nHost: t\r\n\r\n".repeat(3)
            + "GET /nope HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n";

    private HttpService service;
    private Server server;

    @BeforeEach
    void start() {
        service = new HttpService(Routes.builder().get("/hi", (req, res) -> res.send(HttpResponse.of(200).body("hi"))).build());
        server = Server.builder().workers(1).pipeline(service).start();
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private void exchange() throws Exception {
        try (Socket s = new Socket("127.0.0.1", server.localAddress().getPort())) {
            s.setSoTimeout(10_000);
            s.getOutputStream().write(REQUESTS.getBytes(StandardCharsets.US_ASCII));
            s.getInputStream().readAllBytes();
        }
        await().atMost(10, TimeUnit.SECONDS).until(() -> server.metrics().connectionsClosed() == 1);
    }

    @Test
    void aPrometheusScrapeHasTheHistogramAndTheCounts() throws Exception {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        new ServerMeters(server.metrics()).bindTo(registry);
        new HttpMeters(service.metrics()).bindTo(registry);
        exchange();
        String text = registry.scrape();
        assertTrue(text.contains("# TYPE http_server_request_duration_seconds histogram"), text);
        assertTrue(text.contains("http_server_request_duration_seconds_count{http_response_status_class=\"2xx\"} 3"), text);
        assertTrue(text.contains("http_server_request_duration_seconds_count{http_response_status_class=\"4xx\"} 1"), text);
        assertTrue(text.contains("http_server_request_duration_seconds_bucket{http_response_status_class=\"2xx\",le=\"0.005\"} 3"),
                "answered in the turn that read them: the first bucket: " + text);
        assertTrue(text.contains("http_server_request_duration_seconds_bucket{http_response_status_class=\"2xx\",le=\"+Inf\"} 3"), text);
        assertTrue(text.contains("switchboard_connections_opened_total 1"), text);
        assertTrue(text.contains("switchboard_connections_closed_total 1"), text);
        assertTrue(text.contains("switchboard_connections_active 0"), text);
        assertTrue(text.contains("switchboard_network_io_bytes_total{network_io_direction=\"receive\"} " + REQUESTS.length()), text);
        assertTrue(text.contains("http_server_active_requests 0"), text);
        assertTrue(text.contains("switchboard_loop_stalls_total{loop=\"switchboard-worker-1\"} 0"), text);
        assertTrue(text.contains("switchboard_loop_pending_tasks{loop=\"switchboard-worker-1\"}"), text);
        assertTrue(text.contains("switchboard_loop_outbound_queued_bytes{loop=\"switchboard-worker-1\"} 0"), text);
    }

    @Test
    void anotherRegistryGetsTheDurationsAsFunctionTimers() throws Exception {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        new HttpMeters(service.metrics(), Tags.of("service", "test")).bindTo(registry);
        exchange();
        FunctionTimer ok = registry.get(HttpMeters.DURATION).tags("service", "test", HttpMeters.STATUS_CLASS, "2xx").functionTimer();
        assertEquals(3, ok.count());
        FunctionTimer missing = registry.get(HttpMeters.DURATION).tag(HttpMeters.STATUS_CLASS, "4xx").functionTimer();
        assertEquals(1, missing.count());
    }
}
