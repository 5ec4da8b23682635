package io.switchboard.http;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.pipeline.ConnectionConfig;
import io.switchboard.pipeline.MemoryBudget;
import io.switchboard.testing.EmbeddedConnection;
import io.switchboard.testing.Splits;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** Request bodies streamed to their handler: chunks with backpressure, per-route limits, failures on the stream. */
class RequestBodyStreamTest {
    private static final int KIB = 1024;
    /** The service's own limit is 1 KiB: the routes below set theirs. */
    private static final HttpConfig SMALL = HttpConfig.DEFAULTS.withMaxBody(KIB);

    /** What a loop reader got: the bytes, the trailers, the failure. */
    private static final class Got {
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        HttpHeaders trailers;
        IOException failure;
        int reads;
        boolean ended;
    }

    private final List<Got> got = new ArrayList<>();
    private final List<RequestBody> held = new ArrayList<>();
    private final List<HttpResponder> heldResponders = new ArrayList<>();
    private final List<String> handled = new ArrayList<>();

    /** Reads on the loop with demand, never blocking; answers with the byte count at the end. */
    private void pump(RequestBody body, HttpResponder res, Got g) {
        try {
            byte[] chunk;
            while ((chunk = body.read()) != null) {
                g.bytes.writeBytes(chunk);
                g.reads++;
            }
            if (body.isEnded()) {
                g.ended = true;
                g.trailers = body.trailers();
                res.send(HttpResponse.text(g.bytes.size() + " bytes"));
            } else {
                body.demand(() -> pump(body, res, g));
            }
        } catch (IOException e) {
            g.failure = e;
            res.fail(e);
        }
    }

    private Routes routes() {
        return Routes.builder()
                .put("/upload", HttpHandler.withBody(BodyPolicy.stream(1024 * KIB), (req, res) -> {
                    handled.add(req.path());
                    Got g = new Got();
                    got.add(g);
                    pump(req.streamedBody(), res, g);
                }))
                .put("/hold", HttpHandler.withBody(BodyPolicy.stream(Long.MAX_VALUE), (req, res) -> {
                    handled.add(req.path());
                    held.add(req.streamedBody());
                    heldResponders.add(res);
                }))
                .put("/whole", HttpHandler.withBody(BodyPolicy.whole(10 * KIB), (req, res) -> {
                    handled.add(req.path());
                    res.send(HttpResponse.text(req.body().length + " whole"));
                }))
                .put("/default", (req, res) -> {
                    handled.add(req.path());
                    res.send(HttpResponse.text(req.body().length + " default"));
                })
                .get("/later", (req, res) -> {
                    handled.add(req.path());
                    heldResponders.add(res);
                })
                .put("/throws", HttpHandler.withBody(BodyPolicy.stream(100), (req, res) -> {
                    throw new IllegalStateException("handler bug");
                }))
                .get("/plaintext", (req, res) -> {
                    handled.add(req.path());
                    res.send(HttpResponse.text("next"));
                })
                .build();
    }

    private EmbeddedConnection connection() {
        return new EmbeddedConnection(new HttpService(SMALL, routes()));
    }

    private static String put(String path, int length) {
        return "PUT " + path + " HTTP/1.1\r\nHost: a\r\nContent-Length: " + length + "\r\n\r\n";
    }

    private static String chunkedPut(String path) {
        return "PUT " + path + " HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n";
    }

    @Test
    void aBodyWithALengthReachesTheLoopReaderWhateverTheSplitsThenTheNextRequest() {
        byte[] input = (put("/upload", 11) + "hello world" + HttpTestSupport.get("/plaintext")).getBytes(StandardCharsets.US_ASCII);
        Splits.check(input, () -> {
            got.clear();
            handled.clear();
            return connection();
        }, c -> {
            assertEquals("hello world", got.get(0).bytes.toString(StandardCharsets.US_ASCII));
            List<Responses.Response> responses = Responses.parse(c.takeWritten());
            assertEquals(List.of("11 bytes", "next"), responses.stream().map(Responses.Response::text).toList());
            assertFalse(c.isClosed());
        });
    }

