package io.switchboard.http2;

import static io.switchboard.http2.H2TestClient.body;
import static io.switchboard.http2.H2TestClient.of;
import static io.switchboard.http2.H2TestClient.only;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.http.BodyPolicy;
import io.switchboard.http.HttpConfig;
import io.switchboard.http.HttpException;
import io.switchboard.http.HttpHandler;
import io.switchboard.http.HttpResponder;
import io.switchboard.http.HttpResponse;
import io.switchboard.http.HttpService;
import io.switchboard.http.RequestBody;
import io.switchboard.http.Routes;
import io.switchboard.http2.H2TestClient.Frame;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * Request bodies streamed to their handlers over HTTP/2 ({@code BodyPolicy.stream}): the stream's window is the
 * backpressure, given back only as the handler reads.
 */
class Http2RequestBodyTest {
    /** The server's stream window (SETTINGS_INITIAL_WINDOW_SIZE): 256 KiB. */
    private static final int WINDOW = 256 * 1024;
    /** The largest DATA frame the client may send by default. */
    private static final int FRAME = 16 * 1024;

    private final AtomicReference<RequestBody> body = new AtomicReference<>();
    private final AtomicReference<HttpResponder> responder = new AtomicReference<>();
    private final AtomicInteger handled = new AtomicInteger();

    private HttpService service() {
        HttpHandler keep = (req, res) -> {
            handled.incrementAndGet();
            body.set(req.streamedBody());
            responder.set(res);
        };
        return new HttpService(HttpConfig.DEFAULTS, Routes.builder()
                .put("/upload", HttpHandler.withBody(BodyPolicy.stream(1L << 30), keep))
                .put("/small", HttpHandler.withBody(BodyPolicy.stream(100_000), keep))
                .put("/whole", (req, res) -> res.send(HttpResponse.text(req.body().length + " bytes")))
                .put("/large", HttpHandler.withBody(BodyPolicy.whole(16L << 20),
                        (req, res) -> res.send(HttpResponse.text(req.body().length + " bytes"))))
                .build());
    }

