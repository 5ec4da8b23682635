package io.switchboard.http2;

import static io.switchboard.http2.H2TestClient.body;
import static io.switchboard.http2.H2TestClient.only;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.http.EventStream;
import io.switchboard.http.HttpConfig;
import io.switchboard.http.HttpService;
import io.switchboard.http.Routes;
import io.switchboard.http.ServerSentEvent;
import io.switchboard.http2.H2TestClient.Frame;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Server-Sent Events over HTTP/2: the same {@link EventStream} as over HTTP/1.1, its events in the stream's DATA, and
 * its close callbacks run as soon as the client resets the stream or the connection closes (a browser closing an
 * {@code EventSource} on an HTTP/2 connection resets the stream; the connection stays), not at the next heartbeat.
 */
class Http2EventStreamTest {
    private final List<EventStream> streams = new ArrayList<>();
    private final List<String> seen = new ArrayList<>();
    private final HttpService service = new HttpService(HttpConfig.DEFAULTS, Routes.builder().get("/events", (req, res) -> {
        EventStream events = EventStream.open(req, res, Duration.ZERO);
        String id = events.lastEventId();
        events.onClose(() -> seen.add("closed after " + id));
        events.send(ServerSentEvent.builder().id("42").data("one\ntwo").build());
        streams.add(events);
    }).build());

    @Test
    void eventsGoOutAsDataAndAResetStreamRunsItsCloseCallbacksAtOnce() {
        H2TestClient c = new H2TestClient(service);
        c.start();
        List<Frame> got = c.request(1, "GET", "/events", true, "last-event-id", "41").read();
        assertEquals("text/event-stream", only(got, "HEADERS").fields().get("content-type"));
        assertEquals("id: 42\ndata: one\ndata: two\n\n", body(got, 1), "the event's framing, as over HTTP/1.1");
        assertEquals(List.of(), seen, "the stream is open");

        c.writer.rstStream(1, Http2Error.CANCEL);
        c.read();
        assertEquals(List.of("closed after 41"), seen, "the close callback ran once, with the Last-Event-ID given");
        assertFalse(streams.get(0).isOpen());
        assertTrue(c.conn.isOpen(), "only the stream ended");

        streams.get(0).send("late");
        assertEquals(List.of(), c.read(), "nothing is sent on a reset stream");
    }

    @Test
    void theConnectionClosingRunsTheCloseCallbacksOfEveryStream() {
        H2TestClient c = new H2TestClient(service);
        c.start();
        c.request(1, "GET", "/events", true, "last-event-id", "a").read();
        c.request(3, "GET", "/events", true, "last-event-id", "b").read();
        assertEquals(2, streams.size());
        assertEquals(List.of(), seen);

        c.conn.finishInput();
        c.conn.runPending();
        assertEquals(List.of("closed after a", "closed after b"), seen.stream().sorted().toList(),
                "both streams' callbacks ran once when the client went away");
        assertTrue(streams.stream().noneMatch(EventStream::isOpen));
    }

    @Test
    void closingTheEventStreamEndsTheHttp2StreamAndRunsTheCallbackOnce() {
        H2TestClient c = new H2TestClient(service);
        c.start();
        c.request(1, "GET", "/events", true).read();
        streams.get(0).close();
        List<Frame> got = c.read();
        assertTrue(got.stream().anyMatch(f -> f.type().equals("DATA") && f.stream() == 1 && f.end()),
                "END_STREAM on the stream: " + got);
        assertEquals(List.of("closed after null"), seen);
        assertTrue(c.conn.isOpen(), "the connection stays for other streams");
    }
}