    @Test
    void aChunkedBodyWithTrailersReachesTheLoopReaderWhateverTheSplits() {
        byte[] input = (chunkedPut("/upload") + "5\r\nhello\r\n1;ext=1\r\n \r\n5\r\nworld\r\n0\r\nDigest: x\r\n\r\n"
                + HttpTestSupport.get("/plaintext")).getBytes(StandardCharsets.US_ASCII);
        Splits.check(input, () -> {
            got.clear();
            return connection();
        }, c -> {
            assertEquals("hello world", got.get(0).bytes.toString(StandardCharsets.US_ASCII));
            assertEquals("x", got.get(0).trailers.get("Digest"));
            List<Responses.Response> responses = Responses.parse(c.takeWritten());
            assertEquals(List.of("11 bytes", "next"), responses.stream().map(Responses.Response::text).toList());
        });
    }

    @Test
    void theHandlerRunsAtTheHeadBeforeAnyOfTheBody() {
        EmbeddedConnection c = connection();
        c.feed(put("/hold", 10));
        assertEquals(List.of("/hold"), handled, "the handler runs with the head");
        assertFalse(held.get(0).isEnded());
        assertEquals(10, held.get(0).declaredLength());
        c.feed("0123456789");
        assertArrayEquals("0123456789".getBytes(StandardCharsets.US_ASCII), readAll(held.get(0)));
    }

