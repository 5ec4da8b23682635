package io.switchboard.http;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.testing.EmbeddedConnection;
import io.switchboard.testing.Splits;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;

/** Request bodies in gzip or deflate, decoded for routes whose {@link BodyPolicy#decoded()} asks, and bombs stopped. */
class RequestDecodingTest {
    private static final int KIB = 1024;
    private static final int MIB = 1024 * KIB;
    private static final byte[] TEXT = Gzip.json(100 * KIB);
    /** 256 MiB of zeros, gzipped to about 256 KiB (deflate's best ratio is about 1,000 to 1). */
    private static final byte[] BOMB = gzipZeros(256L * MIB);

    private final List<HttpRequest> seen = new ArrayList<>();
    private final List<RequestBody> held = new ArrayList<>();

    private final Routes routes = Routes.builder()
            .post("/whole", HttpHandler.withBody(BodyPolicy.whole(MIB).decoded(), (req, res) -> {
                seen.add(req);
                res.send(HttpResponse.text(req.body().length + " bytes"));
            }))
            .post("/raw", HttpHandler.withBody(BodyPolicy.whole(MIB), (req, res) -> {
                seen.add(req);
                res.send(HttpResponse.text(req.body().length + " bytes"));
            }))
            .put("/held", HttpHandler.withBody(BodyPolicy.stream(Long.MAX_VALUE).decoded(), (req, res) -> {
                seen.add(req);
                held.add(req.streamedBody());
            }))
            .put("/stream", HttpHandler.withBody(BodyPolicy.stream(MIB).decoded(), (req, res) -> {
                seen.add(req);
                held.add(req.streamedBody());
            }))
            .build();

    private EmbeddedConnection connection() {
        return new EmbeddedConnection(new HttpService(routes));
    }

