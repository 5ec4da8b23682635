package io.switchboard.http2;

import static io.switchboard.http2.H2TestClient.body;
import static io.switchboard.http2.H2TestClient.of;
import static io.switchboard.http2.H2TestClient.only;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.http.HttpConfig;
import io.switchboard.http.HttpResponder;
import io.switchboard.http.HttpResponse;
import io.switchboard.http.HttpService;
import io.switchboard.http.HttpVersion;
import io.switchboard.http.ResponseStream;
import io.switchboard.http.Routes;
import io.switchboard.http2.H2TestClient.Frame;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;

/** The HTTP/2 server connection driven in memory by a client built from the frame and HPACK layers. */
class Http2ConnectionTest {
    private final Map<String, HttpResponder> held = new ConcurrentHashMap<>();

    private HttpService service() {
        return new HttpService(HttpConfig.DEFAULTS.withServerName(null), Routes.builder()
                .get("/hello", (req, res) -> res.send(HttpResponse.text("Hello " + req.version() + " "
                        + req.header("host"))))
                .post("/echo", (req, res) -> res.send(HttpResponse.of(200).body(req.body())))
                .get("/big", (req, res) -> res.send(HttpResponse.of(200).body(new byte[100_000])))
                .get("/hold/{name}", (req, res) -> held.put(req.pathParam("name"), res))
                .get("/stream", (req, res) -> {
                    ResponseStream s = res.stream(HttpResponse.of(200));
                    s.write("one,");
                    s.write("two");
                    s.end();
                })
                .build());
    }

    @Test
    void startsWithSettingsAndAConnectionWindowOfOneMebibyte() {
        H2TestClient c = new H2TestClient(service());
        List<Frame> first = c.start();
        assertEquals("SETTINGS", first.get(0).type(), first.toString());
        Frame window = only(first, "WINDOW_UPDATE");
        assertEquals(0, window.stream());
        assertEquals(1024 * 1024 - 65_535, window.increment(), "opens the connection window to 1 MiB");
        only(first, "SETTINGS_ACK");
    }

    @Test
    void aGetIsAnswered() {
        H2TestClient c = new H2TestClient(service());
        c.start();
        List<Frame> got = c.request(1, "GET", "/hello", true).read();
        Frame head = only(got, "HEADERS");
        assertEquals("200", head.fields().get(":status"));
        assertEquals("24", head.fields().get("content-length"));
        assertEquals("Hello HTTP/2 example.com", body(got, 1), "the handler sees HTTP/2 and host from :authority");
        assertTrue(got.get(got.size() - 1).end(), "END_STREAM on the last frame");
    }

    @Test
    void aPostBodyIsEchoed() {
        H2TestClient c = new H2TestClient(service());
        c.start();
        c.request(1, "POST", "/echo", false, "content-length", "11");
        c.data(1, "hello ".getBytes(), false).data(1, "world".getBytes(), true);
        List<Frame> got = c.read();
        assertEquals("200", only(got, "HEADERS").fields().get(":status"));
        assertEquals("hello world", body(got, 1));
    }

    @Test
    void streamsAreAnsweredAsTheyComplete() {
        H2TestClient c = new H2TestClient(service());
        c.start();
        c.request(1, "GET", "/hold/a", true).request(3, "GET", "/hold/b", true).request(5, "GET", "/hold/c", true);
        assertTrue(c.read().isEmpty());
        held.get("c").send(HttpResponse.text("c"));
        held.get("a").send(HttpResponse.text("a"));
        List<Frame> got = c.read();
        List<Frame> heads = of(got, "HEADERS");
        assertEquals(5, heads.get(0).stream(), "stream 5 answered first: " + got);
        assertEquals(1, heads.get(1).stream());
        held.get("b").send(HttpResponse.text("b"));
        assertEquals("b", body(c.read(), 3));
    }

    @Test
    void anAnswerFromAnotherThreadComesBackToTheLoop() throws Exception {
        H2TestClient c = new H2TestClient(service());
        c.start();
        c.request(1, "GET", "/hold/x", true).read();
        Thread t = new Thread(() -> held.get("x").send(HttpResponse.text("from a thread")));
        t.start();
        t.join();
        assertEquals("from a thread", body(c.read(), 1));
    }

