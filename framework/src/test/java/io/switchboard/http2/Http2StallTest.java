package io.switchboard.http2;

import static io.switchboard.http2.H2TestClient.body;
import static io.switchboard.http2.H2TestClient.of;
import static io.switchboard.http2.H2TestClient.only;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.http.BodyPolicy;
import io.switchboard.http.HttpConfig;
import io.switchboard.http.HttpException;
import io.switchboard.http.HttpHandler;
import io.switchboard.http.HttpResponse;
import io.switchboard.http.HttpService;
import io.switchboard.http.RequestBody;
import io.switchboard.http.ResponseStream;
import io.switchboard.http.Routes;
import io.switchboard.http2.H2TestClient.Frame;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * Streams that stop moving are ended with the HTTP/1 timeout of the same meaning (the defaults: bodyTimeout 60 s,
 * sendTimeout 60 s, keepAliveTimeout 75 s; the sweep runs every 15 s while streams are open, so a stall is found
 * between 60 and 75 s after the last progress): a request body that stopped arriving is answered 408, an answer that
 * waits for the client's window is reset with CANCEL. Other streams are served meanwhile, and the silent client's
 * connection is closed by the idle timer once its streams are gone.
 */
class Http2StallTest {
    private final AtomicReference<RequestBody> upload = new AtomicReference<>();
    private final AtomicReference<ResponseStream> answer = new AtomicReference<>();

    private HttpService service() {
        return new HttpService(HttpConfig.DEFAULTS, Routes.builder()
                .post("/whole", (req, res) -> res.send(HttpResponse.text(req.body().length + " bytes")))
                .put("/upload", HttpHandler.withBody(BodyPolicy.stream(1L << 20), (req, res) -> upload.set(
                        req.streamedBody())))
                .put("/answering", HttpHandler.withBody(BodyPolicy.stream(1L << 20), (req, res) -> {
                    answer.set(res.stream(HttpResponse.of(200)));
                    answer.get().write("started");
                }))
                .get("/hello", (req, res) -> res.send(HttpResponse.text("hello")))
                .get("/big", (req, res) -> res.send(HttpResponse.text("x".repeat(32 * 1024))))
                .get("/huge", (req, res) -> res.send(HttpResponse.text("x".repeat(65_535 + 32 * 1024))))
                .get("/streamed", (req, res) -> {
                    answer.set(res.stream(HttpResponse.of(200)));
                    answer.get().write("x".repeat(1000));
                })
                .build());
    }

    /** Moves the loop's clock a second at a time, so each timer runs at its own time as on a live loop. */
    private static void advance(H2TestClient c, int seconds) {
        for (int i = 0; i < seconds; i++) {
            c.conn.advance(Duration.ofSeconds(1));
        }
    }

    /**
     * The stalled stream ended at 60 s and the test read it at 61 s: 73 s more of silence (74 s without streams) leave
     * the connection open, 2 s more (76 s, past the 75 s keep-alive) close it with GOAWAY.
     */
    private static void closedWhenIdle(H2TestClient c) {
        advance(c, 73);
        assertTrue(c.read().isEmpty() && c.conn.isOpen(), "74 s without streams: within the 75 s keep-alive");
        advance(c, 2);
        assertEquals(Http2Error.NO_ERROR, only(c.read(), "GOAWAY").error());
        assertTrue(c.conn.isClosed(), "closed by the idle timer");
    }

    @Test
    void aWholeBodyThatStopsArrivingIsAnswered408WhileOtherStreamsAreServed() {
        H2TestClient c = new H2TestClient(service());
        c.start();
        c.request(1, "POST", "/whole", false).data(1, new byte[10], false).read();
        advance(c, 30);
        List<Frame> got = c.request(3, "GET", "/hello", true).read();
        assertEquals("hello", body(got, 3), "another stream of the connection is served: " + got);
        advance(c, 29);
        assertTrue(c.read().isEmpty(), "59 s without DATA: within the 60 s body timeout");
        advance(c, 2);
        got = c.read();
        assertEquals("408", only(got, "HEADERS").fields().get(":status"), "61 s without DATA: " + got);
        assertEquals(1, only(got, "HEADERS").stream());
        assertEquals(Http2Error.NO_ERROR, only(got, "RST_STREAM").error(),
                "answered before the request ended: closed with NO_ERROR, as a 413 " + got);
        closedWhenIdle(c);
    }

