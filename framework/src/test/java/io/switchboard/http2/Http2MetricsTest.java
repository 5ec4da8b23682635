package io.switchboard.http2;

import static io.switchboard.http2.H2TestClient.only;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.switchboard.http.HttpConfig;
import io.switchboard.http.HttpMetrics;
import io.switchboard.http.HttpResponder;
import io.switchboard.http.HttpResponse;
import io.switchboard.http.HttpService;
import io.switchboard.http.Routes;
import io.switchboard.http2.H2TestClient.Frame;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import io.switchboard.internal.jfr.FlightEvents;
import jdk.jfr.FlightRecorder;
import jdk.jfr.EventType;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingStream;
import org.junit.jupiter.api.Test;

/** HTTP/2 streams counted in the service's {@link HttpMetrics} and recorded as JFR request events, as HTTP/1 requests are. */
class Http2MetricsTest {
    private static final String EVENT = "io.switchboard.HttpRequest";

    private final HttpMetrics metrics = new HttpMetrics();
    private final AtomicReference<HttpResponder> later = new AtomicReference<>();

    private HttpService service() {
        return new HttpService(HttpConfig.DEFAULTS, Routes.builder()
                .get("/users/{id}", (req, res) -> res.send(HttpResponse.text("user " + req.pathParam("id"))))
                .get("/fail", (req, res) -> {
                    throw new IllegalStateException("a handler bug (expected by the test)");
                })
                .get("/later", (req, res) -> later.set(res))
                .build(), metrics);
    }

    @Test
    void streamsAreCountedByStatusClass() {
        H2TestClient c = new H2TestClient(service());
        c.start();
        // 5 streams: 3 answered 200 by /users/{id}, 1 answered 404 (no route), 1 answered 500 (the handler threw)
        for (int i = 0; i < 3; i++) {
            c.request(1 + 2 * i, "GET", "/users/" + i, true);
        }
        c.request(7, "GET", "/missing", true).request(9, "GET", "/fail", true);
        List<Frame> got = c.read();
        assertEquals(5, H2TestClient.of(got, "HEADERS").size(), got.toString());
        assertEquals(5, metrics.requests(), "5 streams answered");
        assertEquals(3, metrics.requests(2));
        assertEquals(1, metrics.requests(4));
        assertEquals(1, metrics.requests(5));
        assertEquals(0, metrics.activeRequests());
        assertEquals(3, metrics.durations(2).count(0), "answered in the loop turn that read them: the first bucket");

        // One held for 30 ms on the loop's clock, one reset by the client: 1 active, then 1 answered and 1 dropped.
        c.request(11, "GET", "/later", true).request(13, "GET", "/later", true).read();
        assertEquals(2, metrics.activeRequests());
        c.writer.rstStream(13, Http2Error.CANCEL);
        c.read();
        assertEquals(1, metrics.activeRequests(), "the reset stream is dropped");
        c.conn.advance(Duration.ofMillis(30));
        // /later kept the responder of stream 13 last; stream 11's was replaced. Answer 13's: it goes nowhere.
        later.get().send(HttpResponse.of(204));
        c.read();
        assertEquals(5, metrics.requests(), "an answer to a reset stream is not counted");
        assertEquals(1, metrics.activeRequests(), "stream 11 still waits");
    }

    @Test
    void aLateAnswerCountsItsTimeOnTheLoopsClock() {
        H2TestClient c = new H2TestClient(service());
        c.start();
        c.request(1, "GET", "/later", true).read();
        assertEquals(1, metrics.activeRequests());
        c.conn.advance(Duration.ofMillis(30));
        later.get().send(HttpResponse.of(204));
        assertEquals("204", only(c.read(), "HEADERS").fields().get(":status"));
        assertEquals(0, metrics.activeRequests());
        assertEquals(1, metrics.requests(2));
        assertEquals(TimeUnit.MILLISECONDS.toNanos(30), metrics.durations(2).sumNanos(), "30 ms on the loop's clock");
    }

    @Test
    void aRecordingSeesEachStreamWithItsRoute() {
        FlightEvents.watchRecorder(); // what a server's first loop does; the embedded loop does not
        await().atMost(10, TimeUnit.SECONDS).until(() -> !registered());
        List<RecordedEvent> recorded = new CopyOnWriteArrayList<>();
        try (RecordingStream rs = new RecordingStream()) {
            rs.setReuse(false);
            rs.enable(EVENT).withoutThreshold(); // every request, however short
            rs.onEvent(EVENT, recorded::add);
            rs.startAsync();
            await().atMost(10, TimeUnit.SECONDS).until(Http2MetricsTest::registered);
            H2TestClient c = new H2TestClient(service());
            c.start();
            c.request(1, "GET", "/users/7", true).request(3, "GET", "/missing", true);
            c.request(5, "HEAD", "/users/8", true).read();
            // 3 events: 2 answered 200 by /users/{id} (one of them HEAD), 1 answered 404 without a route
            await().atMost(15, TimeUnit.SECONDS).until(() -> recorded.size() >= 3);
            List<RecordedEvent> byPath = recorded.stream()
                    .sorted((a, b) -> a.getString("path").compareTo(b.getString("path"))).collect(Collectors.toList());
            assertEquals(3, byPath.size(), byPath.toString());
            RecordedEvent missing = byPath.get(0);
            assertEquals("/missing", missing.getString("path"));
            assertEquals(404, missing.getInt("status"));
            assertEquals("", missing.getString("route"), "no route matched");
            RecordedEvent get = byPath.get(1);
            assertEquals("GET", get.getString("method"));
            assertEquals("/users/{id}", get.getString("route"));
            assertEquals(200, get.getInt("status"));
            assertEquals("user 7".length(), get.getLong("responseBytes"));
            RecordedEvent head = byPath.get(2);
            assertEquals("HEAD", head.getString("method"));
            assertEquals(0, head.getLong("responseBytes"), "HEAD sends no body");
        }
    }

    private static boolean registered() {
        return FlightRecorder.getFlightRecorder().getEventTypes().stream().map(EventType::getName)
                .anyMatch(EVENT::equals);
    }
}