    @Test
    void aStreamedAnswerIsSentAsDataFrames() {
        H2TestClient c = new H2TestClient(service());
        c.start();
        List<Frame> got = c.request(1, "GET", "/stream", true).read();
        assertEquals("200", only(got, "HEADERS").fields().get(":status"));
        assertNull(only(got, "HEADERS").fields().get("content-length"));
        assertEquals("one,two", body(got, 1));
        assertTrue(got.get(got.size() - 1).end());
    }

    @Test
    void aResponseLargerThanTheWindowWaitsForWindowUpdate() {
        H2TestClient c = new H2TestClient(service());
        c.start();
        List<Frame> got = c.request(1, "GET", "/big", true).read();
        assertEquals(65_535, body(got, 1).length(), "the default windows: 65535 bytes of 100000");
        assertFalse(got.get(got.size() - 1).end());
        c.writer.windowUpdate(1, 50_000);
        assertTrue(c.read().isEmpty(), "the connection window is still spent");
        c.writer.windowUpdate(0, 50_000);
        got = c.read();
        assertEquals(100_000 - 65_535, body(got, 1).length());
        assertTrue(got.get(got.size() - 1).end());
    }

    @Test
    void aSmallerFrameSizeOfThePeerSplitsData() {
        H2TestClient c = new H2TestClient(service());
        c.start(Http2Settings.DEFAULTS.with(Http2Settings.INITIAL_WINDOW_SIZE, 1 << 20));
        c.writer.windowUpdate(0, 1 << 20);
        List<Frame> got = c.request(1, "GET", "/big", true).read();
        List<Frame> data = of(got, "DATA");
        assertEquals(7, data.size(), "100000 bytes in frames of at most 16384");
        assertTrue(data.stream().allMatch(f -> f.data().length <= 16_384));
    }

    @Test
    void initialWindowSizeChangesMoveOpenStreams() {
        H2TestClient c = new H2TestClient(service());
        c.start(Http2Settings.DEFAULTS.with(Http2Settings.INITIAL_WINDOW_SIZE, 0));
        c.writer.windowUpdate(0, 1 << 20);
        List<Frame> got = c.request(1, "GET", "/big", true).read();
        assertEquals(0, body(got, 1).length(), "a stream window of 0: only the head leaves");
        c.writer.settings(Http2Settings.DEFAULTS.with(Http2Settings.INITIAL_WINDOW_SIZE, 100_000));
        got = c.read();
        assertEquals(100_000, body(got, 1).length(), "the new initial window applies to the open stream");
        only(got, "SETTINGS_ACK");
    }

    @Test
    void anInitialWindowSizeThatOverflowsAStreamIsAFlowControlError() {
        H2TestClient c = new H2TestClient(service());
        c.start();
        c.request(1, "GET", "/big", true).read();
        c.writer.windowUpdate(1, Integer.MAX_VALUE - 65_535 + 65_535 - 1);
        c.read();
        c.writer.settings(Http2Settings.DEFAULTS.with(Http2Settings.INITIAL_WINDOW_SIZE, Integer.MAX_VALUE));
        Frame away = only(c.read(), "GOAWAY");
        assertEquals(Http2Error.FLOW_CONTROL_ERROR, away.error());
        assertTrue(c.conn.isClosed());
    }

    @Test
    void theServerReplenishesWindowsAsTheBodyArrives() {
        H2TestClient c = new H2TestClient(service());
        c.start();
        c.request(1, "POST", "/echo", false);
        byte[] chunk = new byte[16_384];
        for (int i = 0; i < 9; i++) {
            c.data(1, chunk, false);
        }
        List<Frame> got = c.read();
        List<Frame> updates = of(got, "WINDOW_UPDATE");
        assertTrue(updates.stream().anyMatch(f -> f.stream() == 1 && f.increment() >= 128 * 1024),
                "the stream window (256 KiB) is replenished at half: " + got);
        c.data(1, new byte[16_384 * 24], true);
        got = c.read();
        assertTrue(of(got, "WINDOW_UPDATE").stream().anyMatch(f -> f.stream() == 0 && f.increment() >= 512 * 1024),
                "the connection window (1 MiB) is replenished at half: " + got);
        assertEquals(65_535, body(got, 1).length(), "the echo of 540672 bytes goes out to the client's windows");
    }

