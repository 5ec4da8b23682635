package io.switchboard.http;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.testing.EmbeddedConnection;
import io.switchboard.testing.Splits;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Connection rules, HEAD, 100-continue, pipelining and streaming, driven in memory. */
class ExchangeTest {
    private final HttpTestSupport http = new HttpTestSupport();

    private static List<Integer> statuses(List<Responses.Response> responses) {
        return responses.stream().map(Responses.Response::status).toList();
    }

    @Test
    void plaintextHasTheTechEmpowerFields() {
        EmbeddedConnection c = http.connection();
        c.feed(HttpTestSupport.get("/plaintext"));
        Responses.Response r = Responses.parse(c.takeWritten()).get(0);
        assertEquals(200, r.status());
        assertEquals("Hello, World!", r.text());
        assertEquals("13", r.header("Content-Length"));
        assertEquals("text/plain", r.header("Content-Type"));
        assertEquals("switchboard", r.header("Server"));
        assertTrue(r.header("Date").matches("[A-Z][a-z]{2}, \\d{2} [A-Z][a-z]{2} \\d{4} \\d{2}:\\d{2}:\\d{2} GMT"), r.header("Date"));
        assertNull(r.header("Connection"), "HTTP/1.1 is persistent without saying so");
        assertFalse(c.isClosed());
    }

    @Test
    void http10ClosesUnlessAskedToKeepAlive() {
        EmbeddedConnection once = http.connection();
        once.feed("GET /plaintext HTTP/1.0\r\n\r\n");
        Responses.Response r = Responses.parse(once.takeWritten()).get(0);
        assertEquals("close", r.header("Connection"));
        assertTrue(once.isClosed());

        EmbeddedConnection kept = http.connection();
        kept.feed("GET /plaintext HTTP/1.0\r\nConnection: keep-alive\r\n\r\nGET /plaintext HTTP/1.0\r\nConnection: Keep-Alive\r\n\r\n");
        List<Responses.Response> both = Responses.parse(kept.takeWritten());
        assertEquals(2, both.size());
        assertEquals("keep-alive", both.get(0).header("Connection"));
        assertFalse(kept.isClosed());
    }

    @Test
    void http11ConnectionCloseIsTheLastAnswer() {
        EmbeddedConnection c = http.connection();
        c.feed("GET /plaintext HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n" + HttpTestSupport.get("/plaintext"));
        List<Responses.Response> responses = Responses.parse(c.takeWritten());
        assertEquals(1, responses.size(), "nothing after Connection: close is answered");
        assertEquals("close", responses.get(0).header("Connection"));
        assertTrue(c.isClosed());
    }

    @Test
    void headHasTheFieldsOfGetAndNoBody() {
        EmbeddedConnection c = http.connection();
        c.feed("HEAD /plaintext HTTP/1.1\r\nHost: a\r\n\r\n" + HttpTestSupport.get("/plaintext"));
        byte[] raw = c.takeWritten();
        List<Responses.Response> responses = Responses.parse(raw, true, false);
        assertEquals(2, responses.size(), "the HEAD answer has no body, so the GET answer follows right after its head");
        assertEquals("13", responses.get(0).header("Content-Length"));
        assertEquals(0, responses.get(0).body().length);
        assertEquals("Hello, World!", responses.get(1).text());
    }

    @Test
    void unknownPathIs404AndWrongMethodIs405WithAllow() {
        EmbeddedConnection c = http.connection();
        c.feed(HttpTestSupport.get("/nowhere") + "DELETE /plaintext HTTP/1.1\r\nHost: a\r\n\r\n");
        List<Responses.Response> responses = Responses.parse(c.takeWritten());
        assertEquals(List.of(404, 405), statuses(responses));
        assertEquals("GET, HEAD, OPTIONS", responses.get(1).header("Allow"), "OPTIONS is answered too");
        assertFalse(c.isClosed());
    }

    @Test
    void aThrowingHandlerGets500AndTheConnectionLives() {
        EmbeddedConnection c = http.connection();
        c.feed(HttpTestSupport.get("/boom") + HttpTestSupport.get("/plaintext"));
        assertEquals(List.of(500, 200), statuses(Responses.parse(c.takeWritten())));
        assertFalse(c.isClosed());
    }

    @Test
    void expectContinueSends100ThenTheAnswer() {
        EmbeddedConnection c = http.connection();
        c.feed("POST /echo HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\nExpect: 100-continue\r\n\r\n");
        assertEquals("HTTP/1.1 100 Continue\r\n\r\n", c.takeWrittenString());
        c.feed("hello");
        Responses.Response r = Responses.parse(c.takeWritten()).get(0);
        assertEquals(200, r.status());
        assertEquals("hello", r.text());
    }

    @Test
    void expectContinueOverTheLimitGets413Without100() {
        EmbeddedConnection c = http.connection(HttpConfig.DEFAULTS.withMaxBody(4));
        c.feed("POST /echo HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\nExpect: 100-continue\r\n\r\n");
        String raw = c.takeWrittenString();
        assertFalse(raw.contains("100 Continue"), raw);
        assertEquals(413, Responses.parse(raw).get(0).status());
        assertTrue(c.isClosed());
    }

