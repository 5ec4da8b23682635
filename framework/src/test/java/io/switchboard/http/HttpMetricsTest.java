package io.switchboard.http;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.testing.EmbeddedConnection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * What an HTTP service counts, driven in memory with the loop's clock in the test's hands: answers by status class,
 * durations in the OpenTelemetry buckets measured on the loop's clock, and requests in flight.
 */
class HttpMetricsTest {
    private final HttpMetrics metrics = new HttpMetrics();
    private final List<HttpResponder> pending = new ArrayList<>();
    private final Routes routes = Routes.builder()
            .get("/ok", (req, res) -> res.send(HttpResponse.of(200).body("ok")))
            .get("/later", (req, res) -> pending.add(res))
            .get("/fail", (req, res) -> {
                throw new IllegalStateException("handler bug");
            })
            .build();
    private final EmbeddedConnection c = new EmbeddedConnection(p -> new HttpService(HttpConfig.DEFAULTS, routes, metrics).accept(p));

    private static String get(String target) {
        return "GET " + target + " HTTP/1.1\r\nHost: test\r\n\r\n";
    }

    @Test
    void answersAreCountedByStatusClass() {
        c.feed(get("/ok") + get("/missing") + get("/fail") + get("/ok"));
        // 2 × 200, 1 × 404 (no route), 1 × 500 (the handler threw)
        assertEquals(4, metrics.requests());
        assertEquals(2, metrics.requests(2));
        assertEquals(1, metrics.requests(4));
        assertEquals(1, metrics.requests(5));
        assertEquals(0, metrics.requests(1));
        assertEquals(0, metrics.requests(3));
        assertEquals(0, metrics.activeRequests());
        // answered in the loop turn that read them: 0 s on the loop's clock, in the first bucket
        DurationHistogram ok = metrics.durations(2);
        assertEquals(2, ok.count(0));
        assertEquals(0, ok.sumNanos());
    }

    @Test
    void aRequestAnsweredLaterCountsTheTimeOnTheLoopsClockInItsBucket() {
        c.feed(get("/later"));
        assertEquals(1, metrics.activeRequests(), "read, not answered");
        assertEquals(0, metrics.requests());
        c.advance(Duration.ofMillis(30));
        pending.get(0).send(HttpResponse.of(204));
        c.runPending();
        assertEquals(0, metrics.activeRequests());
        DurationHistogram d = metrics.durations(2);
        // 30 ms: above the 0.025 s bound, within the 0.05 s one (bucket 3)
        assertEquals(1, d.count(3));
        assertEquals(0, d.cumulativeCount(2));
        assertEquals(1, d.cumulativeCount(3));
        assertEquals(1, d.count());
        assertEquals(Duration.ofMillis(30).toNanos(), d.sumNanos());
        assertEquals(0.03, d.sumSeconds(), 1e-12);
        assertTrue(c.takeWrittenString().startsWith("HTTP/1.1 204"));
    }

    @Test
    void requestsWhoseConnectionClosesLeaveTheActiveCountUnanswered() {
        c.feed(get("/later") + get("/later"));
        assertEquals(2, metrics.activeRequests());
        c.connection().abort();
        c.runPending();
        assertEquals(0, metrics.activeRequests());
        assertEquals(0, metrics.requests(), "never answered: in no histogram");
    }

    @Test
    void aServiceWithoutMetricsCountsNothingAndStillAnswers() {
        HttpService service = new HttpService(HttpConfig.DEFAULTS, routes, (HttpMetrics) null);
        assertNull(service.metrics());
        EmbeddedConnection plain = new EmbeddedConnection(service::accept);
        plain.feed(get("/ok"));
        assertTrue(plain.takeWrittenString().startsWith("HTTP/1.1 200"));
        assertEquals(0, metrics.requests());
    }

    @Test
    void theBucketsAreTheOpenTelemetryOnesWithInclusiveUpperBounds() {
        assertArrayEquals(new double[] {0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10},
                DurationHistogram.boundsSeconds());
        assertEquals(15, DurationHistogram.BUCKETS);
        assertEquals(0, DurationHistogram.bucket(0));
        assertEquals(0, DurationHistogram.bucket(5_000_000));
        assertEquals(1, DurationHistogram.bucket(5_000_001));
        assertEquals(13, DurationHistogram.bucket(10_000_000_000L));
        assertEquals(14, DurationHistogram.bucket(10_000_000_001L));
    }
}
