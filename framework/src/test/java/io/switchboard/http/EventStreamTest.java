package io.switchboard.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.testing.EmbeddedConnection;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.Chars;
import net.jqwik.api.constraints.StringLength;
import org.junit.jupiter.api.Test;

/** Server-Sent Events: the response, the framing a browser parses, Last-Event-ID, heartbeats and backpressure. */
class EventStreamTest {
    private final List<EventStream> streams = new ArrayList<>();

    private final Routes routes = Routes.builder()
            .get("/events", (req, res) -> streams.add(EventStream.open(req, res)))
            .get("/quiet", (req, res) -> streams.add(EventStream.open(req, res, Duration.ZERO)))
            .build();

    private EmbeddedConnection connection() {
        return new EmbeddedConnection(p -> new HttpService(routes).accept(p));
    }

    /** The events text in what the connection wrote: after the response head when it is there. */
    private static String body(byte[] written) {
        String ascii = new String(written, StandardCharsets.ISO_8859_1);
        int head = ascii.startsWith("HTTP/1.1 ") ? ascii.indexOf("\r\n\r\n") + 4 : 0;
        return EventStreamParser.dechunk(written, head);
    }

    @Test
    void theAnswerIsAnOpenEventStream() {
        EmbeddedConnection c = connection();
        c.feed(HttpTestSupport.get("/events"));
        String written = c.takeWrittenString();
        String head = written.substring(0, written.indexOf("\r\n\r\n") + 2);
        assertTrue(head.startsWith("HTTP/1.1 200 OK\r\n"), head);
        assertTrue(head.contains("Content-Type: text/event-stream\r\n"), head);
        assertTrue(head.contains("Cache-Control: no-cache\r\n"), head);
        assertTrue(head.contains("Transfer-Encoding: chunked\r\n"), head);
        assertNull(streams.get(0).lastEventId(), "a first connection has no Last-Event-ID");
        assertTrue(streams.get(0).isOpen());
    }

    @Test
    void eventsArriveAsABrowserParsesThem() {
        EmbeddedConnection c = connection();
        c.feed(HttpTestSupport.get("/events"));
        c.takeWrittenString();
        EventStream events = streams.get(0);
        events.send("hello");
        events.send(ServerSentEvent.builder().event("join").id("7").data("two\r\nlines\rand\nthree").build());
        events.send(ServerSentEvent.builder().data("").build());
        events.send(ServerSentEvent.builder().data("trailing\n").build());
        events.send(ServerSentEvent.builder().data("  leading spaces, ünïcödé ✓").build());
        events.send(ServerSentEvent.builder().retry(2500).build());
        events.send(ServerSentEvent.comment("just a comment\nof two lines"));

        c.runPending();
        EventStreamParser parser = new EventStreamParser().feed(body(c.takeWritten()));
        assertEquals(List.of(
                new EventStreamParser.Event("message", "hello", ""),
                new EventStreamParser.Event("join", "two\nlines\nand\nthree", "7"),
                new EventStreamParser.Event("message", "", "7"),
                new EventStreamParser.Event("message", "trailing\n", "7"),
                new EventStreamParser.Event("message", "  leading spaces, ünïcödé ✓", "7")), parser.events);
        assertEquals(2500, parser.retry);
        assertEquals(2, parser.comments);
    }

    @Test
    void theLastEventIdOfAReconnectIsGivenToTheHandler() {
        EmbeddedConnection c = connection();
        c.feed("GET /events HTTP/1.1\r\nHost: t\r\nLast-Event-ID: 41\r\n\r\n");
        assertEquals("41", streams.get(0).lastEventId());
    }

    @Test
    void fieldsThatCannotBeSentWholeAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> ServerSentEvent.builder().id("4\n2"));
        assertThrows(IllegalArgumentException.class, () -> ServerSentEvent.builder().id("4\u00002"));
        assertThrows(IllegalArgumentException.class, () -> ServerSentEvent.builder().event("a\rb"));
        assertThrows(IllegalArgumentException.class, () -> ServerSentEvent.builder().retry(-1));
        assertThrows(IllegalStateException.class, () -> ServerSentEvent.builder().build());
    }

    @Test
    void aSilentStreamSendsHeartbeatCommentsAndABusyOneDoesNot() {
        EmbeddedConnection c = connection();
        c.feed(HttpTestSupport.get("/events"));
        c.takeWrittenString();
        c.advance(EventStream.DEFAULT_HEARTBEAT);
        EventStreamParser silent = new EventStreamParser().feed(body(c.takeWritten()));
        assertEquals(1, silent.comments, "one comment after 15 s of silence");
        assertTrue(silent.events.isEmpty(), "a comment is no event");

        c.advance(Duration.ofSeconds(5));
        streams.get(0).send("news");
        c.advance(Duration.ofSeconds(10));
        EventStreamParser busy = new EventStreamParser().feed(body(c.takeWritten()));
        assertEquals(0, busy.comments, "an event within the interval stands in for the heartbeat");
        assertEquals(1, busy.events.size());
    }

    @Test
    void noHeartbeatWhenTurnedOff() {
        EmbeddedConnection c = connection();
        c.feed(HttpTestSupport.get("/quiet"));
        c.takeWrittenString();
        c.advance(Duration.ofMinutes(5));
        assertEquals("", c.takeWrittenString());
    }

    @Test
    void aClosedConnectionClosesTheStream() {
        EmbeddedConnection c = connection();
        c.feed(HttpTestSupport.get("/events"));
        c.connection().close();
        c.runPending();
        assertFalse(streams.get(0).isOpen());
        streams.get(0).send("dropped");
        c.advance(Duration.ofMinutes(1));
        assertTrue(c.isClosed());
    }

    @Test
    void aClientThatDoesNotReadMakesTheStreamUnwritable() {
        EmbeddedConnection c = connection();
        c.peerWindow(0);
        c.feed(HttpTestSupport.get("/events"));
        EventStream events = streams.get(0);
        String event = "x".repeat(1000);
        int sent = 0;
        while (events.isWritable() && sent < 10_000) {
            events.send(event);
            sent++;
        }
        // The high watermark is 64 KiB: the stream turns unwritable after about 65 events of ~1 KiB.
        assertFalse(events.isWritable(), "a producer that checks isWritable stops");
        assertTrue(sent < 80, "sent " + sent + " events of 1 KiB before the stream said stop");
        c.peerWindow(Long.MAX_VALUE);
        assertTrue(events.isWritable(), "writable again once the client reads");
        assertEquals(sent, new EventStreamParser().feed(body(c.takeWritten())).events.size(), "nothing lost");
    }

    @Property(tries = 300)
    void anyDataRoundTripsWithItsLineEndsAsLf(
            @ForAll @StringLength(max = 40) @Chars({'a', 'é', ' ', ':', '\r', '\n', '✓', 'd'}) String data) {
        String sent = ServerSentEvent.builder().data(data).build().toString();
        EventStreamParser parser = new EventStreamParser().feed(sent);
        assertEquals(1, parser.events.size(), sent);
        assertEquals(data.replace("\r\n", "\n").replace('\r', '\n'), parser.events.get(0).data());
    }
}
