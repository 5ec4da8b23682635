package io.switchboard.http;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.pipeline.ConnectionConfig;
import io.switchboard.pipeline.MemoryBudget;
import io.switchboard.testing.EmbeddedConnection;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Answers compressed as Accept-Encoding asks, by the rules of {@link CompressionOptions}, without sockets. */
class CompressionTest {
    private static final byte[] JSON = Gzip.json(64 * 1024);
    /** 4 MiB of JSON, about 600 KiB compressed: many times the connection's 64 KiB watermark. */
    private static final byte[] BIG = Gzip.json(4 * 1024 * 1024);
    private static final HttpConfig ON = HttpConfig.DEFAULTS.withCompression(CompressionOptions.DEFAULTS);

    private final List<HttpResponder> held = new ArrayList<>();

    private final Routes routes = Routes.builder()
            .get("/json", (req, res) -> res.send(json(JSON)))
            .get("/big", (req, res) -> res.send(json(BIG)))
            .get("/small", (req, res) -> res.send(json(Gzip.json(100))))
            .get("/png", (req, res) -> res.send(HttpResponse.of(200).header("Content-Type", "image/png").body(JSON)))
            .get("/untyped", (req, res) -> res.send(HttpResponse.of(200).body(JSON)))
            .get("/encoded", (req, res) -> res.send(json(JSON).header("Content-Encoding", "br")))
            .get("/range", (req, res) -> res.send(HttpResponse.of(206).header("Content-Type", "application/json")
                    .header("Content-Range", "bytes 0-65535/100000").body(JSON)))
            .get("/not-modified", (req, res) -> res.send(HttpResponse.of(304).header("ETag", "\"abc\"")))
            .get("/no-content", (req, res) -> res.send(HttpResponse.of(204)))
            .get("/tagged", (req, res) -> res.send(json(JSON).header("ETag", "\"abc\"").header("Accept-Ranges", "bytes")
                    .header("Vary", "Origin")))
            .get("/weak", (req, res) -> res.send(json(JSON).header("ETag", "W/\"abc\"")))
            .get("/varied", (req, res) -> res.send(json(JSON).header("Vary", "accept-encoding, Origin")))
            .get("/held", (req, res) -> held.add(res))
            .build();

    private static HttpResponse json(byte[] body) {
        return HttpResponse.of(200).header("Content-Type", "application/json").body(body);
    }

    private EmbeddedConnection connection(HttpConfig config) {
        return new EmbeddedConnection(new HttpService(config, routes));
    }

    private static String get(String path, String acceptEncoding) {
        return "GET " + path + " HTTP/1.1\r\nHost: t\r\n"
                + (acceptEncoding == null ? "" : "Accept-Encoding: " + acceptEncoding + "\r\n") + "\r\n";
    }

    private static Responses.Response one(EmbeddedConnection c, String request, boolean head) {
        c.feed(request);
        List<Responses.Response> all = Responses.parse(c.takeWritten(), head);
        assertEquals(1, all.size());
        return all.get(0);
    }

    private static Responses.Response one(EmbeddedConnection c, String request) {
        return one(c, request, false);
    }

    @Test
    void aWholeAnswerIsGzippedAndSentWithItsCompressedLength() {
        EmbeddedConnection c = connection(ON);
        Responses.Response r = one(c, get("/json", "gzip, deflate, br"));
        assertEquals(200, r.status());
        assertEquals("gzip", r.header("Content-Encoding"));
        assertEquals("Accept-Encoding", r.header("Vary"));
        assertNull(r.header("Transfer-Encoding"), "64 KiB compress into one piece: sent with its length");
        assertEquals(String.valueOf(r.body().length), r.header("Content-Length"));
        assertArrayEquals(JSON, Gzip.gunzip(r.body()), "the client's gunzip gives the answer back");
        assertTrue(r.body().length < JSON.length / 4, "65,536 bytes of JSON compressed to " + r.body().length);
        assertEquals(0, ZlibPool.of(c.connection().loop()).lent(), "the deflater went back to the loop's pool");
    }

    @Test
    void deflateIsTheZlibFormatAndIsSentWhenPreferred() {
        Responses.Response r = one(connection(ON), get("/json", "gzip;q=0.5, deflate"));
        assertEquals("deflate", r.header("Content-Encoding"));
        assertEquals(0x78, r.body()[0] & 0xff, "a zlib header (RFC 1950), not raw deflate");
        assertArrayEquals(JSON, Gzip.unzlib(r.body()), "the checksum (Adler-32) and data check out");
    }