    @Test
    void aStreamedBodyThatStopsArrivingFailsItsReaderWith408() {
        H2TestClient c = new H2TestClient(service());
        c.start();
        c.request(1, "PUT", "/upload", false).data(1, new byte[100], false).read();
        advance(c, 61);
        List<Frame> got = c.read();
        assertEquals("408", only(got, "HEADERS").fields().get(":status"), "61 s without DATA: " + got);
        IOException e = assertThrows(IOException.class, () -> {
            while (upload.get().read() != null) {
                // the 100 bytes before the stall may come first
            }
        });
        assertInstanceOf(HttpException.class, e.getCause(), "the reader sees a cut body: " + e);
        assertEquals(408, ((HttpException) e.getCause()).status());
        closedWhenIdle(c);
    }

    @Test
    void aStalledBodyWhoseHandlerAnsweredIsResetWithCancel() {
        H2TestClient c = new H2TestClient(service());
        c.start();
        List<Frame> got = c.request(1, "PUT", "/answering", false).data(1, new byte[100], false).read();
        assertEquals("started", body(got, 1), got.toString());
        advance(c, 59);
        assertTrue(c.read().isEmpty(), "59 s: within the 60 s body timeout");
        assertTrue(answer.get().isOpen());
        advance(c, 2);
        got = c.read();
        assertEquals(Http2Error.CANCEL, only(got, "RST_STREAM").error(), "answered already: no 408 " + got);
        assertTrue(of(got, "HEADERS").isEmpty(), got.toString());
        assertFalse(answer.get().isOpen(), "the handler's writer sees the stream closed");
        closedWhenIdle(c);
    }

    @Test
    void anAnswerWaitingForAClosedWindowIsResetWithCancel() {
        H2TestClient c = new H2TestClient(service());
        c.start(Http2Settings.DEFAULTS.with(Http2Settings.INITIAL_WINDOW_SIZE, 0));
        List<Frame> got = c.request(1, "GET", "/big", true).read();
        assertEquals("200", only(got, "HEADERS").fields().get(":status"));
        assertTrue(of(got, "DATA").isEmpty(), "window 0: the 32 KiB wait " + got);
        advance(c, 30);
        c.request(3, "GET", "/hello", true);
        c.writer.windowUpdate(3, 1024);
        got = c.read();
        assertEquals("hello", body(got, 3), "another stream with window is served: " + got);
        advance(c, 29);
        assertTrue(c.read().isEmpty(), "59 s waiting: within the 60 s send timeout");
        advance(c, 2);
        Frame reset = only(c.read(), "RST_STREAM");
        assertEquals(1, reset.stream());
        assertEquals(Http2Error.CANCEL, reset.error(), "61 s with DATA waiting for window");
        closedWhenIdle(c);
    }

    @Test
    void aStreamedAnswerWaitingForWindowIsCutAndItsWriterSeesIt() {
        H2TestClient c = new H2TestClient(service());
        c.start(Http2Settings.DEFAULTS.with(Http2Settings.INITIAL_WINDOW_SIZE, 0));
        c.request(1, "GET", "/streamed", true).read();
        assertTrue(answer.get().isOpen());
        advance(c, 61);
        assertEquals(Http2Error.CANCEL, only(c.read(), "RST_STREAM").error(), "61 s with 1,000 bytes waiting");
        assertFalse(answer.get().isOpen(), "the writer sees the stream closed");
    }

