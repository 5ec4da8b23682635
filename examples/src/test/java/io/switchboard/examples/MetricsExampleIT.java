package io.switchboard.examples;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The http example with {@code --metrics}, scraped with curl after a known number of requests: the counts on its
 * {@code /metrics} page are those requests, and the page parses as Prometheus text ({@code promtool check metrics},
 * from Debian's {@code prometheus} package).
 */
class MetricsExampleIT {
    /** Requests answered 200 (one curl, one keep-alive connection) and 404 (a second curl). */
    private static final int OK = 7;
    private static final int NOT_FOUND = 2;

    private ExampleProcess server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.process.destroy();
            server.awaitExit(Duration.ofSeconds(10));
        }
    }

    private static Tools.Result curl(List<String> urls) throws Exception {
        List<String> command = new ArrayList<>(List.of("curl", "-sS", "--max-time", "10"));
        command.addAll(urls);
        return Tools.run(30, "", command);
    }

    private static long value(String page, String series) {
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(series) + " ([0-9.eE+-]+)$").matcher(page);
        assertTrue(m.find(), series + " is on the page:\n" + page);
        return Math.round(Double.parseDouble(m.group(1)));
    }

    @Test
    void theMetricsPageCountsTheRequestsMadeAndParsesAsPrometheusText() throws Exception {
        Tools.require("curl", "curl");
        Tools.require("promtool", "prometheus");
        server = ExampleProcess.start("http", "--port", "0", "--workers", "2", "--metrics");
        String base = "http://127.0.0.1:" + server.awaitListening();

        List<String> ok = new ArrayList<>();
        for (int i = 0; i < OK; i++) {
            ok.add(base + "/plaintext");
        }
        Tools.Result plain = curl(ok);
        assertEquals(0, plain.exit(), plain.stderr());
        assertEquals("Hello, World!".repeat(OK), plain.stdout());
        Tools.Result missing = curl(List.of(base + "/nope", base + "/nope"));
        assertEquals(0, missing.exit(), missing.stderr());

        // the two curls' connections are closed by the time the page is read (the server may see their FIN after the
        // first scrape: scrape again until it has)
        String[] page = new String[1];
        int[] scrapes = new int[1];
        await().atMost(20, TimeUnit.SECONDS).until(() -> {
            scrapes[0]++;
            Tools.Result r = curl(List.of(base + "/metrics"));
            page[0] = r.stdout();
            return r.exit() == 0 && page[0].contains("switchboard_connections_closed_total")
                    && value(page[0], "switchboard_connections_closed_total") >= 2;
        });
        String text = page[0];
        String duration = "http_server_request_duration_seconds";
        // the scrapes before the last were answered 200 too; the last one is in flight while its page is made
        long earlierScrapes = scrapes[0] - 1;
        assertEquals(OK + earlierScrapes, value(text, duration + "_count{http_response_status_class=\"2xx\"}"), text);
        assertEquals(NOT_FOUND, value(text, duration + "_count{http_response_status_class=\"4xx\"}"), text);
        assertEquals(OK + earlierScrapes, value(text, duration + "_bucket{http_response_status_class=\"2xx\",le=\"+Inf\"}"), text);
        assertEquals(0, value(text, duration + "_count{http_response_status_class=\"5xx\"}"), text);
        // a connection per curl: the two above and one per scrape
        assertEquals(2 + scrapes[0], value(text, "switchboard_connections_opened_total"), text);
        assertEquals(1, value(text, "http_server_active_requests"), "this scrape itself: " + text);
        assertTrue(value(text, "switchboard_network_io_bytes_total{network_io_direction=\"receive\"}") > 0, text);
        assertTrue(value(text, "switchboard_network_io_bytes_total{network_io_direction=\"transmit\"}") > 0, text);
        assertEquals(0, value(text, "switchboard_connections_rejected_total"), text);
        assertEquals(0, value(text, "switchboard_loop_stalls_total{loop=\"switchboard-worker-1\"}"), text);
        assertTrue(text.contains("switchboard_loop_pending_tasks{loop=\"switchboard-worker-2\"}"), text);

        Path file = Files.createTempFile("metrics", ".txt");
        try {
            Files.writeString(file, text, StandardCharsets.UTF_8);
            Tools.Result check = Tools.run(30, "", List.of("bash", "-c", "promtool check metrics < \"$1\"", "bash", file.toString()));
            assertEquals(0, check.exit(), "promtool check metrics: " + check.stdout() + check.stderr() + "\n" + text);
        } finally {
            Files.deleteIfExists(file);
        }
    }
}