    @Test
    void pingIsAnswered() {
        H2TestClient c = new H2TestClient(service());
        c.start();
        c.writer.ping(0x1234_5678_9abcL);
        Frame ack = only(c.read(), "PING_ACK");
        assertEquals(0x1234_5678_9abcL, ack.ping());
    }

    @Test
    void aGracefulCloseSendsGoAwayAndAnswersTheStreamsTaken() {
        H2TestClient c = new H2TestClient(service());
        c.start();
        c.request(1, "GET", "/hold/a", true).read();
        c.conn.connection().closeGracefully();
        Frame away = only(c.read(), "GOAWAY");
        assertEquals(Http2Error.NO_ERROR, away.error());
        assertEquals(1, away.stream(), "the last stream taken");
        c.request(3, "GET", "/hold/b", true);
        assertTrue(c.read().isEmpty(), "a stream after the GOAWAY is not taken");
        assertNull(held.get("b"));
        assertTrue(c.conn.isOpen());
        held.get("a").send(HttpResponse.text("a"));
        assertEquals("a", body(c.read(), 1));
        assertTrue(c.conn.isClosed(), "closed once the streams taken are answered");
    }

    @Test
    void aStreamResetByTheClientDropsItsAnswer() {
        H2TestClient c = new H2TestClient(service());
        c.start();
        c.request(1, "GET", "/hold/a", true).read();
        c.writer.rstStream(1, Http2Error.CANCEL);
        c.read();
        HttpResponder r = held.get("a");
        r.send(HttpResponse.text("late"));
        assertTrue(c.read().isEmpty(), "nothing is sent on a reset stream");
        assertTrue(c.conn.isOpen());
    }

    @Test
    void anHttp2StreamCannotUpgrade() {
        H2TestClient c = new H2TestClient(service());
        c.start();
        c.request(1, "GET", "/hold/a", true).read();
        assertThrows(IllegalStateException.class, () -> held.get("a").upgrade(HttpResponse.of(101), null));
    }

    @Test
    void settingsNotAcknowledgedInTimeEndTheConnection() {
        H2TestClient c = new H2TestClient(service());
        c.writer.preface();
        c.writer.settings(Http2Settings.DEFAULTS);
        c.read();
        c.conn.advance(Duration.ofSeconds(11));
        Frame away = only(c.read(), "GOAWAY");
        assertEquals(Http2Error.SETTINGS_TIMEOUT, away.error(), "no SETTINGS ACK within 10 s");
        assertTrue(c.conn.isClosed());
    }

    @Test
    void aBodyOverTheLimitIsAnswered413() {
        HttpService s = new HttpService(HttpConfig.DEFAULTS.withMaxBody(1000), Routes.builder()
                .post("/echo", (req, res) -> res.send(HttpResponse.of(200).body(req.body()))).build());
        H2TestClient c = new H2TestClient(s);
        c.start();
        c.request(1, "POST", "/echo", false).data(1, new byte[1001], false);
        List<Frame> got = c.read();
        assertEquals("413", only(got, "HEADERS").fields().get(":status"));
        assertEquals(Http2Error.NO_ERROR, only(got, "RST_STREAM").error(), "the upload is stopped with NO_ERROR");
        c.request(3, "POST", "/echo", false, "content-length", "5000");
        assertEquals("413", only(c.read(), "HEADERS").fields().get(":status"), "a declared length over the limit");
    }

    @Test
    void aRouteNotFoundGetsTheServiceErrorAnswer() {
        H2TestClient c = new H2TestClient(service());
        c.start();
        assertEquals("404", only(c.request(1, "GET", "/nowhere", true).read(), "HEADERS").fields().get(":status"));
    }