    @Test
    void streamsThatMoveEveryHalfTimeoutAreNeverTimedOut() throws IOException {
        H2TestClient c = new H2TestClient(service());
        c.start(Http2Settings.DEFAULTS.with(Http2Settings.INITIAL_WINDOW_SIZE, 1 << 20));
        List<Frame> first = c.request(1, "GET", "/huge", true).request(3, "PUT", "/upload", false).read();
        assertEquals(65_535, body(first, 1).length(), "the connection window's 65,535 bytes leave at once");
        // 8 steps of 30 s (240 s, four times either timeout): the connection window (not the stream's: only DATA
        // leaving stamps stream 1) opens by 4 KiB and stream 1 sends 4 KiB, stream 3 sends 100 bytes of body;
        // neither is reset nor answered 408.
        int sent = 0;
        for (int i = 0; i < 8; i++) {
            advance(c, 30);
            c.writer.windowUpdate(0, 4096);
            c.data(3, new byte[100], false);
            List<Frame> got = c.read();
            assertTrue(of(got, "RST_STREAM").isEmpty() && of(got, "HEADERS").isEmpty(), "step " + i + ": " + got);
            sent += body(got, 1).length();
        }
        assertEquals(32 * 1024, sent, "the rest of the answer left, 4 KiB every 30 s");
        // Then stream 3 goes quiet: answered 408 within 75 s.
        advance(c, 61);
        assertEquals("408", only(c.read(), "HEADERS").fields().get(":status"));
    }

    @Test
    void aStreamWindowUpdateIsProgressEvenWhenNoDataCanLeave() {
        H2TestClient c = new H2TestClient(service());
        c.start(Http2Settings.DEFAULTS.with(Http2Settings.INITIAL_WINDOW_SIZE, 0));
        c.request(1, "GET", "/huge", true);
        c.writer.windowUpdate(1, 65_535);
        c.request(3, "GET", "/big", true);
        List<Frame> got = c.read();
        assertEquals(65_535, body(got, 1).length(), "stream 1 spends the whole connection window");
        assertEquals(0, body(got, 3).length(), "stream 3 waits: window 0");
        // 8 steps of 30 s: stream 3 gets 4 KiB of stream window each time but no DATA can leave (the connection window
        // is 0); its WINDOW_UPDATEs keep it alive, while stream 1, waiting without a frame, is reset at 60 s.
        for (int i = 0; i < 8; i++) {
            advance(c, 30);
            c.writer.windowUpdate(3, 4096);
            got = c.read();
            assertTrue(of(got, "DATA").isEmpty(), got.toString());
            List<Frame> resets = of(got, "RST_STREAM");
            if (i == 1) {
                assertEquals(1, only(got, "RST_STREAM").stream(), "60 s: stream 1 " + got);
                assertEquals(Http2Error.CANCEL, resets.get(0).error());
            } else {
                assertTrue(resets.isEmpty(), "step " + i + ": " + got);
            }
        }
        advance(c, 61);
        assertEquals(3, only(c.read(), "RST_STREAM").stream(), "61 s after its last WINDOW_UPDATE");
        assertTrue(c.conn.isOpen(), "stream errors only");
    }

    @Test
    void anUnfinishedHeaderBlockIsClosedByTheIdleTimer() {
        H2TestClient c = new H2TestClient(service());
        c.start();
        // HEADERS without END_HEADERS, then silence: no stream opens until the block ends, so the idle timer (75 s)
        // runs, as it already did before streams were timed.
        java.nio.ByteBuffer block = c.encode(":method", "GET", ":scheme", "http", ":path", "/hello", ":authority", "x");
        byte[] fragment = new byte[block.remaining()];
        block.get(fragment);
        c.raw(Wire.frame(Wire.HEADERS, Wire.END_STREAM, 1, fragment));
        assertTrue(c.read().isEmpty());
        advance(c, 74);
        assertTrue(c.read().isEmpty() && c.conn.isOpen(), "74 s: within the 75 s keep-alive");
        advance(c, 2);
        assertEquals(Http2Error.NO_ERROR, only(c.read(), "GOAWAY").error(), "76 s: past it");
        assertTrue(c.conn.isClosed());
    }
}