    @Test
    void expectContinueWithoutARouteIsAnsweredWithoutReadingTheBody() {
        EmbeddedConnection c = http.connection();
        c.feed("POST /nowhere HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\nExpect: 100-continue\r\n\r\n");
        String raw = c.takeWrittenString();
        assertFalse(raw.contains("100 Continue"), raw);
        Responses.Response r = Responses.parse(raw).get(0);
        assertEquals(404, r.status());
        assertEquals("close", r.header("Connection"));
        assertTrue(c.isClosed());
    }

    @Test
    void pipelinedAnswersLeaveInRequestOrderWhateverOrderTheyComplete() {
        EmbeddedConnection c = http.connection();
        c.feed(HttpTestSupport.get("/later?n=1") + HttpTestSupport.get("/plaintext") + HttpTestSupport.get("/later?n=3"));
        assertEquals(0, c.takeWritten().length, "the first answer is not ready, so nothing may leave");
        http.pending.get(1).send(HttpResponse.text("third"));
        c.runPending();
        assertEquals(0, c.takeWritten().length);
        http.pending.get(0).send(HttpResponse.text("first"));
        c.runPending();
        List<Responses.Response> responses = Responses.parse(c.takeWritten());
        assertEquals(List.of("first", "Hello, World!", "third"), responses.stream().map(Responses.Response::text).toList());
    }

    @Test
    void answersFromOtherThreadsAreQueuedToTheLoop() throws Exception {
        EmbeddedConnection c = http.connection();
        c.feed(HttpTestSupport.get("/later") + HttpTestSupport.get("/later"));
        Thread second = new Thread(() -> http.pending.get(1).send(HttpResponse.text("b")));
        Thread first = new Thread(() -> http.pending.get(0).send(HttpResponse.text("a")));
        second.start();
        second.join();
        first.start();
        first.join();
        c.runPending();
        assertEquals(List.of("a", "b"), Responses.parse(c.takeWritten()).stream().map(Responses.Response::text).toList());
    }

    @Test
    void aSecondAnswerIsRefused() {
        EmbeddedConnection c = http.connection();
        c.feed(HttpTestSupport.get("/later"));
        HttpResponder responder = http.pending.get(0);
        responder.send(HttpResponse.text("once"));
        assertTrue(responder.isAnswered());
        assertThrows(IllegalStateException.class, () -> responder.send(HttpResponse.text("twice")));
    }

    @Test
    void inFlightRequestsAreBoundedAndReadingResumesAsAnswersLeave() {
        EmbeddedConnection c = http.connection(HttpConfig.DEFAULTS.withMaxInFlight(2));
        StringBuilder five = new StringBuilder();
        for (int i = 0; i < 5; i++) {
            five.append(HttpTestSupport.get("/later?n=" + i));
        }
        c.feed(five.toString());
        assertEquals(2, http.pending.size(), "only two requests may be in flight");
        http.pending.get(0).send(HttpResponse.text("0"));
        c.runPending();
        assertEquals(3, http.pending.size());
        for (int i = 1; i < 3; i++) {
            http.pending.get(i).send(HttpResponse.text(String.valueOf(i)));
            c.runPending();
        }
        assertEquals(5, http.pending.size());
        http.pending.get(3).send(HttpResponse.text("3"));
        http.pending.get(4).send(HttpResponse.text("4"));
        c.runPending();
        assertEquals(List.of("0", "1", "2", "3", "4"),
                Responses.parse(c.takeWritten()).stream().map(Responses.Response::text).toList());
    }

    @Test
    void aClientThatNeverReadsCannotMakeTheServerBufferWithoutBound() {
        EmbeddedConnection c = http.connection();
        c.peerWindow(0);
        byte[] request = HttpTestSupport.get("/plaintext").getBytes(StandardCharsets.US_ASCII);
        byte[] thousands = new byte[request.length * 20_000];
        for (int i = 0; i < 20_000; i++) {
            System.arraycopy(request, 0, thousands, i * request.length, request.length);
        }
        c.feed(thousands);
        assertTrue(c.unreadBytes() > thousands.length / 2, "the server stopped reading");
        long queued = c.connection().queuedBytes();
        assertTrue(queued < 256 * 1024, "queued " + queued + " bytes");
        c.peerWindow(Long.MAX_VALUE);
        int answered = 0;
        for (int round = 0; round < 10_000 && answered < 20_000; round++) {
            answered += Responses.parse(c.takeWritten()).size();
        }
        assertEquals(20_000, answered, "every request is answered once the client reads");
    }