    @Test
    void answersCarryDateAndServerAsOverHttp1() {
        HttpService s = new HttpService(HttpConfig.DEFAULTS, Routes.builder()
                .get("/", (req, res) -> res.send(HttpResponse.text("x").header("Connection", "close"))).build());
        H2TestClient c = new H2TestClient(s);
        c.start();
        Map<String, String> head = only(c.request(1, "GET", "/", true).read(), "HEADERS").fields();
        assertTrue(head.get("date").matches("[A-Z][a-z]{2}, \\d{2} [A-Z][a-z]{2} \\d{4} \\d{2}:\\d{2}:\\d{2} GMT"),
                head.toString());
        assertEquals("switchboard", head.get("server"));
        assertNull(head.get("connection"), "connection-specific fields never go out over HTTP/2");
    }

    @Test
    void aConnectionWithoutStreamsClosesAfterTheKeepAliveTimeout() {
        H2TestClient c = new H2TestClient(service());
        c.start();
        assertEquals("Hello HTTP/2 example.com", body(c.request(1, "GET", "/hello", true).read(), 1));
        c.conn.advance(Duration.ofSeconds(74));
        assertTrue(c.read().isEmpty(), "74 s idle: within the 75 s keep-alive timeout");
        c.conn.advance(Duration.ofSeconds(2));
        Frame away = only(c.read(), "GOAWAY");
        assertEquals(Http2Error.NO_ERROR, away.error());
        assertTrue(c.conn.isClosed());
    }

    @Test
    void aConnectionWithAStreamOpenStaysOpen() {
        H2TestClient c = new H2TestClient(service());
        c.start();
        c.request(1, "GET", "/hold/a", true).read();
        c.conn.advance(Duration.ofSeconds(200));
        assertTrue(c.read().isEmpty());
        assertTrue(c.conn.isOpen(), "a stream waits for its answer: not idle");
        held.get("a").send(HttpResponse.text("a"));
        c.read();
        c.conn.advance(Duration.ofSeconds(76));
        assertEquals(Http2Error.NO_ERROR, only(c.read(), "GOAWAY").error(), "idle from the answer on");
    }

    @Test
    void expectContinueGetsAHundredHeadFirst() {
        H2TestClient c = new H2TestClient(service());
        c.start();
        List<Frame> got = c.request(1, "POST", "/echo", false, "expect", "100-continue", "content-length", "2").read();
        Frame first = only(got, "HEADERS");
        assertEquals("100", first.fields().get(":status"));
        assertFalse(first.end());
        got = c.data(1, "ok".getBytes(), true).read();
        assertEquals("200", only(got, "HEADERS").fields().get(":status"));
        assertEquals("ok", body(got, 1));
    }

    @Test
    void aWholeExchangeReadsTheSameAtEverySplit() {
        H2TestClient script = new H2TestClient(service());
        script.writer.preface();
        script.writer.settings(Http2Settings.DEFAULTS);
        script.writer.settingsAck();
        script.request(1, "POST", "/echo", false, "content-length", "11").data(1, "hello ".getBytes(), false)
                .data(1, "world".getBytes(), true);
        script.writer.ping(7);
        script.request(3, "GET", "/hello", true);
        byte[] bytes = script.take();
        for (int cut = 0; cut <= bytes.length; cut++) {
            H2TestClient c = new H2TestClient(service());
            c.conn.feed(bytes, 0, cut);
            c.conn.feed(bytes, cut, bytes.length - cut);
            List<Frame> got = c.read();
            assertEquals("hello world", body(got, 1), "split at " + cut);
            assertEquals("Hello HTTP/2 example.com", body(got, 3), "split at " + cut);
            assertEquals(7, only(got, "PING_ACK").ping());
        }
        H2TestClient c = new H2TestClient(service());
        for (byte b : bytes) {
            c.conn.feed(new byte[] {b});
        }
        List<Frame> got = c.read();
        assertEquals("hello world", body(got, 1), "one byte at a time");
        assertEquals("Hello HTTP/2 example.com", body(got, 3), "one byte at a time");
    }

    @Test
    void theRequestVersionIsHttp2() {
        assertEquals("HTTP/2", HttpVersion.HTTP_2.toString());
    }
}