    @Test
    void compressionIsOffUnlessConfigured() {
        Responses.Response r = one(connection(HttpConfig.DEFAULTS), get("/json", "gzip"));
        assertNull(r.header("Content-Encoding"));
        assertNull(r.header("Vary"), "no Vary either: the answer never depends on Accept-Encoding");
        assertArrayEquals(JSON, r.body());
    }

    @Test
    void answersThatCannotBeCompressedGoAsTheyAreWithoutVary() {
        EmbeddedConnection c = connection(ON);
        for (String path : new String[] {"/small", "/png", "/untyped", "/range", "/no-content"}) {
            Responses.Response r = one(c, get(path, "gzip"));
            assertNull(r.header("Content-Encoding"), path);
            assertNull(r.header("Vary"), path + ": never compressed, so it does not vary");
        }
        Responses.Response encoded = one(c, get("/encoded", "gzip"));
        assertEquals(List.of("br"), encoded.headers().get("content-encoding"), "encoded already: left alone");
        assertArrayEquals(JSON, encoded.body());
        assertNull(encoded.header("Vary"));
    }

    @Test
    void answersThatCouldBeCompressedCarryVaryWhateverTheClientAccepts() {
        EmbeddedConnection c = connection(ON);
        for (String acceptEncoding : new String[] {null, "identity", "br", "gzip;q=0", "*;q=0"}) {
            Responses.Response r = one(c, get("/json", acceptEncoding));
            assertNull(r.header("Content-Encoding"), "Accept-Encoding: " + acceptEncoding);
            assertEquals("Accept-Encoding", r.header("Vary"), "Accept-Encoding: " + acceptEncoding);
            assertArrayEquals(JSON, r.body());
        }
        c.feed("GET /json HTTP/1.0\r\nAccept-Encoding: gzip\r\nConnection: keep-alive\r\n\r\n");
        Responses.Response old = Responses.parse(c.takeWritten()).get(0);
        assertNull(old.header("Content-Encoding"), "HTTP/1.0 clients get the answer as it is (nginx's gzip_http_version)");
        assertEquals("Accept-Encoding", old.header("Vary"));

        Responses.Response notModified = one(c, get("/not-modified", "gzip"));
        assertEquals(304, notModified.status());
        assertEquals("Accept-Encoding", notModified.header("Vary"), "a 304 repeats the Vary of its 200 (jetty#8905)");
    }

    @Test
    void aCompressedAnswerHasAWeakETagNoAcceptRangesAndVaryOnce() {
        EmbeddedConnection c = connection(ON);
        Responses.Response tagged = one(c, get("/tagged", "gzip"));
        assertEquals("W/\"abc\"", tagged.header("ETag"), "a strong tag names the identity bytes: made weak, as nginx does");
        assertNull(tagged.header("Accept-Ranges"), "no ranges of the compressed form");
        assertEquals(List.of("Origin", "Accept-Encoding"), tagged.headers().get("vary"));
        assertEquals("W/\"abc\"", one(c, get("/weak", "gzip")).header("ETag"));
        Responses.Response varied = one(c, get("/varied", "gzip"));
        assertEquals(List.of("accept-encoding, Origin"), varied.headers().get("vary"), "not repeated (jetty#898)");
        assertArrayEquals(JSON, Gzip.gunzip(varied.body()));
        assertEquals("\"abc\"", one(c, get("/tagged", null)).header("ETag"), "uncompressed: the tag is left as it is");
    }

    @Test
    void headGetsTheHeadItsGetWouldGetWithoutABody() {
        EmbeddedConnection c = connection(ON);
        Responses.Response get = one(c, get("/json", "gzip"));
        Responses.Response head = one(c, get("/json", "gzip").replace("GET", "HEAD"), true);
        assertEquals("gzip", head.header("Content-Encoding"));
        assertEquals(get.header("Content-Length"), head.header("Content-Length"), "the compressed length, as the GET's");
        assertEquals("Accept-Encoding", head.header("Vary"));
        c.feed(get("/big", "gzip").replace("GET", "HEAD"));
        byte[] raw = c.takeWritten();
        String text = new String(raw, StandardCharsets.ISO_8859_1);
        assertTrue(text.endsWith("\r\n\r\n") && text.indexOf("\r\n\r\n") == text.length() - 4, "a head and nothing else: " + text);
        assertTrue(text.contains("Transfer-Encoding: chunked\r\n") && text.contains("Content-Encoding: gzip\r\n"), text);
        assertEquals(0, ZlibPool.of(c.connection().loop()).lent());
    }

