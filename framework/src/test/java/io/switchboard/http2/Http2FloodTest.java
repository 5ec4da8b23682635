package io.switchboard.http2;

import static io.switchboard.http2.H2TestClient.of;
import static io.switchboard.http2.H2TestClient.only;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.http.HttpConfig;
import io.switchboard.http.HttpResponder;
import io.switchboard.http.HttpResponse;
import io.switchboard.http.HttpService;
import io.switchboard.http.Routes;
import io.switchboard.http2.H2TestClient.Frame;
import io.switchboard.pipeline.ConnectionConfig;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Each HTTP/2 flood driven past its limit (defaults of {@link Http2Limits}, per 10 s window): the connection answers
 * GOAWAY ENHANCE_YOUR_CALM and closes, or refuses the stream, and stays within its bounds until then.
 */
@Tag("hardening")
class Http2FloodTest {
    private final Map<Integer, HttpResponder> held = new ConcurrentHashMap<>();
    private final AtomicInteger handled = new AtomicInteger();

    private HttpService service(Http2Limits limits) {
        AtomicInteger n = new AtomicInteger();
        return new HttpService(HttpConfig.DEFAULTS, Routes.builder()
                .get("/", (req, res) -> {
                    handled.incrementAndGet();
                    res.send(HttpResponse.text("ok"));
                })
                .get("/big", (req, res) -> res.send(HttpResponse.of(200).body(new byte[100_000])))
                .get("/hold", (req, res) -> held.put(n.incrementAndGet(), res))
                .post("/hold", (req, res) -> held.put(n.incrementAndGet(), res))
                .build()).withPriorKnowledge(Http2Server.of(limits));
    }

    private H2TestClient started() {
        H2TestClient c = new H2TestClient(service(Http2Limits.DEFAULTS));
        c.start();
        return c;
    }

    private static void calm(H2TestClient c, List<Frame> got) {
        Frame away = only(got, "GOAWAY");
        assertEquals(Http2Error.ENHANCE_YOUR_CALM, away.error(), new String(away.data()));
        assertTrue(c.conn.isClosed(), "closed after GOAWAY");
    }

    @Test
    void streamsPastMaxConcurrentStreamsAreRefused() {
        H2TestClient c = started();
        for (int i = 0; i < 100; i++) {
            c.request(1 + 2 * i, "GET", "/hold", true);
        }
        assertTrue(c.read().isEmpty());
        assertEquals(100, held.size(), "100 streams open, the advertised SETTINGS_MAX_CONCURRENT_STREAMS");
        Frame rst = only(c.request(201, "GET", "/hold", true).read(), "RST_STREAM");
        assertEquals(201, rst.stream());
        assertEquals(Http2Error.REFUSED_STREAM, rst.error());
        assertEquals(100, held.size(), "the 101st never reached the handler");
        held.get(1).send(HttpResponse.text("done"));
        c.read();
        c.request(203, "GET", "/hold", true).read();
        assertEquals(101, held.size(), "a stream is taken again once one closed");
    }

    @Test
    void rapidResetEndsTheConnection() {
        H2TestClient c = started();
        for (int i = 0; i < 200; i++) {
            c.request(1 + 2 * i, "GET", "/hold", true);
            c.writer.rstStream(1 + 2 * i, Http2Error.CANCEL);
        }
        List<Frame> got = c.read();
        assertTrue(of(got, "GOAWAY").isEmpty(), "200 resets in 10 s are within the budget");
        c.request(401, "GET", "/hold", true).writer.rstStream(401, Http2Error.CANCEL);
        calm(c, c.read());
    }

    @Test
    void resetsTheServerIsMadeToSendCountToo() {
        // MadeYouReset (CVE-2025-8671): malformed requests the server resets itself, which the client never resets.
        H2TestClient c = started();
        for (int i = 0; i < 200; i++) {
            c.headers(1 + 2 * i, true, ":method", "GET", ":scheme", "http", ":path", "/", ":authority", "a",
                    "connection", "close");
        }
        List<Frame> got = c.read();
        assertEquals(200, of(got, "RST_STREAM").size());
        assertTrue(of(got, "GOAWAY").isEmpty());
        c.headers(401, true, ":method", "GET", ":scheme", "http", ":path", "/", ":authority", "a", "upgrade", "x");
        calm(c, c.read());
        assertEquals(0, handled.get());
    }

    @Test
    void streamErrorsOfTheFrameLayerCountAsResets() {
        H2TestClient c = started();
        for (int i = 0; i < 201; i++) {
            c.writer.priority(1 + 2 * i, 1 + 2 * i, 16, false); // a stream depending on itself: a stream error
        }
        List<Frame> got = c.read();
        assertEquals(200, of(got, "RST_STREAM").size(), "each one reset until the budget is spent");
        calm(c, got);
    }

    @Test
    void aPingFloodEndsTheConnection() {
        H2TestClient c = started();
        for (int i = 0; i < 50; i++) {
            c.writer.ping(i);
        }
        assertEquals(50, of(c.read(), "PING_ACK").size());
        c.writer.ping(50);
        calm(c, c.read());
    }

    @Test
    void theBudgetStartsAgainInTheNextWindow() {
        H2TestClient c = started();
        for (int i = 0; i < 50; i++) {
            c.writer.ping(i);
        }
        c.read();
        c.conn.advance(Duration.ofSeconds(11));
        for (int i = 0; i < 50; i++) {
            c.writer.ping(i);
        }
        List<Frame> got = c.read();
        assertEquals(50, of(got, "PING_ACK").size(), "50 more PINGs 11 s later are within the next window");
        assertTrue(c.conn.isOpen());
    }

