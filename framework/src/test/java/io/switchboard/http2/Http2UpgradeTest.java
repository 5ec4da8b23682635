package io.switchboard.http2;

import static io.switchboard.http2.H2TestClient.body;
import static io.switchboard.http2.H2TestClient.only;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.http.BodyPolicy;
import io.switchboard.http.HttpConfig;
import io.switchboard.http.HttpHandler;
import io.switchboard.http.HttpResponder;
import io.switchboard.http.HttpResponse;
import io.switchboard.http.HttpService;
import io.switchboard.http.Routes;
import io.switchboard.http2.H2TestClient.Frame;
import io.switchboard.pipeline.GracefulClose;
import io.switchboard.testing.EmbeddedConnection;
import io.switchboard.tls.TlsHandshakeCompleted;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

/**
 * h2c by {@code Upgrade: h2c} from HTTP/1.1 (RFC 7540 section 3.2), byte by byte: the server's own 101 in request
 * order, its SETTINGS, the request answered as stream 1 over HTTP/2 with the client's HTTP2-Settings applied, the
 * client's preface checked after it; and every case where the offer is ignored and the request served over HTTP/1.1.
 */
class Http2UpgradeTest {
    private static final String SWITCHING = "HTTP/1.1 101 Switching Protocols\r\n";

    private final List<HttpResponder> held = new ArrayList<>();
    private final List<String> fieldsSeen = new ArrayList<>();

    private HttpService http1Only() {
        return new HttpService(HttpConfig.DEFAULTS.withServerName(null), Routes.builder()
                .get("/hello", (req, res) -> {
                    List<String> names = new ArrayList<>();
                    for (int i = 0; i < req.headers().size(); i++) {
                        names.add(req.headers().name(i));
                    }
                    fieldsSeen.add(String.join(",", names));
                    res.send(HttpResponse.text("hello over " + req.version()));
                })
                .get("/hold", (req, res) -> held.add(res))
                .post("/echo", (req, res) -> res.send(HttpResponse.text(req.version() + " " + req.bodyText()
                        + (req.trailers().size() > 0 ? " trailer " + req.trailers().get("x-sum") : ""))))
                .post("/stream", HttpHandler.withBody(BodyPolicy.stream(1 << 20),
                        (req, res) -> res.send(HttpResponse.text("streamed over " + req.version()))))
                .build());
    }

    private HttpService service() {
        return http1Only().withPriorKnowledge(Http2Server.DEFAULTS);
    }

