package io.switchboard.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.testing.EmbeddedConnection;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The HTTP timeouts on the embedded clock. */
class TimeoutTest {
    private final HttpTestSupport http = new HttpTestSupport();
    private final HttpConfig config = HttpConfig.DEFAULTS.withTimeouts(Duration.ofSeconds(10), Duration.ofSeconds(30), Duration.ofSeconds(5));

    @Test
    void aNewConnectionThatSendsNothingIsClosedSilently() {
        EmbeddedConnection c = http.connection(config);
        c.advance(Duration.ofSeconds(9));
        assertFalse(c.isClosed());
        c.advance(Duration.ofSeconds(1));
        assertTrue(c.isClosed());
        assertEquals(0, c.takeWritten().length);
    }

    @Test
    void slowlorisHeadersAreCutOffAtTheHeaderDeadlineWith408() {
        EmbeddedConnection c = http.connection(config);
        c.advance(Duration.ofSeconds(5));
        String request = "GET /plaintext HTTP/1.1\r\nHost: a\r\nX-Slow: ";
        for (int i = 0; i < request.length(); i++) {
            c.feed(request.substring(i, i + 1));
            c.advance(Duration.ofMillis(200));
        }
        int sent = request.length();
        assertFalse(c.isClosed(), "started at 5 s; 200 ms per byte keeps it under 10 s for " + sent + " bytes");
        while (!c.isClosed()) {
            c.feed("a");
            c.advance(Duration.ofMillis(200));
            sent++;
            assertTrue(sent < 100, "trickling never extends the deadline");
        }
        Responses.Response r = Responses.parse(c.takeWritten()).get(0);
        assertEquals(408, r.status());
        assertEquals("close", r.header("Connection"));
        assertTrue(c.nanoTime() - 1_000_000_000L <= Duration.ofSeconds(15).toNanos() + Duration.ofMillis(200).toNanos());
    }

    @Test
    void keepAliveConnectionsCloseAfterTheIdleTimeout() {
        EmbeddedConnection c = http.connection(config);
        c.feed(HttpTestSupport.get("/plaintext"));
        assertEquals(1, Responses.parse(c.takeWritten()).size());
        c.advance(Duration.ofSeconds(29));
        assertFalse(c.isClosed(), "the keep-alive timeout (30 s) replaces the header timeout (10 s) between requests");
        c.feed(HttpTestSupport.get("/plaintext"));
        c.advance(Duration.ofSeconds(29));
        assertFalse(c.isClosed());
        c.advance(Duration.ofSeconds(1));
        assertTrue(c.isClosed());
        assertEquals(1, Responses.parse(c.takeWritten()).size(), "closed without a 408");
    }

    @Test
    void aStalledBodyGets408() {
        EmbeddedConnection c = http.connection(config);
        c.feed("POST /echo HTTP/1.1\r\nHost: a\r\nContent-Length: 10\r\n\r\nabc");
        c.advance(Duration.ofSeconds(4));
        c.feed("def");
        c.advance(Duration.ofSeconds(4));
        assertFalse(c.isClosed(), "the body moved 4 s ago");
        c.advance(Duration.ofSeconds(1));
        List<Responses.Response> responses = Responses.parse(c.takeWritten());
        assertEquals(408, responses.get(0).status());
        assertTrue(c.isClosed());
    }

    @Test
    void aSlowHandlerIsNotTimedOutByTheServer() {
        EmbeddedConnection c = http.connection(config);
        c.feed(HttpTestSupport.get("/later"));
        c.advance(Duration.ofSeconds(120));
        assertFalse(c.isClosed(), "the answer is the handler's business");
        http.pending.get(0).send(HttpResponse.text("done"));
        c.runPending();
        assertEquals("done", Responses.parse(c.takeWritten()).get(0).text());
        c.advance(Duration.ofSeconds(30));
        assertTrue(c.isClosed(), "keep-alive timeout counts from the answer");
    }
}