    private static byte[] bytes(int n, int seed) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }

    /** Sends {@code content} on {@code stream} in DATA frames of 16 KiB. */
    private static void send(H2TestClient c, int stream, byte[] content, boolean end) {
        for (int at = 0; at < content.length; at += FRAME) {
            int n = Math.min(FRAME, content.length - at);
            byte[] piece = java.util.Arrays.copyOfRange(content, at, at + n);
            c.data(stream, piece, end && at + n == content.length);
        }
    }

    private static int increments(List<Frame> frames, int stream) {
        return of(frames, "WINDOW_UPDATE").stream().filter(f -> f.stream() == stream).mapToInt(Frame::increment).sum();
    }

    /** Reads {@code n} bytes of chunks from the body, which must have them. */
    private int readBytes(int n, ByteArrayOutputStream into) {
        int got = 0;
        while (got < n) {
            byte[] chunk;
            try {
                chunk = body.get().read();
            } catch (IOException e) {
                throw new AssertionError(e);
            }
            assertNotNull(chunk, "the body has bytes to read after " + got);
            into.writeBytes(chunk);
            got += chunk.length;
        }
        return got;
    }

    @Test
    void theWindowComesBackOnlyAsTheHandlerReads() throws IOException {
        H2TestClient c = new H2TestClient(service());
        c.start();
        c.request(1, "PUT", "/upload", false);
        assertEquals(List.of(), c.read(), "nothing is sent at the head (no 100 was asked for)");
        assertEquals(1, handled.get(), "the handler runs at the head");
        byte[] first = bytes(WINDOW, 1);
        send(c, 1, first, false);
        List<Frame> got = c.read();
        assertEquals(0, increments(got, 1), "256 KiB received, none read: no window back for the stream " + got);
        assertEquals(0, increments(got, 0), "nor for the connection " + got);

        ByteArrayOutputStream read = new ByteArrayOutputStream();
        int consumed = readBytes(64 * 1024, read);
        assertEquals(0, increments(c.read(), 1), "64 KiB read: under half the window, no WINDOW_UPDATE yet");
        consumed += readBytes(64 * 1024, read);
        got = c.read();
        assertEquals(128 * 1024, consumed);
        assertEquals(consumed, increments(got, 1), "128 KiB read: the stream gets exactly those back " + got);
        consumed += readBytes(128 * 1024, read);
        int streamBack = 128 * 1024 + increments(c.read(), 1);
        assertEquals(WINDOW, consumed);
        assertEquals(consumed, streamBack, "all 256 KiB read: all of them back");

        // The window is open again: 256 KiB more, read whole; the connection gets its 512 KiB back (half its 1 MiB).
        byte[] second = bytes(WINDOW, 2);
        send(c, 1, second, false);
        assertEquals(0, increments(c.read(), 0), "the connection's window waits for the reader too");
        consumed += readBytes(WINDOW, read);
        got = c.read();
        assertEquals(2 * WINDOW, consumed);
        assertEquals(WINDOW, increments(got, 1), "the stream: what was read " + got);
        assertEquals(2 * WINDOW, increments(got, 0), "the connection: the 512 KiB read " + got);

        c.data(1, new byte[0], true);
        c.read();
        assertNull(body.get().read(), "the end");
        assertTrue(body.get().isEnded());
        byte[] expected = new byte[2 * WINDOW];
        System.arraycopy(first, 0, expected, 0, WINDOW);
        System.arraycopy(second, 0, expected, WINDOW, WINDOW);
        assertArrayEquals(expected, read.toByteArray(), "the body arrives whole and in order");
        responder.get().send(HttpResponse.text("stored"));
        got = c.read();
        assertEquals("200", only(got, "HEADERS").fields().get(":status"));
        assertEquals("stored", body(got, 1));
    }

    @Test
    void aClientThatIsNotReadCannotSendPastTheStreamWindow() {
        H2TestClient c = new H2TestClient(service());
        c.start();
        c.request(1, "PUT", "/upload", false);
        send(c, 1, new byte[WINDOW], false);
        List<Frame> got = c.read();
        assertEquals(0, increments(got, 1), got.toString());
        c.data(1, new byte[1], false);
        got = c.read();
        assertEquals(Http2Error.FLOW_CONTROL_ERROR, only(got, "RST_STREAM").error(),
                "one byte past the 256 KiB window: the stream is reset " + got);
        IOException e = assertThrows(IOException.class, () -> body.get().read());
        assertInstanceOf(EOFException.class, e, "the reader learns its body was cut");
        // The 256 KiB + 1 the reader never took go back to the connection with the reset: together with 256 KiB
        // read on stream 3 they pass half the 1 MiB window, and the connection gets all 524,289 back.
        c.request(3, "PUT", "/upload", false);
        send(c, 3, new byte[WINDOW], false);
        assertEquals(0, increments(c.read(), 0));
        readBytes(WINDOW, new ByteArrayOutputStream());
        got = c.read();
        assertEquals(2 * WINDOW + 1, increments(got, 0), "the dropped bytes and the bytes read " + got);
    }

    @Test
    void aDeclaredLengthOverTheLimitIsAnswered413AtTheHead() {
        H2TestClient c = new H2TestClient(service());
        c.start();
        List<Frame> got = c.request(1, "PUT", "/small", false, "content-length", "200000").read();
        assertEquals("413", only(got, "HEADERS").fields().get(":status"), got.toString());
        assertEquals(0, handled.get(), "the handler never runs");
    }

    @Test
    void aBodyThatGrowsPastTheLimitFailsItsReaderAndIsAnswered413() {
        H2TestClient c = new H2TestClient(service());
        c.start();
        c.request(1, "PUT", "/small", false);
        send(c, 1, new byte[7 * FRAME], false); // 114,688 bytes: past 100,000 at the seventh frame
        List<Frame> got = c.read();
        assertEquals("413", only(got, "HEADERS").fields().get(":status"), got.toString());
        assertEquals(Http2Error.NO_ERROR, only(got, "RST_STREAM").error(),
                "answered before the upload ended: the stream is closed with NO_ERROR (RFC 9113 section 8.1) " + got);
        IOException e = assertThrows(IOException.class, () -> {
            while (body.get().read() != null) {
                // the chunks before the limit are dropped with the failure
            }
        });
        assertInstanceOf(HttpException.class, e.getCause());
        assertEquals(413, ((HttpException) e.getCause()).status());
        assertTrue(c.conn.isOpen(), "a stream error only");
    }

    @Test
    void aBodyTheClientResetsFailsItsReader() throws IOException {
        H2TestClient c = new H2TestClient(service());
        c.start();
        c.request(1, "PUT", "/upload", false);
        send(c, 1, new byte[10_000], false);
        c.read();
        assertEquals(10_000, body.get().read().length, "the bytes before the reset are readable");
        c.writer.rstStream(1, Http2Error.CANCEL);
        c.read();
        assertThrows(EOFException.class, () -> body.get().read(), "cut by RST_STREAM");
        responder.get().send(HttpResponse.text("late"));
        assertEquals(List.of(), c.read(), "a late answer to a reset stream goes nowhere");
    }

    @Test
    void aBodyCutByTheConnectionClosingFailsItsReader() {
        H2TestClient c = new H2TestClient(service());
        c.start();
        c.request(1, "PUT", "/upload", false);
        send(c, 1, new byte[10_000], false);
        c.writer.goAway(0, Http2Error.NO_ERROR, java.nio.ByteBuffer.allocate(0));
        c.read();
        c.conn.finishInput();
        assertThrows(EOFException.class, () -> {
            while (body.get().read() != null) {
                // the 10,000 bytes, maybe, then the failure
            }
        }, "cut by GOAWAY and the close");
    }

    @Test
    void expectContinueGetsA100OnlyWhenTheRouteTakesTheBody() {
        H2TestClient c = new H2TestClient(service());
        c.start();
        List<Frame> got = c.request(1, "PUT", "/upload", false, "expect", "100-continue").read();
        assertEquals("100", only(got, "HEADERS").fields().get(":status"), got.toString());
        assertTrue(!only(got, "HEADERS").end(), "the 100 does not end the stream");

        got = c.request(3, "PUT", "/nowhere", false, "expect", "100-continue").read();
        assertEquals("404", only(got, "HEADERS").fields().get(":status"), "no route, no 100: " + got);
        assertEquals(Http2Error.NO_ERROR, only(got, "RST_STREAM").error(), "the body is not wanted " + got);

        got = c.request(5, "PUT", "/small", false, "expect", "100-continue", "content-length", "200000").read();
        assertEquals("413", only(got, "HEADERS").fields().get(":status"), "over the limit, no 100: " + got);

        got = c.request(7, "PUT", "/whole", false, "expect", "100-continue").read();
        assertEquals("100", only(got, "HEADERS").fields().get(":status"), "a whole body is wanted too " + got);
        c.data(7, "abc".getBytes(), true);
        got = c.read();
        assertEquals("3 bytes", body(got, 7), got.toString());
    }

    @Test
    void aHandlerReadingOnTheLoopTakesFourMebibytesThroughTheWindows() {
        int total = 4 << 20;
        HttpService service = new HttpService(HttpConfig.DEFAULTS, Routes.builder()
                .put("/count", HttpHandler.withBody(BodyPolicy.stream(Long.MAX_VALUE), (req, res) -> {
                    RequestBody in = req.streamedBody();
                    long[] count = {0};
                    Runnable pump = new Runnable() {
                        @Override
                        public void run() {
                            try {
                                for (byte[] chunk = in.read(); chunk != null; chunk = in.read()) {
                                    count[0] += chunk.length;
                                }
                                if (in.isEnded()) {
                                    res.send(HttpResponse.text(count[0] + " bytes"));
                                } else {
                                    in.demand(this);
                                }
                            } catch (IOException e) {
                                res.fail(e);
                            }
                        }
                    };
                    in.demand(pump);
                })).build());
        H2TestClient c = new H2TestClient(service);
        c.start();
        c.request(1, "PUT", "/count", false);
        // The client sends within the windows it was given: 65,535 + 983,041 for the connection, 256 KiB for the
        // stream, and what the WINDOW_UPDATEs give back.
        long connection = 1 << 20;
        long stream = WINDOW;
        int sent = 0;
        List<Frame> got = List.of();
        for (int turn = 0; turn < 1000 && sent < total; turn++) {
            int n = (int) Math.min(Math.min(FRAME, total - sent), Math.min(connection, stream));
            if (n > 0) {
                c.data(1, new byte[n], sent + n == total);
                sent += n;
                connection -= n;
                stream -= n;
            }
            got = c.read();
            connection += increments(got, 0);
            stream += increments(got, 1);
        }
        assertEquals(total, sent, "the windows kept opening as the handler read");
        assertTrue(stream <= WINDOW, "the stream never had more than its window: " + stream);
        assertEquals(total + " bytes", body(got, 1), got.toString());
    }

    /**
     * A route whose whole-body limit (16 MiB) is above {@code HttpConfig.maxBody} (8 MiB) takes a 9 MiB body over
     * HTTP/2 as it does over HTTP/1.1: the route's limit counts, not the service's default.
     */
    @Test
    void aRoutesWholeBodyLimitAboveTheServiceDefaultHoldsOverHttp2() {
        H2TestClient c = new H2TestClient(service());
        c.start(Http2Settings.DEFAULTS.with(Http2Settings.INITIAL_WINDOW_SIZE, 1 << 20));
        int size = 9 << 20;
        List<Frame> got = c.request(1, "PUT", "/large", false, "content-length", String.valueOf(size)).read();
        assertEquals(List.of(), of(got, "HEADERS"), "not refused at the head: " + got);
        for (int sent = 0; sent < size; ) {
            int n = Math.min(256 * 1024, size - sent);
            sent += n;
            send(c, 1, new byte[n], sent == size);
            for (Frame f : c.read()) { // the server's window updates let the next piece in
                got.add(f);
            }
        }
        assertEquals(size + " bytes", body(got, 1), "the 9 MiB body came whole: " + of(got, "HEADERS"));
    }

    @Test
    void wholeBodiesStillComeWhole() {
        H2TestClient c = new H2TestClient(service());
        c.start();
        c.request(1, "PUT", "/whole", false);
        send(c, 1, new byte[100_000], true);
        List<Frame> got = c.read();
        assertEquals("100000 bytes", body(got, 1), got.toString());
    }

    private static byte[] gzip(byte[] content) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        try (java.util.zip.GZIPOutputStream out = new java.util.zip.GZIPOutputStream(b)) {
            out.write(content);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
        return b.toByteArray();
    }

    private HttpService decoding() {
        return new HttpService(HttpConfig.DEFAULTS, Routes.builder()
                .put("/whole", HttpHandler.withBody(BodyPolicy.whole(1 << 20).decoded(), (req, res) ->
                        res.send(HttpResponse.of(200).body(req.body()))))
                .put("/stream", HttpHandler.withBody(BodyPolicy.stream(1 << 20).decoded(), (req, res) -> {
                    body.set(req.streamedBody());
                    responder.set(res);
                }))
                .build());
    }

    @Test
    void aGzipBodyIsDecodedForARouteThatAsks() {
        byte[] content = "a body, compressed on its way ".repeat(1000).getBytes(java.nio.charset.StandardCharsets.UTF_8);
        byte[] packed = gzip(content);
        H2TestClient c = new H2TestClient(decoding());
        c.start(Http2Settings.DEFAULTS.with(Http2Settings.INITIAL_WINDOW_SIZE, 1 << 20));
        c.writer.windowUpdate(0, 1 << 20);
        c.request(1, "PUT", "/whole", false, "content-encoding", "gzip", "content-length",
                String.valueOf(packed.length));
        send(c, 1, packed, true);
        List<Frame> got = c.read();
        for (int i = 0; i < 10 && got.stream().noneMatch(f -> f.stream() == 1 && f.end()); i++) {
            got.addAll(c.read());
        }
        assertEquals("200", only(got, "HEADERS").fields().get(":status"), got.toString());
        assertArrayEquals(content, body(got, 1).getBytes(java.nio.charset.StandardCharsets.ISO_8859_1),
                "the handler got the 30,000 decoded bytes");
    }

    @Test
    void aStreamedGzipBombInflatesOnlyAsTheReaderReadsAndStopsAtTheLimit() {
        // 8 MiB of zeros compress to about 8 KiB; the route's limit is 1 MiB of decoded bytes.
        byte[] packed = gzip(new byte[8 << 20]);
        H2TestClient c = new H2TestClient(decoding());
        c.start();
        c.request(1, "PUT", "/stream", false, "content-encoding", "gzip");
        send(c, 1, packed, true);
        c.read();
        assertEquals(-1, body.get().declaredLength(), "the decoded length is not known");
        // The reader has read nothing: at most the high watermark (64 KiB) and one piece of decoded bytes wait.
        int waiting = 0;
        byte[] chunk;
        try {
            while ((chunk = body.get().read()) != null) {
                waiting += chunk.length;
            }
        } catch (IOException e) {
            throw new AssertionError(e);
        }
        assertTrue(waiting >= 64 * 1024 && waiting <= 64 * 1024 + 64 * 1024,
                "decoding waited for the reader: " + waiting + " bytes inflated");
        // Reading on: 1 MiB is decoded, the next byte fails the reader with 413 and the stream is answered 413.
        long total = waiting;
        IOException e = null;
        List<Frame> got = new java.util.ArrayList<>();
        for (int i = 0; i < 100 && e == null; i++) {
            got.addAll(c.read());
            try {
                while ((chunk = body.get().read()) != null) {
                    total += chunk.length;
                }
            } catch (IOException failure) {
                e = failure;
            }
        }
        assertNotNull(e, "the reader fails past the limit after " + total + " bytes");
        assertInstanceOf(HttpException.class, e.getCause());
        assertEquals(413, ((HttpException) e.getCause()).status());
        assertTrue(total <= 1 << 20, "never more than the 1 MiB limit decoded: " + total);
        got.addAll(c.read());
        assertEquals("413", only(got, "HEADERS").fields().get(":status"), got.toString());
    }

    @Test
    void anUnknownCodingIs415BeforeTheBody() {
        H2TestClient c = new H2TestClient(decoding());
        c.start();
        List<Frame> got = c.request(1, "PUT", "/whole", false, "content-encoding", "br", "expect", "100-continue")
                .read();
        Frame head = only(got, "HEADERS");
        assertEquals("415", head.fields().get(":status"), "no 100, a 415: " + got);
        assertEquals("gzip, deflate", head.fields().get("accept-encoding"));
    }
}