    /** An HTTP2-Settings value: the settings' payload in base64url without padding, as curl and the JDK send it. */
    private static String settings(byte[]... entries) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(Wire.concat(entries));
    }

    private static String offer(String method, String path, String settingsValue, String more) {
        return method + " " + path + " HTTP/1.1\r\nHost: example.com\r\nConnection: Upgrade, HTTP2-Settings\r\n"
                + "Upgrade: h2c\r\n" + (settingsValue == null ? "" : "HTTP2-Settings: " + settingsValue + "\r\n")
                + more + "\r\n";
    }

    private static String get(String path) {
        return offer("GET", path, settings(Wire.setting(Http2Settings.MAX_CONCURRENT_STREAMS, 100)), "");
    }

    /** Splits what the server wrote into the 101's head (checked) and the HTTP/2 bytes after it. */
    private static byte[] afterSwitching(byte[] written) {
        String text = new String(written, StandardCharsets.ISO_8859_1);
        assertTrue(text.startsWith(SWITCHING), "the 101 comes first: " + text);
        int end = text.indexOf("\r\n\r\n") + 4;
        String head = text.substring(0, end);
        assertTrue(head.contains("\r\nConnection: Upgrade\r\n"), head);
        assertTrue(head.contains("\r\nUpgrade: h2c\r\n"), head);
        assertFalse(head.contains("Content-Length"), "a 101 has no body: " + head);
        return Arrays.copyOfRange(written, end, written.length);
    }

    @Test
    void aGetIsAnswered101ThenSettingsThenOnStream1OverHttp2() {
        EmbeddedConnection conn = new EmbeddedConnection(service());
        conn.feed(get("/hello"));
        H2TestClient c = new H2TestClient(conn);
        List<Frame> got = c.frames(afterSwitching(conn.takeWritten()));
        assertEquals("SETTINGS", got.get(0).type(), "the server preface right after the 101: " + got);
        Frame head = only(got, "HEADERS");
        assertEquals(1, head.stream(), "the upgraded request is stream 1");
        assertEquals("200", head.fields().get(":status"));
        assertEquals("hello over HTTP/2", body(got, 1), "the same handler, seeing HTTP/2");
        assertTrue(got.get(got.size() - 1).end() && got.get(got.size() - 1).stream() == 1, "END_STREAM on stream 1");
        assertEquals("host", fieldsSeen.get(0), "connection-specific fields dropped, names lowercased as over HTTP/2");

        // The client's preface and SETTINGS come after the 101: acknowledged, and the connection goes on over HTTP/2.
        c.writer.preface();
        c.writer.settings(Http2Settings.DEFAULTS);
        c.writer.settingsAck();
        List<Frame> next = c.request(3, "GET", "/hello", true).read();
        only(next, "SETTINGS_ACK");
        assertEquals("hello over HTTP/2", body(next, 3));
    }

    @Test
    void theClientsHttp2SettingsAreItsInitialSettings() {
        EmbeddedConnection conn = new EmbeddedConnection(service());
        // SETTINGS_INITIAL_WINDOW_SIZE 5: stream 1's answer may carry 5 bytes until a WINDOW_UPDATE opens more.
        conn.feed(offer("GET", "/hello", settings(Wire.setting(Http2Settings.INITIAL_WINDOW_SIZE, 5)), ""));
        H2TestClient c = new H2TestClient(conn);
        List<Frame> got = c.frames(afterSwitching(conn.takeWritten()));
        assertEquals("hello", body(got, 1), "5 bytes: the window HTTP2-Settings set");
        c.writer.preface();
        c.writer.settings(Http2Settings.DEFAULTS.with(Http2Settings.INITIAL_WINDOW_SIZE, 5));
        c.writer.settingsAck();
        c.writer.windowUpdate(1, 100);
        assertEquals(" over HTTP/2", body(c.read(), 1), "the rest after the WINDOW_UPDATE");
    }

    @Test
    void thePrefaceSentWithTheRequestIsHandedToHttp2() {
        EmbeddedConnection conn = new EmbeddedConnection(service());
        conn.feed(Wire.concat(get("/hello").getBytes(StandardCharsets.US_ASCII), Wire.PREFACE, Wire.EMPTY_SETTINGS));
        H2TestClient c = new H2TestClient(conn);
        List<Frame> got = c.frames(afterSwitching(conn.takeWritten()));
        only(got, "SETTINGS_ACK"); // the client's SETTINGS, read with the request, reached HTTP/2
        assertEquals("hello over HTTP/2", body(got, 1));
    }

    @Test
    void anythingButThePrefaceAfterThe101IsAConnectionError() {
        EmbeddedConnection conn = new EmbeddedConnection(service());
        conn.feed(get("/hello"));
        H2TestClient c = new H2TestClient(conn);
        c.frames(afterSwitching(conn.takeWritten()));
        conn.feed("GET /hello HTTP/1.1\r\nHost: example.com\r\n\r\n");
        Frame goAway = only(c.frames(conn.takeWritten()), "GOAWAY");
        assertEquals(Http2Error.PROTOCOL_ERROR, goAway.error());
        assertEquals(1, goAway.stream(), "the last stream taken is the upgraded one");
        assertFalse(conn.isOpen());
    }

    @Test
    void aRequestPipelinedBeforeTheUpgradeIsAnsweredFirst() {
        EmbeddedConnection conn = new EmbeddedConnection(service());
        conn.feed("GET /hold HTTP/1.1\r\nHost: example.com\r\n\r\n" + get("/hello"));
        assertEquals(0, conn.takeWritten().length, "the 101 waits for the answer before it");
        held.get(0).send(HttpResponse.text("first"));
        conn.runPending();
        byte[] written = conn.takeWritten();
        String text = new String(written, StandardCharsets.ISO_8859_1);
        assertTrue(text.startsWith("HTTP/1.1 200 OK\r\n"), text);
        int switching = text.indexOf(SWITCHING);
        assertTrue(switching > 0 && text.substring(0, switching).endsWith("first"), "the 200, then the 101: " + text);
        H2TestClient c = new H2TestClient(conn);
        List<Frame> got = c.frames(afterSwitching(Arrays.copyOfRange(written, switching, written.length)));
        assertEquals("hello over HTTP/2", body(got, 1));
    }

    @Test
    void aGracefulCloseBeforeThe101LeavesRefusesTheUpgrade() {
        EmbeddedConnection conn = new EmbeddedConnection(service());
        conn.feed("GET /hold HTTP/1.1\r\nHost: example.com\r\n\r\n" + get("/hello"));
        conn.pipeline().fireUserEvent(GracefulClose.INSTANCE);
        held.get(0).send(HttpResponse.text("first"));
        conn.runPending();
        String text = conn.takeWrittenString();
        assertTrue(text.startsWith("HTTP/1.1 200 OK\r\n"), text);
        assertFalse(text.contains(SWITCHING), "no 101 on a closing connection: " + text);
        assertTrue(text.contains("HTTP/1.1 503 ") && text.contains("Connection: close"), text);
        assertFalse(conn.isOpen());
    }

    @Test
    void aBodyIsReadWholeThenServedOnStream1() {
        EmbeddedConnection conn = new EmbeddedConnection(service());
        String request = offer("POST", "/echo", settings(), "Content-Length: 11\r\n") + "hello world";
        for (int i = 0; i < request.length(); i++) { // one byte at a time: the 101 only once the body is whole
            assertEquals(0, conn.takeWritten().length, "nothing before the body is whole, at byte " + i);
            conn.feed(request.substring(i, i + 1));
        }
        H2TestClient c = new H2TestClient(conn);
        List<Frame> got = c.frames(afterSwitching(conn.takeWritten()));
        assertEquals("HTTP/2 hello world", body(got, 1));
        assertEquals(0, conn.connection().budget().used(), "the body's memory went back with the answer");
    }

    @Test
    void aChunkedBodyWithTrailersIsServedOnStream1() {
        EmbeddedConnection conn = new EmbeddedConnection(service());
        conn.feed(offer("POST", "/echo", settings(), "Transfer-Encoding: chunked\r\n")
                + "5\r\nhello\r\n6\r\n world\r\n0\r\nX-Sum: 11\r\n\r\n");
        H2TestClient c = new H2TestClient(conn);
        assertEquals("HTTP/2 hello world trailer 11", body(c.frames(afterSwitching(conn.takeWritten())), 1));
    }

    static Stream<Arguments> ignoredOffers() {
        String valid = settings(Wire.setting(Http2Settings.MAX_CONCURRENT_STREAMS, 100));
        String base = "GET /hello HTTP/1.1\r\nHost: example.com\r\n";
        return Stream.of(
                Arguments.of("no HTTP2-Settings", offer("GET", "/hello", null, "")),
                Arguments.of("two HTTP2-Settings", offer("GET", "/hello", valid, "HTTP2-Settings: " + valid + "\r\n")),
                Arguments.of("not base64url", offer("GET", "/hello", "AAMAAABk+/", "")),
                Arguments.of("not whole settings", offer("GET", "/hello", "AAMA", "")),
                Arguments.of("SETTINGS_ENABLE_PUSH 2", offer("GET", "/hello", settings(Wire.setting(
                        Http2Settings.ENABLE_PUSH, 2)), "")),
                Arguments.of("SETTINGS_INITIAL_WINDOW_SIZE 2^31", offer("GET", "/hello", settings(Wire.setting(
                        Http2Settings.INITIAL_WINDOW_SIZE, 1L << 31)), "")),
                Arguments.of("HTTP2-Settings not named in Connection", base
                        + "Connection: Upgrade\r\nUpgrade: h2c\r\nHTTP2-Settings: " + valid + "\r\n\r\n"),
                Arguments.of("Upgrade: websocket, h2c", base + "Connection: Upgrade, HTTP2-Settings\r\n"
                        + "Upgrade: websocket, h2c\r\nHTTP2-Settings: " + valid + "\r\n\r\n"),
                Arguments.of("Upgrade: h2", base + "Connection: Upgrade, HTTP2-Settings\r\nUpgrade: h2\r\n"
                        + "HTTP2-Settings: " + valid + "\r\n\r\n"),
                Arguments.of("HTTP/1.0", "GET /hello HTTP/1.0\r\nHost: example.com\r\nConnection: Upgrade, "
                        + "HTTP2-Settings\r\nUpgrade: h2c\r\nHTTP2-Settings: " + valid + "\r\n\r\n"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("ignoredOffers")
    void anInvalidOfferIsIgnoredAndTheRequestServedOverHttp1(String why, String request) {
        EmbeddedConnection conn = new EmbeddedConnection(service());
        conn.feed(request);
        String answer = conn.takeWrittenString();
        assertTrue(answer.startsWith("HTTP/1.1 200"), why + ": no 101, " + answer);
        assertTrue(answer.endsWith("hello over " + (request.contains("HTTP/1.0") ? "HTTP/1.0" : "HTTP/1.1")),
                why + ": " + answer);
        if (conn.isOpen()) {
            conn.feed("GET /hello HTTP/1.1\r\nHost: example.com\r\n\r\n");
            assertTrue(conn.takeWrittenString().endsWith("hello over HTTP/1.1"), why + ": still HTTP/1");
        }
    }

    @Test
    void withoutHttp2TheOfferIsIgnored() {
        EmbeddedConnection conn = new EmbeddedConnection(http1Only());
        conn.feed(get("/hello"));
        String answer = conn.takeWrittenString();
        assertTrue(answer.startsWith("HTTP/1.1 200") && answer.endsWith("hello over HTTP/1.1"), answer);
    }

    @Test
    void overTlsTheOfferIsIgnored() {
        for (String alpn : new String[] {"http/1.1", null}) {
            EmbeddedConnection conn = new EmbeddedConnection(service());
            conn.pipeline().fireUserEvent(new TlsHandshakeCompleted("TLSv1.3", "TLS_AES_128_GCM_SHA256", alpn, "localhost"));
            conn.feed(get("/hello"));
            String answer = conn.takeWrittenString();
            assertTrue(answer.startsWith("HTTP/1.1 200") && answer.endsWith("hello over HTTP/1.1"),
                    "ALPN " + alpn + ": " + answer);
        }
    }

    @Test
    void aRouteThatStreamsRequestBodiesIsServedOverHttp1() {
        EmbeddedConnection conn = new EmbeddedConnection(service());
        conn.feed(offer("POST", "/stream", settings(), "Content-Length: 2\r\n") + "ab");
        String answer = conn.takeWrittenString();
        assertTrue(answer.startsWith("HTTP/1.1 200") && answer.endsWith("streamed over HTTP/1.1"), answer);
    }

    @Test
    void aBodyOverTheRoutesLimitIsRefusedOverHttp1() {
        EmbeddedConnection conn = new EmbeddedConnection(service());
        conn.feed(offer("POST", "/echo", settings(), "Content-Length: " + (HttpConfig.DEFAULTS.maxBody() + 1) + "\r\n"));
        String answer = conn.takeWrittenString();
        assertTrue(answer.startsWith("HTTP/1.1 413"), "refused as any request, no 101: " + answer);
    }
}