    @Test
    void aLargeWholeAnswerIsChunkedAndCompressedAsTheClientTakesIt() {
        EmbeddedConnection c = connection(ON);
        ZlibPool pool = ZlibPool.of(c.connection().loop());
        c.peerWindow(0).feed(get("/big", "gzip"));
        assertEquals(1, pool.lent(), "the answer waits for the client, holding its deflater");
        ByteArrayOutputStream wire = new ByteArrayOutputStream();
        int rounds = 0;
        // The client takes 16 KiB at a time: each time a little more is compressed, never the whole body at once.
        for (long window = 16 * 1024; pool.lent() > 0 && rounds < 1000; rounds++) {
            c.peerWindow(window);
            wire.writeBytes(c.takeWritten());
        }
        c.peerWindow(Long.MAX_VALUE);
        wire.writeBytes(c.takeWritten());
        assertTrue(rounds > 10, "the writer compressed as the client took 16 KiB at a time: " + rounds + " rounds");
        Responses.Response r = Responses.parse(wire.toByteArray()).get(0);
        assertEquals("chunked", r.header("Transfer-Encoding"));
        assertNull(r.header("Content-Length"));
        assertArrayEquals(BIG, Gzip.gunzip(r.body()));
        assertEquals(0, pool.lent());
        assertTrue(c.isOpen());
    }

    @Test
    void aStreamIsCompressedAsItGoesAndWhatWasWrittenReachesTheClientAtOnce() {
        EmbeddedConnection c = connection(ON);
        c.feed(get("/held", "gzip"));
        ResponseStream events = held.get(0).stream(HttpResponse.of(200).header("Content-Type", "text/event-stream"));
        events.write("data: one\n\n");
        c.runPending();
        byte[] first = c.takeWritten();
        String head = new String(first, StandardCharsets.ISO_8859_1);
        assertTrue(head.contains("Content-Encoding: gzip\r\n") && head.contains("Transfer-Encoding: chunked\r\n"), head);
        assertEquals("data: one\n\n", new String(Gzip.gunzipSoFar(chunkData(first, true)), StandardCharsets.UTF_8),
                "the first event is flushed: a browser sees it before the stream ends");

        events.write("data: two\n\n");
        events.write("data: three\n\n");
        c.runPending();
        byte[] second = c.takeWritten();
        ByteArrayOutputStream sofar = new ByteArrayOutputStream();
        sofar.writeBytes(chunkData(first, true));
        sofar.writeBytes(chunkData(second, false));
        assertEquals("data: one\n\ndata: two\n\ndata: three\n\n",
                new String(Gzip.gunzipSoFar(sofar.toByteArray()), StandardCharsets.UTF_8));

        events.end();
        c.runPending();
        ByteArrayOutputStream whole = new ByteArrayOutputStream();
        whole.writeBytes(first);
        whole.writeBytes(second);
        whole.writeBytes(c.takeWritten());
        Responses.Response r = Responses.parse(whole.toByteArray()).get(0);
        assertEquals("data: one\n\ndata: two\n\ndata: three\n\n", new String(Gzip.gunzip(r.body()), StandardCharsets.UTF_8),
                "the stream ends with the gzip trailer: CRC-32 and length check out");
        assertEquals(0, ZlibPool.of(c.connection().loop()).lent());
    }

    @Test
    void aStreamWithAnAnnouncedLengthIsChunkedWhenCompressed() {
        EmbeddedConnection c = connection(ON);
        c.feed(get("/held", "gzip"));
        ResponseStream body = held.get(0).stream(json(null), BIG.length);
        for (int at = 0; at < BIG.length; at += 10_000) {
            body.write(java.util.Arrays.copyOfRange(BIG, at, Math.min(BIG.length, at + 10_000)));
            c.runPending();
        }
        body.end();
        c.runPending();
        Responses.Response r = Responses.parse(c.takeWritten()).get(0);
        assertNull(r.header("Content-Length"), "the announced length is that of the identity bytes");
        assertEquals("chunked", r.header("Transfer-Encoding"));
        assertArrayEquals(BIG, Gzip.gunzip(r.body()));
        assertTrue(c.isOpen(), "the announced length was written in full: no reset");
    }