    private static byte[] post(String path, String coding, byte[] body) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(("POST " + path + " HTTP/1.1\r\nHost: t\r\n" + (coding == null ? "" : "Content-Encoding: " + coding + "\r\n")
                + "Content-Length: " + body.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        out.writeBytes(body);
        return out.toByteArray();
    }

    private static byte[] chunked(String method, String path, String coding, byte[] body, int chunk) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes((method + " " + path + " HTTP/1.1\r\nHost: t\r\nContent-Encoding: " + coding
                + "\r\nTransfer-Encoding: chunked\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        for (int at = 0; at < body.length; at += chunk) {
            int n = Math.min(chunk, body.length - at);
            out.writeBytes((Integer.toHexString(n) + "\r\n").getBytes(StandardCharsets.US_ASCII));
            out.write(body, at, n);
            out.writeBytes("\r\n".getBytes(StandardCharsets.US_ASCII));
        }
        out.writeBytes("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        return out.toByteArray();
    }

    private static Responses.Response answer(EmbeddedConnection c) {
        List<Responses.Response> all = Responses.parse(c.takeWritten());
        assertEquals(1, all.size());
        return all.get(0);
    }

    @Test
    void aGzipBodyReachesTheHandlerDecodedWithoutTheFieldsThatDescribedTheCompressedBytes() {
        EmbeddedConnection c = connection();
        c.feed(post("/whole", "gzip", Gzip.gzip(TEXT)));
        assertEquals("102400 bytes", answer(c).text());
        HttpRequest request = seen.get(0);
        assertArrayEquals(TEXT, request.body());
        assertNull(request.header("Content-Encoding"), "the handler reads decoded bytes");
        assertNull(request.header("Content-Length"), "the length was that of the compressed bytes");
        assertEquals(0, ZlibPool.of(c.connection().loop()).inflaters(), "the inflater was ended with the body");
        assertEquals(0, c.connection().budget().used());
    }

    @Test
    void everyCodingAndFramingDecodesTheSame() {
        byte[] first = Gzip.gzip(Arrays.copyOfRange(TEXT, 0, 1000));
        byte[] second = Gzip.gzip(Arrays.copyOfRange(TEXT, 1000, TEXT.length));
        byte[] twoMembers = Arrays.copyOf(first, first.length + second.length);
        System.arraycopy(second, 0, twoMembers, first.length, second.length);
        Object[][] cases = {
            {"gzip", Gzip.gzip(TEXT)},
            {"x-gzip", Gzip.gzip(TEXT)},
            {"GZIP", twoMembers},
            {"deflate", Gzip.zlib(TEXT)},
            {"deflate", Gzip.rawDeflate(TEXT)},
            {"identity", TEXT},
        };
        for (Object[] k : cases) {
            String coding = (String) k[0];
            byte[] body = (byte[]) k[1];
            for (byte[] request : List.of(post("/whole", coding, body), chunked("POST", "/whole", coding, body, 1000))) {
                seen.clear();
                EmbeddedConnection c = connection();
                c.feed(request);
                assertEquals(200, answer(c).status(), coding);
                assertArrayEquals(TEXT, seen.get(0).body(), coding + " (" + body.length + " bytes)");
            }
        }
    }

    @Test
    void anySplitOfTheInputDecodesTheSame() {
        byte[] small = "{\"hello\":\"world\",\"again\":\"hello world hello world\"}".getBytes(StandardCharsets.US_ASCII);
        byte[] input = post("/whole", "gzip", Gzip.gzip(small));
        Splits.check(input, () -> {
            seen.clear();
            return connection();
        }, c -> {
            assertEquals(small.length + " bytes", answer(c).text());
            assertArrayEquals(small, seen.get(0).body());
        });
    }

    @Test
    void aRouteThatDoesNotAskGetsTheBodyAsSent() {
        EmbeddedConnection c = connection();
        byte[] gz = Gzip.gzip(TEXT);
        c.feed(post("/raw", "gzip", gz));
        assertEquals(200, answer(c).status());
        assertArrayEquals(gz, seen.get(0).body(), "no decoding unless the route asks: the handler may decode itself");
        assertEquals("gzip", seen.get(0).header("Content-Encoding"));
        c.feed(post("/raw", "br", gz));
        assertEquals(200, answer(c).status(), "an unknown coding is the handler's business on such a route");
    }

    @Test
    void aCodingTheServerDoesNotDecodeIs415BeforeTheBodyIsRead() {
        for (String coding : new String[] {"br", "zstd", "gzip, br", "compress"}) {
            seen.clear();
            EmbeddedConnection c = connection();
            c.feed("POST /whole HTTP/1.1\r\nHost: t\r\nContent-Encoding: " + coding
                    + "\r\nContent-Length: 100\r\nExpect: 100-continue\r\n\r\n");
            byte[] raw = c.takeWritten();
            assertFalse(new String(raw, StandardCharsets.ISO_8859_1).contains("100 Continue"), "refused before the body");
            Responses.Response r = Responses.parse(raw).get(0);
            assertEquals(415, r.status(), coding);
            assertEquals("gzip, deflate", r.header("Accept-Encoding"), "what the server would take (RFC 9110 15.5.16)");
            assertTrue(seen.isEmpty(), "the handler never ran");
        }
        EmbeddedConnection twice = connection();
        twice.feed("POST /whole HTTP/1.1\r\nHost: t\r\nContent-Encoding: gzip\r\nContent-Encoding: gzip\r\n"
                + "Content-Length: 3\r\n\r\nabc");
        assertEquals(415, answer(twice).status(), "two codings: not decoded");
    }

    @Test
    void brokenTruncatedOrPaddedCompressedBodiesAre400() {
        byte[] gz = Gzip.gzip(TEXT);
        byte[] badCrc = gz.clone();
        badCrc[gz.length - 6] ^= 1;
        byte[] padded = Arrays.copyOf(gz, gz.length + 3);
        byte[][] bodies = {
            "this is not gzip at all".getBytes(StandardCharsets.US_ASCII),
            Arrays.copyOf(gz, gz.length - 10),
            Arrays.copyOf(gz, 12),
            badCrc,
            padded,
        };
        for (byte[] body : bodies) {
            seen.clear();
            EmbeddedConnection c = connection();
            c.feed(post("/whole", "gzip", body));
            Responses.Response r = answer(c);
            assertEquals(400, r.status(), r.text());
            assertTrue(seen.isEmpty());
            assertEquals(0, ZlibPool.of(c.connection().loop()).inflaters(), "the inflater is ended on a refusal");
        }
        EmbeddedConnection broken = connection();
        broken.feed(post("/whole", "deflate", Arrays.copyOf(Gzip.zlib(TEXT), 200)));
        assertEquals(400, answer(broken).status(), "a deflate body cut short");
    }

    @Test
    void aGzipBombToAWholeBodyStopsAtTheLimitHavingHeldNoMoreThanIt() throws Exception {
        byte[] request = post("/whole", "gzip", BOMB);
        EmbeddedConnection warm = connection();
        warm.feed(post("/whole", "gzip", Gzip.gzip(TEXT))); // so that class loading does not count below
        answer(warm);
        seen.clear();
        EmbeddedConnection c = connection();
        long before = allocatedByThisThread();
        c.feed(request);
        long allocated = allocatedByThisThread() - before;
        Responses.Response r = answer(c);
        assertEquals(413, r.status(), r.text());
        assertTrue(seen.isEmpty(), "the handler never ran");
        // The route's limit is 1 MiB: the body's array doubles up to it (about 2 MiB allocated in all), the bomb's
        // own 256 KiB are copied once or twice on their way; 256 MiB inflated would be a thousand times that.
        assertTrue(allocated < 8L * MIB, "decoding a 256 MiB bomb against a 1 MiB limit allocated " + allocated);
        assertEquals(0, ZlibPool.of(c.connection().loop()).inflaters());
        assertEquals(0, c.connection().budget().used(), "the body's memory went back with the refusal");
    }

    @Test
    void aGzipBombToAStreamHoldsOneWindowWhileItsReaderWaitsAndStopsAtTheLimit() throws Exception {
        EmbeddedConnection c = connection();
        c.feed(chunked("PUT", "/held", "gzip", BOMB, 16 * KIB));
        RequestBody body = held.get(0);
        assertEquals(-1, body.declaredLength(), "the decoded length is not known");
        int window = 64 * KIB; // the connection's high watermark
        int waiting = body.inputStream().available();
        assertTrue(waiting >= window && waiting <= window + 16 * KIB,
                "the reader has not read: one window of decoded bytes (and at most one piece past it) waits, " + waiting);
        assertTrue(c.unreadBytes() > 64 * KIB, "the connection stopped reading the rest of the bomb: "
                + c.unreadBytes() + " bytes unread");

        // Against a 1 MiB limit, a reader that reads everything gets the failure at the limit.
        EmbeddedConnection limited = connection();
        limited.feed(chunked("PUT", "/stream", "gzip", BOMB, 16 * KIB));
        RequestBody stream = held.get(1);
        long read = 0;
        IOException failure = null;
        for (int rounds = 0; rounds < 10_000 && failure == null; rounds++) {
            try {
                byte[] chunk = stream.read();
                if (chunk == null) {
                    limited.runPending();
                    continue;
                }
                read += chunk.length;
            } catch (IOException e) {
                failure = e;
            }
        }
        assertNotNull(failure, "the reader learns that the body went past its limit");
        HttpException cause = assertInstanceOf(HttpException.class, failure.getCause());
        assertEquals(413, cause.status());
        assertTrue(read <= MIB, "no more than the 1 MiB limit reached the reader: " + read);
        assertEquals(413, answer(limited).status());
        assertEquals(0, ZlibPool.of(limited.connection().loop()).inflaters());
    }

    @Test
    void aConnectionThatClosesInTheMiddleOfACompressedBodyEndsItsInflater() {
        EmbeddedConnection c = connection();
        byte[] request = post("/whole", "gzip", Gzip.gzip(Gzip.json(4 * KIB)));
        c.feed(Arrays.copyOf(request, request.length - 8));
        assertEquals(1, ZlibPool.of(c.connection().loop()).inflaters());
        assertEquals(ZlibPool.INFLATER_BYTES, c.connection().budget().used(),
                "the inflater's 40 KiB count against the budget (a 4 KiB body is below what a connection holds free)");
        c.finishInput();
        assertEquals(0, ZlibPool.of(c.connection().loop()).inflaters(), "the peer left: the inflater is ended");
        assertEquals(0, c.connection().budget().used());
    }

    /** gzip of {@code n} zero bytes, made a mebibyte at a time. */
    static byte[] gzipZeros(long n) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] zeros = new byte[MIB];
        try (GZIPOutputStream z = new GZIPOutputStream(out, 64 * KIB)) {
            for (long left = n; left > 0; left -= zeros.length) {
                z.write(zeros, 0, (int) Math.min(zeros.length, left));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    private static long allocatedByThisThread() throws ReflectiveOperationException {
        Object threads = Class.forName("java.lang.management.ManagementFactory").getMethod("getThreadMXBean").invoke(null);
        Method allocated = Class.forName("com.sun.management.ThreadMXBean").getMethod("getThreadAllocatedBytes", long.class);
        return (long) allocated.invoke(threads, Thread.currentThread().getId());
    }
}