    private static byte[] readAll(RequestBody body) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            byte[] chunk;
            while ((chunk = body.read()) != null) {
                out.writeBytes(chunk);
            }
        } catch (IOException e) {
            throw new AssertionError(e);
        }
        return out.toByteArray();
    }

    @Test
    void readingFromTheClientPausesWhileTheHandlerHasNotReadAndTheNextRequestWaitsForTheEnd() {
        int size = 1024 * KIB;
        byte[] body = LargeResponseLoopbackTest.pattern(size);
        EmbeddedConnection c = connection();
        c.feed(put("/hold", size));
        c.feed(body);
        c.feed(HttpTestSupport.get("/plaintext"));

        // The connection read until the handler held its 64 KiB window, plus at most one 64 KiB read.
        long readByConnection = size + HttpTestSupport.get("/plaintext").length() - c.unreadBytes();
        assertTrue(readByConnection <= 128 * KIB, "read " + readByConnection + " bytes of a 1 MiB body nobody reads");

        ByteArrayOutputStream received = new ByteArrayOutputStream();
        long mostHeld = 0;
        for (int round = 0; round < 10_000 && received.size() < size; round++) {
            long held = size - c.unreadBytes() - received.size();
            mostHeld = Math.max(mostHeld, held);
            byte[] chunk;
            try {
                chunk = this.held.get(0).read();
            } catch (IOException e) {
                throw new AssertionError(e);
            }
            if (chunk != null) {
                received.writeBytes(chunk);
            }
            c.runPending();
            assertFalse(handled.contains("/plaintext") && received.size() < size,
                    "the next request is parsed only once the body was read to its end");
        }
        assertArrayEquals(body, received.toByteArray());
        assertTrue(mostHeld <= 128 * KIB, "the connection held at most " + mostHeld + " bytes of the body");
        assertTrue(held.get(0).isEnded());

        heldResponders.get(0).send(HttpResponse.text("stored"));
        c.runPending();
        assertEquals(List.of("/hold", "/plaintext"), handled);
        assertEquals(List.of("stored", "next"), Responses.parse(c.takeWritten()).stream().map(Responses.Response::text).toList());
    }

    @Test
    void aStreamedBodyCountsAgainstTheBudgetPastItsFirstEightKibibytesUntilRead() {
        MemoryBudget budget = new MemoryBudget(Long.MAX_VALUE);
        EmbeddedConnection c = new EmbeddedConnection(ConnectionConfig.DEFAULTS, 64 * KIB, budget, new HttpService(SMALL, routes()));
        c.feed(put("/hold", 40 * KIB)).feed(new byte[40 * KIB]);
        assertEquals(40 * KIB, budget.used(), "40 KiB held for the reader are reserved");
        readAll(held.get(0));
        assertEquals(0, budget.used(), "and given back as it reads them");
    }

    @Test
    void aStreamedBodyOverTheBudgetIsRefusedWith503() {
        EmbeddedConnection c = new EmbeddedConnection(ConnectionConfig.DEFAULTS, 64 * KIB, new MemoryBudget(16 * KIB),
                new HttpService(SMALL, routes()));
        c.feed(put("/hold", 40 * KIB)).feed(new byte[40 * KIB]);
        assertEquals(503, Responses.parse(c.takeWritten()).get(0).status());
        IOException e = assertThrows(IOException.class, () -> held.get(0).read());
        assertEquals(503, ((HttpException) e.getCause()).status());
    }

    @Test
    void eachRouteHasItsOwnLimitAboveOrBelowTheServices() {
        EmbeddedConnection c = connection();
        c.feed(put("/upload", 100 * KIB)).feed(new byte[100 * KIB]);
        c.feed(put("/whole", 5 * KIB)).feed(new byte[5 * KIB]);
        c.feed(put("/default", 2 * KIB));
        List<Responses.Response> responses = Responses.parse(c.takeWritten());
        assertEquals(List.of("102400 bytes", "5120 whole"), responses.subList(0, 2).stream().map(Responses.Response::text).toList(),
                "a streamed route takes 100 KiB and a whole one 5 KiB though the service's maxBody is 1 KiB");
        assertEquals(413, responses.get(2).status(), "a route without a policy keeps the service's 1 KiB");
        assertEquals(List.of("/upload", "/whole"), handled);
    }

    @Test
    void aDeclaredLengthOverTheRouteLimitIs413WithoutRunningTheHandlerOr100() {
        EmbeddedConnection c = connection();
        c.feed("PUT /upload HTTP/1.1\r\nHost: a\r\nContent-Length: " + (1024 * KIB + 1) + "\r\nExpect: 100-continue\r\n\r\n");
        String raw = c.takeWrittenString();
        assertFalse(raw.contains("100 Continue"), raw);
        assertEquals(413, Responses.parse(raw).get(0).status());
        assertEquals(List.of(), handled);
        assertTrue(c.isClosed());
    }

    @Test
    void aChunkedBodyStopsAtTheRouteLimitWith413AndTheReaderSeesIt() {
        Routes routes = Routes.builder().put("/small", HttpHandler.withBody(BodyPolicy.stream(10), (req, res) -> {
            Got g = new Got();
            got.add(g);
            pump(req.streamedBody(), res, g);
        })).build();
        EmbeddedConnection c = new EmbeddedConnection(new HttpService(routes));
        c.feed(chunkedPut("/small") + "8\r\n01234567\r\n");
        assertEquals("01234567", got.get(0).bytes.toString(StandardCharsets.US_ASCII));
        c.feed("4\r\n89ab\r\n");
        Responses.Response r = Responses.parse(c.takeWritten()).get(0);
        assertEquals(413, r.status(), "12 bytes of a body limited to 10");
        assertInstanceOf(HttpException.class, got.get(0).failure.getCause());
        assertEquals(413, ((HttpException) got.get(0).failure.getCause()).status());
        assertTrue(c.isClosed());
    }

    @Test
    void expectContinueGets100OnAStreamedRouteAndNoneWhereNoRouteTakesTheBody() {
        EmbeddedConnection c = connection();
        c.feed("PUT /upload HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\nExpect: 100-continue\r\n\r\n");
        assertEquals("HTTP/1.1 100 Continue\r\n\r\n", c.takeWrittenString());
        c.feed("hello");
        assertEquals("5 bytes", Responses.parse(c.takeWritten()).get(0).text());

        EmbeddedConnection none = connection();
        none.feed("PUT /nowhere HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\nExpect: 100-continue\r\n\r\n");
        String raw = none.takeWrittenString();
        assertFalse(raw.contains("100 Continue"), raw);
        assertEquals(404, Responses.parse(raw).get(0).status());
    }

    @Test
    void aClientThatLeavesInTheMiddleOfTheBodyIsAnEofOnTheStream() {
        EmbeddedConnection c = connection();
        c.feed(put("/upload", 100) + "only forty bytes of the hundred announced");
        c.finishInput();
        assertInstanceOf(EOFException.class, got.get(0).failure, String.valueOf(got.get(0).failure));
        assertEquals("", c.takeWrittenString(), "nothing is answered to a request cut short");
        assertTrue(c.isClosed());
    }

    @Test
    void aMalformedChunkIsA400OnTheStreamAndForTheClient() {
        EmbeddedConnection c = connection();
        c.feed(chunkedPut("/upload") + "5\r\nhello\r\nzz\r\n");
        assertEquals(400, ((HttpException) got.get(0).failure.getCause()).status());
        Responses.Response r = Responses.parse(c.takeWritten()).get(0);
        assertEquals(400, r.status());
        assertEquals("close", r.header("Connection"));
        assertTrue(c.isClosed());
    }

    @Test
    void aBodyThatStopsArrivingIsA408OnTheStream() {
        EmbeddedConnection c = connection();
        c.feed(put("/upload", 100) + "a few bytes");
        c.advance(Duration.ofSeconds(61));
        assertEquals(408, ((HttpException) got.get(0).failure.getCause()).status());
        assertEquals(408, Responses.parse(c.takeWritten()).get(0).status());
    }

    @Test
    void aHandlerThatTakesLongerThanTheBodyTimeoutToReadIsNotTimedOut() {
        EmbeddedConnection c = connection();
        c.feed(put("/hold", 256 * KIB)).feed(new byte[256 * KIB]);
        c.advance(Duration.ofSeconds(120));
        assertEquals("", c.takeWrittenString(), "the pause is the handler's, not the client's: no 408");
        assertEquals(256 * KIB, readAllPumping(c, held.get(0)).length);
        assertTrue(held.get(0).isEnded());
        assertFalse(c.isClosed());
    }

    private static byte[] readAllPumping(EmbeddedConnection c, RequestBody body) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int round = 0; round < 10_000 && !body.isEnded(); round++) {
            out.writeBytes(readAll(body));
            c.runPending();
        }
        return out.toByteArray();
    }

    @Test
    void anAnswerBeforeTheBodyWasReadClosesTheConnectionAfterIt() {
        EmbeddedConnection c = connection();
        c.feed(put("/hold", 10) + "01234");
        heldResponders.get(0).send(HttpResponse.of(403).body("no"));
        c.runPending();
        Responses.Response r = Responses.parse(c.takeWritten()).get(0);
        assertEquals(403, r.status());
        assertEquals("close", r.header("Connection"), "the rest of the body is not read, so nothing after it can be");
        assertTrue(c.isClosed());
        assertThrows(IOException.class, () -> held.get(0).read(), "the reader learns that the body is gone");
    }

    @Test
    void aBlockingReaderOnAnotherThreadGetsEveryByte() throws Exception {
        byte[] body = LargeResponseLoopbackTest.pattern(512 * KIB);
        AtomicReference<byte[]> digest = new AtomicReference<>();
        Routes routes = Routes.builder().put("/copy", HttpHandler.withBody(BodyPolicy.stream(Long.MAX_VALUE),
                (req, res) -> new Thread(() -> {
                    try (InputStream in = req.bodyStream()) {
                        MessageDigest sha = MessageDigest.getInstance("SHA-256");
                        byte[] buffer = new byte[7_000];
                        int n;
                        while ((n = in.read(buffer)) >= 0) {
                            sha.update(buffer, 0, n);
                        }
                        digest.set(sha.digest());
                        res.send(HttpResponse.text("copied"));
                    } catch (Exception e) {
                        res.fail(e);
                    }
                }, "test-reader").start())).build();
        EmbeddedConnection c = new EmbeddedConnection(new HttpService(routes));
        c.feed(put("/copy", body.length));
        c.feed(body);
        // The connection belongs to this thread: run its loop here while the reader takes the bytes.
        await().pollInSameThread().atMost(Duration.ofSeconds(20)).until(() -> c.runPending().unreadBytes() == 0 && digest.get() != null);
        c.runPending();
        assertArrayEquals(MessageDigest.getInstance("SHA-256").digest(body), digest.get());
        assertEquals("copied", Responses.parse(c.takeWritten()).get(0).text());
    }

    @Test
    void aBlockingReadOnTheLoopIsRefusedInsteadOfHanging() {
        AtomicReference<Throwable> thrown = new AtomicReference<>();
        Routes routes = Routes.builder().put("/bad", HttpHandler.withBody(BodyPolicy.stream(100), (req, res) -> {
            try {
                req.bodyStream().read();
            } catch (Throwable t) {
                thrown.set(t);
            }
            res.send(HttpResponse.text("ok"));
        })).build();
        EmbeddedConnection c = new EmbeddedConnection(new HttpService(routes));
        c.feed(put("/bad", 10));
        assertInstanceOf(IllegalStateException.class, thrown.get());
    }

    @Test
    void theWholeBodyIsRefusedOnAStreamedRequestAndAStreamOfAWholeOneIsOneChunk() throws IOException {
        AtomicReference<Throwable> thrown = new AtomicReference<>();
        AtomicReference<RequestBody> whole = new AtomicReference<>();
        List<Boolean> streamed = new ArrayList<>();
        Routes routes = Routes.builder()
                .put("/streamed", HttpHandler.withBody(BodyPolicy.stream(100), (req, res) -> {
                    streamed.add(req.isStreamed());
                    try {
                        req.body();
                    } catch (IllegalStateException e) {
                        thrown.set(e);
                    }
                    res.send(HttpResponse.text("ok"));
                }))
                .put("/whole", (req, res) -> {
                    streamed.add(req.isStreamed());
                    whole.set(req.streamedBody());
                    res.send(HttpResponse.text("ok"));
                })
                .build();
        EmbeddedConnection c = new EmbeddedConnection(new HttpService(routes));
        c.feed(put("/streamed", 0));
        assertNull(thrown.get(), "a request without a body is not streamed");
        c.feed(put("/streamed", 2) + "ab");
        assertInstanceOf(IllegalStateException.class, thrown.get());
        assertEquals(List.of(200, 200), Responses.parse(c.takeWritten()).stream().map(Responses.Response::status).toList());

        EmbeddedConnection other = new EmbeddedConnection(new HttpService(routes));
        other.feed(put("/whole", 3) + "xyz");
        assertEquals("xyz", new String(whole.get().read(), StandardCharsets.US_ASCII));
        assertNull(whole.get().read());
        assertTrue(whole.get().isEnded());
        assertEquals(List.of(false, true, false), streamed, "a request without a body is never streamed");
    }

    @Test
    void aHandlerThatPassesTheBodysFailureToFailDoesNotMaskTheServersAnswer() {
        EmbeddedConnection c = connection();
        c.feed(chunkedPut("/upload") + "5\r\nhello\r\nzz\r\n");
        // pump() passed the failure to res.fail: the 400 stands, and no 500 follows it.
        List<Responses.Response> responses = Responses.parse(c.takeWritten());
        assertEquals(List.of(400), responses.stream().map(Responses.Response::status).toList());
    }

    @Test
    void answersLeaveInRequestOrderAroundAStreamedBody() {
        EmbeddedConnection c = connection();
        c.feed(HttpTestSupport.get("/later") + put("/upload", 5) + "hello" + HttpTestSupport.get("/plaintext"));
        assertEquals(List.of("/later", "/upload", "/plaintext"), handled);
        assertEquals(0, c.takeWritten().length, "the streamed body's answer is ready, but the first answer is not");
        heldResponders.get(0).send(HttpResponse.text("first"));
        c.runPending();
        assertEquals(List.of("first", "5 bytes", "next"),
                Responses.parse(c.takeWritten()).stream().map(Responses.Response::text).toList());
        assertFalse(c.isClosed());
    }

    @Test
    void aGracefulCloseLetsAStreamedBodyFinishAndIsItsLastAnswer() {
        EmbeddedConnection c = connection();
        c.feed(put("/upload", 10) + "01234");
        c.connection().closeGracefully();
        c.runPending();
        assertFalse(c.isClosed(), "the request partly received may finish");
        c.feed("56789" + HttpTestSupport.get("/plaintext"));
        List<Responses.Response> responses = Responses.parse(c.takeWritten());
        assertEquals(List.of("10 bytes"), responses.stream().map(Responses.Response::text).toList(), "nothing after it is read");
        assertEquals("close", responses.get(0).header("Connection"));
        assertTrue(c.isClosed());
    }

    @Test
    void anHttp10BodyWithALengthIsStreamedToo() {
        EmbeddedConnection c = connection();
        c.feed("PUT /upload HTTP/1.0\r\nContent-Length: 5\r\n\r\nhello");
        Responses.Response r = Responses.parse(c.takeWritten()).get(0);
        assertEquals("5 bytes", r.text());
        assertEquals("close", r.header("Connection"));
    }

    @Test
    void aStreamedHandlerThatThrowsAtTheHeadGets500AndTheConnectionCloses() {
        EmbeddedConnection c = connection();
        c.feed(put("/throws", 5) + "hello" + HttpTestSupport.get("/plaintext"));
        List<Responses.Response> responses = Responses.parse(c.takeWritten());
        assertEquals(List.of(500), responses.stream().map(Responses.Response::status).toList(),
                "its body was not read, so the request after it cannot be found");
        assertEquals("close", responses.get(0).header("Connection"));
        assertTrue(c.isClosed());
    }
}