    @Test
    void deflatersAreReusedFromTheLoopsPool() {
        EmbeddedConnection c = connection(ON);
        c.feed((get("/json", "gzip") + get("/small", "gzip") + get("/json", "deflate")).repeat(4));
        List<Responses.Response> all = Responses.parse(c.takeWritten());
        assertEquals(12, all.size());
        for (int i = 0; i < all.size(); i += 3) {
            assertArrayEquals(JSON, Gzip.gunzip(all.get(i).body()), "pipelined answers leave in order, each whole");
            assertNull(all.get(i + 1).header("Content-Encoding"));
            assertArrayEquals(JSON, Gzip.unzlib(all.get(i + 2).body()));
        }
        ZlibPool pool = ZlibPool.of(c.connection().loop());
        assertEquals(0, pool.lent());
        assertEquals(1, pool.deflaters(), "eight compressed answers, one deflater made and reused");
        assertEquals(0, c.connection().budget().used(), "nothing is reserved once the answers left");
    }

    @Test
    void aConnectionClosedInTheMiddleOfACompressedAnswerGivesItsDeflaterBack() {
        EmbeddedConnection c = connection(ON);
        ZlibPool pool = ZlibPool.of(c.connection().loop());
        c.feed(get("/held", "gzip"));
        ResponseStream body = held.get(0).stream(json(null));
        body.write(JSON);
        c.runPending();
        assertEquals(1, pool.lent());
        assertEquals(ZlibPool.DEFLATER_BYTES, c.connection().budget().used(), "the deflater's 256 KiB count against the budget");
        c.connection().abort();
        c.runPending();
        assertEquals(0, pool.lent(), "given back when the connection closed, not left to the collector");
        assertEquals(0, c.connection().budget().used());

        EmbeddedConnection slow = connection(ON);
        slow.peerWindow(0).feed(get("/big", "gzip"));
        assertEquals(1, ZlibPool.of(slow.connection().loop()).lent());
        slow.connection().abort();
        slow.runPending();
        assertEquals(0, ZlibPool.of(slow.connection().loop()).lent(), "a large whole answer cut short gives it back too");
    }

    @Test
    void aCompressedStreamThatHasSentNothingHoldsNoDeflaterOnlyItsReservation() {
        EmbeddedConnection c = connection(ON);
        ZlibPool pool = ZlibPool.of(c.connection().loop());
        c.feed(get("/held", "gzip"));
        ResponseStream events = held.get(0).stream(HttpResponse.of(200).header("Content-Type", "text/event-stream"));
        c.runPending();
        assertTrue(c.takeWrittenString().contains("Content-Encoding: gzip\r\n"), "the head is out and names the coding");
        assertEquals(0, pool.deflaters(), "an event stream waiting for its first event holds no zlib memory");
        assertEquals(ZlibPool.DEFLATER_BYTES, c.connection().budget().used(), "its deflater's 256 KiB are reserved");
        events.write("data: first\n\n");
        assertEquals(1, pool.lent(), "the first bytes take the deflater");
        events.end();
        c.runPending();
        assertEquals(0, pool.lent());
        assertEquals(0, c.connection().budget().used());
    }

    @Test
    void withoutRoomInTheMemoryBudgetAnAnswerGoesUncompressed() {
        MemoryBudget budget = new MemoryBudget(100_000);
        EmbeddedConnection c = new EmbeddedConnection(ConnectionConfig.DEFAULTS, 64 * 1024, budget, new HttpService(ON, routes));
        Responses.Response r = one(c, get("/json", "gzip"));
        assertNull(r.header("Content-Encoding"), "a 256 KiB deflater does not fit a 100,000-byte budget");
        assertEquals("Accept-Encoding", r.header("Vary"));
        assertArrayEquals(JSON, r.body());
        assertEquals(0, budget.used());
    }

    /** The chunk payloads of a part of a chunked response: after its head when {@code head}, else from the start. */
    private static byte[] chunkData(byte[] raw, boolean head) {
        String text = new String(raw, StandardCharsets.ISO_8859_1);
        int at = head ? text.indexOf("\r\n\r\n") + 4 : 0;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        while (at < raw.length) {
            int eol = text.indexOf("\r\n", at);
            int size = Integer.parseInt(text.substring(at, eol), 16);
            if (size == 0) {
                break;
            }
            out.write(raw, eol + 2, size);
            at = eol + 2 + size + 2;
        }
        return out.toByteArray();
    }
}