    @Test
    void aSettingsFloodEndsTheConnection() {
        H2TestClient c = started(); // its first SETTINGS counted: 49 more are within the budget of 50
        for (int i = 0; i < 49; i++) {
            c.writer.settings(Http2Settings.DEFAULTS);
        }
        assertEquals(49, of(c.read(), "SETTINGS_ACK").size());
        c.writer.settings(Http2Settings.DEFAULTS);
        calm(c, c.read());
    }

    @Test
    void emptyDataFramesEndTheConnection() {
        H2TestClient c = started();
        c.request(1, "POST", "/hold", false);
        for (int i = 0; i < 100; i++) {
            c.data(1, new byte[0], false);
        }
        assertTrue(of(c.read(), "GOAWAY").isEmpty(), "100 empty DATA frames are within the budget");
        c.data(1, new byte[0], false);
        calm(c, c.read());
    }

    @Test
    void emptyContinuationFramesEndTheConnection() {
        H2TestClient c = started();
        int empty = 0;
        for (int stream = 1; empty <= 100; stream += 2) {
            ByteBuffer block = c.encode(":method", "GET", ":scheme", "http", ":path", "/", ":authority", "a");
            byte[] bytes = new byte[block.remaining()];
            block.get(bytes);
            c.raw(Wire.frame(Wire.HEADERS, Wire.END_STREAM, stream, bytes));
            for (int k = 0; k < 7; k++, empty++) {
                c.raw(Wire.frame(Wire.CONTINUATION, 0, stream));
            }
            c.raw(Wire.frame(Wire.CONTINUATION, Wire.END_HEADERS, stream));
            empty++;
        }
        calm(c, c.read());
    }

    @Test
    void priorityFramesCountWithTheEmptyFrames() {
        H2TestClient c = started();
        for (int i = 0; i < 100; i++) {
            c.writer.priority(1001 + 2 * i, 0, 16, false);
        }
        assertTrue(of(c.read(), "GOAWAY").isEmpty(), "100 PRIORITY frames (on idle streams) are within the budget");
        c.writer.priority(3001, 0, 16, false);
        calm(c, c.read());
    }

    @Test
    void windowUpdatesOfNoValueEndTheConnection() {
        H2TestClient c = started();
        for (int i = 0; i < 200; i++) {
            c.writer.windowUpdate(0, 1);
        }
        assertTrue(of(c.read(), "GOAWAY").isEmpty(), "200 one-byte WINDOW_UPDATEs are within the budget");
        c.writer.windowUpdate(0, 1);
        calm(c, c.read());
    }

    @Test
    void aClientThatReadsNothingHoldsTheServerToItsWatermark() {
        // CVE-2019-9517: the client opens its windows wide, asks for 50 answers of 100 KB, and reads none of them.
        ConnectionConfig config = ConnectionConfig.DEFAULTS;
        H2TestClient c = new H2TestClient(service(Http2Limits.DEFAULTS), config);
        c.start(Http2Settings.DEFAULTS.with(Http2Settings.INITIAL_WINDOW_SIZE, Integer.MAX_VALUE));
        c.writer.windowUpdate(0, Integer.MAX_VALUE - 65_535);
        c.send();
        c.conn.peerWindow(0);
        for (int i = 0; i < 50; i++) {
            c.request(1 + 2 * i, "GET", "/big", true);
        }
        c.send();
        long queued = c.conn.connection().queuedBytes();
        assertTrue(queued < config.highWatermark() + 2 * 64 * 1024 + 50 * 100,
                "the server queued " + queued + " bytes of the 5,000,000 asked for: about its high watermark ("
                        + config.highWatermark() + ") and a turn of 64 KiB");
        assertFalse(c.conn.connection().isWritable());
        c.conn.peerWindow(Long.MAX_VALUE);
        long bodyBytes = 0;
        int ended = 0;
        for (int round = 0; round < 1000 && ended < 50; round++) {
            for (Frame f : c.read()) {
                if (f.type().equals("DATA")) {
                    bodyBytes += f.data().length;
                    ended += f.end() ? 1 : 0;
                }
            }
        }
        assertEquals(5_000_000, bodyBytes, "every answer arrives once the client reads again");
        assertTrue(c.conn.isOpen());
    }

    @Test
    void requestBodiesHeldBeyondTheLimitStopTheConnectionWindow() {
        H2TestClient c = new H2TestClient(service(Http2Limits.DEFAULTS.withWindows(65_535 * 2, 50_000)));
        c.start();
        c.request(1, "POST", "/hold", false).data(1, new byte[60_000], true);
        c.request(3, "POST", "/hold", false).data(3, new byte[60_000], true);
        List<Frame> got = c.read();
        assertTrue(of(got, "WINDOW_UPDATE").stream().noneMatch(f -> f.stream() == 0),
                "120,000 bytes held for unanswered requests, over maxBufferedBodies 50,000: no WINDOW_UPDATE "
                        + "on the connection " + got);
        held.get(1).send(HttpResponse.text("done"));
        got = c.read();
        assertTrue(of(got, "WINDOW_UPDATE").stream().noneMatch(f -> f.stream() == 0), "60,000 still held: " + got);
        held.get(2).send(HttpResponse.text("done"));
        got = c.read();
        assertTrue(of(got, "WINDOW_UPDATE").stream().anyMatch(f -> f.stream() == 0 && f.increment() == 120_000),
                "the window reopens once the answers let the bodies go: " + got);
    }
}
