package io.switchboard.http2;

import static io.switchboard.http2.H2TestClient.only;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.http.HttpConfig;
import io.switchboard.http.HttpResponder;
import io.switchboard.http.HttpResponse;
import io.switchboard.http.HttpService;
import io.switchboard.http.Routes;
import io.switchboard.http2.H2TestClient.Frame;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/**
 * The request rules of RFC 9113 section 8, as strict as the HTTP/1 parser: a malformed request is a stream error
 * {@code PROTOCOL_ERROR} (the connection goes on and answers the next stream), and the stream-state rules of
 * section 5.1 end the connection where the RFC says so.
 */
class Http2StrictnessTest {
    private final AtomicInteger handled = new AtomicInteger();
    private final AtomicReference<HttpResponder> held = new AtomicReference<>();

    private HttpService service() {
        return new HttpService(HttpConfig.DEFAULTS, Routes.builder()
                .get("/", (req, res) -> {
                    handled.incrementAndGet();
                    res.send(HttpResponse.text("ok"));
                })
                .post("/", (req, res) -> {
                    handled.incrementAndGet();
                    res.send(HttpResponse.text(req.bodyText() + req.trailers()));
                })
                .get("/hold", (req, res) -> held.set(res))
                .build());
    }

    private H2TestClient started() {
        H2TestClient c = new H2TestClient(service());
        c.start();
        return c;
    }

    /** Sends stream 1 with these fields, expects RST_STREAM PROTOCOL_ERROR and the handler not called, then a good stream 3. */
    private void refusedOnItsStream(String... fields) {
        H2TestClient c = started();
        List<Frame> got = c.headers(1, true, fields).read();
        Frame rst = only(got, "RST_STREAM");
        assertEquals(1, rst.stream());
        assertEquals(Http2Error.PROTOCOL_ERROR, rst.error(), "a malformed request is a stream error: " + got);
        assertEquals(0, handled.get(), "the handler never sees it");
        got = c.request(3, "GET", "/", true).read();
        assertEquals("200", only(got, "HEADERS").fields().get(":status"), "the connection goes on");
    }

    private static String[] base(String... extra) {
        String[] pseudo = {":method", "GET", ":scheme", "http", ":path", "/", ":authority", "a.example"};
        String[] all = new String[pseudo.length + extra.length];
        System.arraycopy(pseudo, 0, all, 0, pseudo.length);
        System.arraycopy(extra, 0, all, pseudo.length, extra.length);
        return all;
    }

    @Test
    void aWellFormedRequestIsHandled() {
        H2TestClient c = started();
        assertEquals("200", only(c.headers(1, true, base("te", "trailers")).read(), "HEADERS").fields().get(":status"),
                "te: trailers is the one te allowed");
        assertEquals(1, handled.get());
    }

    @Test
    void anUppercaseNameIsRefused() {
        H2TestClient c = started();
        List<Frame> got = c.headersWithLiteral(1, true, "X-Upper", "1", base()).read();
        assertEquals(Http2Error.PROTOCOL_ERROR, only(got, "RST_STREAM").error(), got.toString());
        assertEquals(0, handled.get());
    }

    @ParameterizedTest
    @ValueSource(strings = {"connection", "keep-alive", "proxy-connection", "transfer-encoding", "upgrade"})
    void connectionSpecificFieldsAreRefused(String name) {
        refusedOnItsStream(base(name, "x"));
    }

    @Test
    void teOtherThanTrailersIsRefused() {
        refusedOnItsStream(base("te", "gzip"));
    }

    @Test
    void missingPseudoFieldsAreRefused() {
        refusedOnItsStream(":method", "GET", ":scheme", "http", ":authority", "a");
    }

    @Test
    void aMissingMethodIsRefused() {
        refusedOnItsStream(":scheme", "http", ":path", "/", ":authority", "a");
    }

    @Test
    void aMissingSchemeIsRefused() {
        refusedOnItsStream(":method", "GET", ":path", "/", ":authority", "a");
    }

    @Test
    void aPseudoFieldAfterARegularFieldIsRefused() {
        refusedOnItsStream(":method", "GET", ":scheme", "http", "accept", "*/*", ":path", "/", ":authority", "a");
    }

    @Test
    void aRepeatedPseudoFieldIsRefused() {
        refusedOnItsStream(":method", "GET", ":method", "GET", ":scheme", "http", ":path", "/", ":authority", "a");
    }

    @Test
    void anUnknownPseudoFieldIsRefused() {
        refusedOnItsStream(":method", "GET", ":scheme", "http", ":path", "/", ":authority", "a", ":status", "200");
    }

    @Test
    void aPathThatIsNotAbsoluteIsRefused() {
        refusedOnItsStream(":method", "GET", ":scheme", "http", ":path", "x", ":authority", "a");
    }

    @Test
    void aHostThatDisagreesWithAuthorityIsRefused() {
        refusedOnItsStream(base("host", "b.example"));
    }

    @Test
    void aValueWithALineBreakIsRefused() {
        refusedOnItsStream(base("x-a", "1\r\nx-b: 2"));
    }

    @Test
    void aContentLengthThatIsNotANumberIsRefused() {
        refusedOnItsStream(base("content-length", "12a"));
    }