    @Test
    void streamedResponseIsChunkedWithTrailers() {
        Routes routes = Routes.builder().get("/stream", (req, res) -> {
            ResponseStream s = res.stream(HttpResponse.of(200).header("Content-Type", "text/plain"));
            s.write("one ");
            s.write("two ");
            s.write(new byte[0]);
            s.write("three");
            s.end(new HttpHeaders().add("X-Count", "3"));
            assertFalse(s.isOpen());
        }).build();
        EmbeddedConnection c = new EmbeddedConnection(new HttpService(routes));
        c.feed(HttpTestSupport.get("/stream") + HttpTestSupport.get("/stream"));
        byte[] raw = c.takeWritten();
        String text = new String(raw, StandardCharsets.US_ASCII);
        assertTrue(text.contains("Transfer-Encoding: chunked\r\n"), text);
        assertTrue(text.contains("\r\n4\r\none \r\n4\r\ntwo \r\n5\r\nthree\r\n0\r\nX-Count: 3\r\n\r\n"), text);
        List<Responses.Response> responses = Responses.parse(raw);
        assertEquals(2, responses.size());
        assertEquals("one two three", responses.get(1).text());
        assertEquals("3", responses.get(1).trailers().get("x-count"));
    }

    @Test
    void streamToAnHttp10ClientEndsByClosing() {
        Routes routes = Routes.builder().get("/stream", (req, res) -> {
            ResponseStream s = res.stream(HttpResponse.of(200));
            s.write("a");
            s.write("b");
            s.end();
        }).build();
        EmbeddedConnection c = new EmbeddedConnection(new HttpService(routes));
        c.feed("GET /stream HTTP/1.0\r\nConnection: keep-alive\r\n\r\n");
        String raw = c.takeWrittenString();
        assertFalse(raw.contains("chunked"), raw);
        assertTrue(raw.endsWith("\r\n\r\nab"), raw);
        assertTrue(c.isClosed());
    }

    @Test
    void echoBodyDecodesTheSameAtEverySplit() {
        byte[] input = ("POST /echo HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n3;x=1\r\nabc\r\n2\r\nde\r\n0\r\nT: v\r\n\r\n"
                + "POST /echo HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\n\r\nxyz" + HttpTestSupport.get("/plaintext"))
                .getBytes(StandardCharsets.US_ASCII);
        Splits.check(input, () -> new HttpTestSupport().connection(), c -> {
            List<Responses.Response> responses = Responses.parse(c.takeWritten());
            assertEquals(List.of("abcde", "xyz", "Hello, World!"), responses.stream().map(Responses.Response::text).toList());
            assertFalse(c.isClosed());
        });
    }

    @Test
    void aMebibyteBodyWorks() {
        byte[] body = new byte[1024 * 1024];
        new java.util.Random(7).nextBytes(body);
        EmbeddedConnection c = http.connection();
        c.feed(("POST /echo HTTP/1.1\r\nHost: a\r\nContent-Length: " + body.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        c.feed(body);
        assertArrayEquals(body, Responses.parse(c.takeWritten()).get(0).body());
    }

    @Test
    void peerFinFinishesAnswersAlreadyOwedThenCloses() {
        EmbeddedConnection c = http.connection();
        c.feed(HttpTestSupport.get("/later")).finishInput();
        assertFalse(c.isClosed(), "an answer is still owed");
        http.pending.get(0).send(HttpResponse.text("late"));
        c.runPending();
        assertEquals("late", Responses.parse(c.takeWritten()).get(0).text());
        assertTrue(c.isClosed());
    }

    @Test
    void aStreamWaitingBehindAnEarlierAnswerIsBounded() {
        java.util.concurrent.atomic.AtomicReference<ResponseStream> stream = new java.util.concurrent.atomic.AtomicReference<>();
        Routes routes = Routes.builder()
                .get("/later", (req, res) -> http.pending.add(res))
                .get("/stream", (req, res) -> stream.set(res.stream(HttpResponse.of(200))))
                .build();
        EmbeddedConnection c = new EmbeddedConnection(io.switchboard.pipeline.ConnectionConfig.DEFAULTS.withMaxQueued(100_000), 64 * 1024,
                new HttpService(routes));
        c.feed(HttpTestSupport.get("/later") + HttpTestSupport.get("/stream"));
        for (int i = 0; i < 200 && c.isOpen(); i++) {
            stream.get().write(new byte[1000]);
            c.runPending();
        }
        assertTrue(c.isAborted(), "parts held behind the first answer may not grow past maxQueued");
    }

    @Test
    void bodiesWaitingForAnswersAreBoundedLikeTheirNumber() {
        Routes routes = Routes.builder().post("/slow", (req, res) -> http.pending.add(res)).build();
        EmbeddedConnection c = new EmbeddedConnection(new HttpService(HttpConfig.DEFAULTS.withMaxBody(1000), routes));
        String post = "POST /slow HTTP/1.1\r\nHost: a\r\nContent-Length: 600\r\n\r\n" + "b".repeat(600);
        c.feed(post.repeat(5));
        assertEquals(2, http.pending.size(), "1200 body bytes wait for answers: more than maxBody, so reading pauses");
        http.pending.get(0).send(HttpResponse.of(204));
        c.runPending();
        assertEquals(3, http.pending.size());
    }
}
