package io.switchboard.http;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.pipeline.ConnectionConfig;
import io.switchboard.testing.EmbeddedConnection;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** Streamed answers of known length, and producers on the loop paced by the writability callback. */
class StreamedAnswerTest {
    private static final int KIB = 1024;

    private final List<ResponseStream> streams = new ArrayList<>();

    /** GET /known streams "hello" with Content-Length 5, written by the test. */
    private EmbeddedConnection connection() {
        Routes routes = Routes.builder()
                .get("/known", (req, res) -> streams.add(res.stream(HttpResponse.of(200).header("Content-Type", "text/plain"), 5)))
                .get("/plaintext", (req, res) -> res.send(HttpResponse.text("next")))
                .get("/empty", (req, res) -> streams.add(res.stream(HttpResponse.of(204))))
                .build();
        return new EmbeddedConnection(new HttpService(routes));
    }

    @Test
    void aKnownLengthGoesOutAsContentLengthWithoutChunksAndKeepsTheConnection() {
        EmbeddedConnection c = connection();
        c.feed(HttpTestSupport.get("/known") + HttpTestSupport.get("/plaintext"));
        streams.get(0).write("hel");
        streams.get(0).write("lo");
        streams.get(0).end();
        c.runPending();

        byte[] raw = c.takeWritten();
        String text = new String(raw, StandardCharsets.ISO_8859_1);
        assertTrue(text.contains("\r\n\r\nhelloHTTP/1.1 200"), "the body is the bytes written, unframed: " + text);
        List<Responses.Response> responses = Responses.parse(raw);
        assertEquals("5", responses.get(0).header("Content-Length"));
        assertNull(responses.get(0).header("Transfer-Encoding"));
        assertEquals("hello", responses.get(0).text());
        assertEquals("next", responses.get(1).text(), "the next answer follows on the same connection");
        assertFalse(c.isClosed());
    }

    @Test
    void http10GetsTheLengthAndKeepsAlive() {
        EmbeddedConnection c = connection();
        c.feed("GET /known HTTP/1.0\r\nConnection: keep-alive\r\n\r\n");
        streams.get(0).write("hello");
        streams.get(0).end();
        c.runPending();
        Responses.Response r = Responses.parse(c.takeWritten()).get(0);
        assertEquals("5", r.header("Content-Length"));
        assertEquals("keep-alive", r.header("Connection"), "a length frames the body: no need to close");
        assertEquals("hello", r.text());
        assertFalse(c.isClosed());
    }

    @Test
    void headGetsTheAnnouncedLengthAndNoBodyWhateverIsWritten() {
        EmbeddedConnection c = connection();
        c.feed("HEAD /known HTTP/1.1\r\nHost: a\r\n\r\n" + HttpTestSupport.get("/plaintext"));
        streams.get(0).end(); // nothing written: a HEAD answer is not held to its length
        c.runPending();
        List<Responses.Response> responses = Responses.parse(c.takeWritten(), true, false);
        assertEquals("5", responses.get(0).header("Content-Length"), "HEAD says what GET would send, not 0");
        assertEquals("next", responses.get(1).text());
        assertFalse(c.isAborted());
    }