    @Test
    void dataShorterThanContentLengthIsAStreamError() {
        H2TestClient c = started();
        c.request(1, "POST", "/", false, "content-length", "5").data(1, "abc".getBytes(), true);
        Frame rst = only(c.read(), "RST_STREAM");
        assertEquals(Http2Error.PROTOCOL_ERROR, rst.error());
        assertEquals(0, handled.get());
    }

    @Test
    void dataLongerThanContentLengthIsAStreamError() {
        H2TestClient c = started();
        c.request(1, "POST", "/", false, "content-length", "2").data(1, "abc".getBytes(), false);
        assertEquals(Http2Error.PROTOCOL_ERROR, only(c.read(), "RST_STREAM").error());
        assertEquals(0, handled.get());
    }

    @Test
    void trailersAreTakenAndPseudoFieldsInThemRefused() {
        H2TestClient c = started();
        c.request(1, "POST", "/", false).data(1, "body".getBytes(), false).headers(1, true, "x-sum", "42");
        List<Frame> got = c.read();
        assertTrue(H2TestClient.body(got, 1).startsWith("body"), got.toString());
        assertTrue(H2TestClient.body(got, 1).contains("x-sum"), "the trailers reach the handler");
        c.request(3, "POST", "/", false).data(3, "body".getBytes(), false).headers(3, true, ":path", "/");
        assertEquals(Http2Error.PROTOCOL_ERROR, only(c.read(), "RST_STREAM").error());
    }

    @Test
    void aSecondHeaderBlockWithoutEndStreamIsRefused() {
        H2TestClient c = started();
        c.request(1, "POST", "/", false).headers(1, false, "x-a", "1");
        assertEquals(Http2Error.PROTOCOL_ERROR, only(c.read(), "RST_STREAM").error());
    }

    @Test
    void dataAfterEndStreamIsAStreamErrorStreamClosed() {
        H2TestClient c = started();
        c.request(1, "GET", "/hold", true).data(1, "x".getBytes(), true);
        Frame rst = only(c.read(), "RST_STREAM");
        assertEquals(Http2Error.STREAM_CLOSED, rst.error(), "half-closed (remote): section 5.1");
    }

    @Test
    void aHeaderListOverTheLimitIsAnswered431() {
        H2TestClient c = started();
        List<Frame> got = c.request(1, "GET", "/", true, "x-big", "v".repeat(17_000)).read();
        assertEquals("431", only(got, "HEADERS").fields().get(":status"), "over the 16 KiB header list");
        assertEquals("200", only(c.request(3, "GET", "/", true).read(), "HEADERS").fields().get(":status"),
                "HPACK stays in step: the next stream decodes");
    }

    @Test
    void headersOnAnEvenStreamEndTheConnection() {
        connectionError(c -> c.request(2, "GET", "/", true), Http2Error.PROTOCOL_ERROR);
    }

    @Test
    void dataOnAnIdleStreamEndsTheConnection() {
        connectionError(c -> c.data(7, "x".getBytes(), true), Http2Error.PROTOCOL_ERROR);
    }

    @Test
    void aDecreasingStreamIdEndsTheConnection() {
        connectionError(c -> c.request(5, "GET", "/", true).request(3, "GET", "/", true), Http2Error.PROTOCOL_ERROR);
    }

    @Test
    void headersOnAStreamBothSidesEndedEndTheConnection() {
        connectionError(c -> c.request(1, "GET", "/", true).request(1, "GET", "/", true), Http2Error.STREAM_CLOSED);
    }

    @Test
    void dataOnAStreamBothSidesEndedEndsTheConnection() {
        connectionError(c -> c.request(1, "GET", "/", true).data(1, "x".getBytes(), true), Http2Error.STREAM_CLOSED);
    }

    @Test
    void framesOnAStreamTheServerResetAreDropped() {
        H2TestClient c = started();
        c.headersWithLiteral(1, false, "X-Upper", "1", base());
        assertEquals(Http2Error.PROTOCOL_ERROR, only(c.read(), "RST_STREAM").error());
        c.data(1, new byte[100], true);
        assertTrue(c.read().isEmpty(), "DATA in flight on a stream the server reset is dropped");
        assertTrue(c.conn.isOpen());
    }

    @Test
    void aWindowUpdateOnAnIdleStreamEndsTheConnection() {
        connectionError(c -> c.writer.windowUpdate(9, 100), Http2Error.PROTOCOL_ERROR);
    }

    @Test
    void dataPastTheConnectionWindowIsAFlowControlError() {
        HttpService s = new HttpService(HttpConfig.DEFAULTS, Routes.builder().post("/", (req, res) -> { }).build())
                .withPriorKnowledge(Http2Server.of(Http2Limits.DEFAULTS.withWindows(65_535, 0)));
        H2TestClient c = new H2TestClient(s);
        c.start();
        c.request(1, "POST", "/", false).data(1, new byte[65_535], false).read();
        c.data(1, new byte[1], false);
        Frame away = only(c.read(), "GOAWAY");
        assertEquals(Http2Error.FLOW_CONTROL_ERROR, away.error(),
                "no bodies may be buffered (maxBufferedBodies 0): the window is not replenished");
    }

    private void connectionError(java.util.function.Consumer<H2TestClient> frames, Http2Error expected) {
        H2TestClient c = started();
        frames.accept(c);
        List<Frame> got = c.read();
        Frame away = only(got, "GOAWAY");
        assertEquals(expected, away.error(), got.toString());
        assertTrue(c.conn.isClosed());
    }
}