    @Test
    void writingPastTheLengthThrowsAndResets() {
        EmbeddedConnection c = connection();
        c.feed(HttpTestSupport.get("/known"));
        streams.get(0).write("hell");
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> streams.get(0).write("o!"));
        assertTrue(e.getMessage().contains("past the announced Content-Length of 5"), e.getMessage());
        c.runPending();
        assertTrue(c.isAborted(), "one byte too many resets the connection");
        assertFalse(streams.get(0).isOpen());
    }

    @Test
    void endingShortOfTheLengthResets() {
        EmbeddedConnection c = connection();
        c.feed(HttpTestSupport.get("/known") + HttpTestSupport.get("/plaintext"));
        streams.get(0).write("hell");
        streams.get(0).end();
        c.runPending();
        assertTrue(c.isAborted(), "4 of 5 bytes: the client must not take it for whole");
        assertFalse(new String(c.takeWritten(), StandardCharsets.ISO_8859_1).contains("next"));
    }

    @Test
    void aStreamedAnswerWithoutABodyStatusHasNoFraming() {
        EmbeddedConnection c = connection();
        c.feed(HttpTestSupport.get("/empty") + HttpTestSupport.get("/plaintext"));
        streams.get(0).write("dropped");
        streams.get(0).end();
        c.runPending();
        List<Responses.Response> responses = Responses.parse(c.takeWritten());
        assertEquals(204, responses.get(0).status());
        assertNull(responses.get(0).header("Transfer-Encoding"), "a 204 carries neither chunks nor their field");
        assertEquals("next", responses.get(1).text());
    }

    @Test
    void aLengthBelowZeroIsRefused() {
        AtomicReference<Throwable> thrown = new AtomicReference<>();
        Routes routes = Routes.builder().get("/bad", (req, res) -> {
            try {
                res.stream(HttpResponse.of(200), -1);
            } catch (IllegalArgumentException e) {
                thrown.set(e);
                res.send(HttpResponse.text("refused"));
            }
        }).build();
        EmbeddedConnection c = new EmbeddedConnection(new HttpService(routes));
        c.feed(HttpTestSupport.get("/bad"));
        assertTrue(thrown.get() instanceof IllegalArgumentException);
        assertEquals("refused", Responses.parse(c.takeWritten()).get(0).text(), "the request was still unanswered");
    }

    /** A producer on the loop that never polls: it writes while it may, then waits for the callback. */
    private static final class LoopProducer {
        final ResponseStream body;
        final int chunks;
        final byte[] chunk;
        int sent;
        final AtomicInteger callbacks = new AtomicInteger();

        LoopProducer(ResponseStream body, int chunks, byte[] chunk) {
            this.body = body;
            this.chunks = chunks;
            this.chunk = chunk;
        }

        void produce() {
            while (body.isWritable() && sent < chunks) {
                body.write(chunk);
                sent++;
            }
            if (sent == chunks || !body.isOpen()) {
                body.end();
            } else {
                body.onWritable(() -> {
                    callbacks.incrementAndGet();
                    produce();
                });
            }
        }
    }

    @Test
    void aLoopProducerPacedByTheCallbackSendsFourMebibytesHoldingTwoWatermarks() {
        byte[] chunk = LargeResponseLoopbackTest.pattern(8 * KIB);
        int chunks = 512; // 4 MiB, four times the 1 MiB maxQueued below
        AtomicReference<LoopProducer> producer = new AtomicReference<>();
        Routes routes = Routes.builder().get("/produce", (req, res) -> {
            producer.set(new LoopProducer(res.stream(HttpResponse.of(200), (long) chunks * chunk.length), chunks, chunk));
            producer.get().produce();
        }).build();
        EmbeddedConnection c = new EmbeddedConnection(ConnectionConfig.DEFAULTS.withMaxQueued(1024 * KIB), 64 * KIB,
                new HttpService(routes));
        c.peerWindow(16 * KIB);
        c.feed(HttpTestSupport.get("/produce"));

        ByteArrayOutputStream raw = new ByteArrayOutputStream();
        long maxQueued = 0;
        for (int round = 0; round < 100_000; round++) {
            maxQueued = Math.max(maxQueued, c.connection().queuedBytes());
            byte[] got = c.takeWritten();
            if (got.length == 0) {
                break;
            }
            raw.writeBytes(got);
        }

        assertFalse(c.isAborted());
        Responses.Response r = Responses.parse(raw.toByteArray()).get(0);
        assertEquals(String.valueOf(chunks * chunk.length), r.header("Content-Length"));
        byte[] expected = new byte[chunks * chunk.length];
        for (int i = 0; i < chunks; i++) {
            System.arraycopy(chunk, 0, expected, i * chunk.length, chunk.length);
        }
        assertArrayEquals(expected, r.body());
        assertTrue(producer.get().callbacks.get() > 10, "the producer was called back, not polled: "
                + producer.get().callbacks.get() + " callbacks");
        // Writes stop once the queue is past its 64 KiB high watermark: at most one 8 KiB chunk and a head past it.
        assertTrue(maxQueued <= 64 * KIB + 8 * KIB + 512, "queued at most " + maxQueued);
    }

    @Test
    void theCallbackRunsWhenTheConnectionClosesSoTheProducerStops() {
        AtomicReference<LoopProducer> producer = new AtomicReference<>();
        Routes routes = Routes.builder().get("/produce", (req, res) -> {
            producer.set(new LoopProducer(res.stream(HttpResponse.of(200)), 1_000_000, new byte[8 * KIB]));
            producer.get().produce();
        }).build();
        EmbeddedConnection c = new EmbeddedConnection(new HttpService(routes));
        c.peerWindow(0);
        c.feed(HttpTestSupport.get("/produce"));
        int before = producer.get().sent;
        assertTrue(before > 0 && before < 20, "it wrote until the connection was unwritable: " + before + " chunks");

        c.connection().abort();
        c.runPending();

        assertEquals(1, producer.get().callbacks.get(), "the callback ran once, on the close");
        assertFalse(producer.get().body.isOpen());
        assertEquals(before, producer.get().sent, "and the producer stopped");
    }

    @Test
    void aCallbackGivenWhileWritableRunsSoonNotInsideTheCall() {
        List<String> order = new ArrayList<>();
        Routes routes = Routes.builder().get("/now", (req, res) -> {
            ResponseStream s = res.stream(HttpResponse.of(200));
            s.onWritable(() -> {
                order.add("callback");
                s.write("x");
                s.end();
            });
            order.add("returned");
        }).build();
        EmbeddedConnection c = new EmbeddedConnection(new HttpService(routes));
        c.feed(HttpTestSupport.get("/now"));
        assertEquals(List.of("returned", "callback"), order);
        assertEquals("x", Responses.parse(c.takeWritten()).get(0).text());
    }
}
