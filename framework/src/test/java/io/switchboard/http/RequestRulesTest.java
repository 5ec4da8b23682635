package io.switchboard.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.testing.EmbeddedConnection;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Each malformed request gets its status, Connection: close, and a close; valid edge cases pass. */
class RequestRulesTest {

    static Stream<Arguments> refused() {
        String big = "x".repeat(9000);
        StringBuilder manyHeaders = new StringBuilder("GET / HTTP/1.1\r\nHost: a\r\n");
        for (int i = 0; i < 100; i++) {
            manyHeaders.append("X-").append(i).append(": v\r\n");
        }
        return Stream.of(
                Arguments.of("bare LF line end", "GET / HTTP/1.1\nHost: a\r\n\r\n", 400),
                Arguments.of("bare CR in request line", "GET /\r HTTP/1.1\r\nHost: a\r\n\r\n", 400),
                Arguments.of("NUL in a header value", "GET / HTTP/1.1\r\nHost: a\r\nX: a\0b\r\n\r\n", 400),
                Arguments.of("control character in a value", "GET / HTTP/1.1\r\nHost: a\r\nX: a\u0001b\r\n\r\n", 400),
                Arguments.of("bare CR in a value", "GET / HTTP/1.1\r\nHost: a\r\nX: a\rb\r\n\r\n", 400),
                Arguments.of("lowercase version", "GET / http/1.1\r\nHost: a\r\n\r\n", 400),
                Arguments.of("HTTP/2.0", "GET / HTTP/2.0\r\nHost: a\r\n\r\n", 505),
                Arguments.of("HTTP/3.0", "GET / HTTP/3.0\r\nHost: a\r\n\r\n", 505),
                Arguments.of("HTTP/0.9 version", "GET / HTTP/0.9\r\nHost: a\r\n\r\n", 400),
                Arguments.of("two-digit minor", "GET / HTTP/1.10\r\nHost: a\r\n\r\n", 400),
                Arguments.of("HTTP/0.9 request", "GET /\r\n\r\n", 400),
                Arguments.of("two empty lines first", "\r\n\r\nGET / HTTP/1.1\r\nHost: a\r\n\r\n", 400),
                Arguments.of("double space", "GET  / HTTP/1.1\r\nHost: a\r\n\r\n", 400),
                Arguments.of("space in target", "GET /a b HTTP/1.1\r\nHost: a\r\n\r\n", 400),
                Arguments.of("invalid method", "GE(T / HTTP/1.1\r\nHost: a\r\n\r\n", 400),
                Arguments.of("non-ASCII target", "GET /\u00e9 HTTP/1.1\r\nHost: a\r\n\r\n", 400),
                Arguments.of("asterisk for GET", "GET * HTTP/1.1\r\nHost: a\r\n\r\n", 400),
                Arguments.of("relative target", "GET a/b HTTP/1.1\r\nHost: a\r\n\r\n", 400),
                Arguments.of("CONNECT", "CONNECT a:443 HTTP/1.1\r\nHost: a\r\n\r\n", 501),
                Arguments.of("space before colon", "GET / HTTP/1.1\r\nHost : a\r\n\r\n", 400),
                Arguments.of("fold at the start of the block", "GET / HTTP/1.1\r\n X: a\r\nHost: a\r\n\r\n", 400),
                Arguments.of("obs-fold continuation", "GET / HTTP/1.1\r\nHost: a\r\nX: a\r\n b\r\n\r\n", 400),
                Arguments.of("empty header name", "GET / HTTP/1.1\r\nHost: a\r\n: v\r\n\r\n", 400),
                Arguments.of("no colon", "GET / HTTP/1.1\r\nHost: a\r\nnocolon\r\n\r\n", 400),
                Arguments.of("HTTP/1.1 without Host", "GET / HTTP/1.1\r\nX: a\r\n\r\n", 400),
                Arguments.of("two Hosts", "GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n", 400),
                Arguments.of("Host list", "GET / HTTP/1.1\r\nHost: a, b\r\n\r\n", 400),
                Arguments.of("Host twice in 1.0", "GET / HTTP/1.0\r\nHost: a\r\nHost: a\r\n\r\n", 400),
                Arguments.of("signed Content-Length", "POST /echo HTTP/1.1\r\nHost: a\r\nContent-Length: +5\r\n\r\nhello", 400),
                Arguments.of("negative Content-Length", "POST /echo HTTP/1.1\r\nHost: a\r\nContent-Length: -1\r\n\r\n", 400),
                Arguments.of("hex Content-Length", "POST /echo HTTP/1.1\r\nHost: a\r\nContent-Length: 0x5\r\n\r\nhello", 400),
                Arguments.of("Content-Length with inner space", "POST /echo HTTP/1.1\r\nHost: a\r\nContent-Length: 1 2\r\n\r\n", 400),
                Arguments.of("conflicting Content-Lengths", "POST /echo HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\nhello!", 400),
                Arguments.of("conflicting Content-Length list", "POST /echo HTTP/1.1\r\nHost: a\r\nContent-Length: 5, 6\r\n\r\nhello!", 400),
                Arguments.of("Content-Length overflow", "POST /echo HTTP/1.1\r\nHost: a\r\nContent-Length: 99999999999999999999999\r\n\r\n", 413),
                Arguments.of("body over the limit", "POST /echo HTTP/1.1\r\nHost: a\r\nContent-Length: 8388609\r\n\r\n", 413),
                Arguments.of("gzip transfer coding", "POST /echo HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: gzip\r\n\r\n", 501),
                Arguments.of("chunked not last", "POST /echo HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked, gzip\r\n\r\n", 400),
                Arguments.of("gzip then chunked", "POST /echo HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: gzip, chunked\r\n\r\n", 501),
                Arguments.of("chunked twice", "POST /echo HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n", 400),
                Arguments.of("TE and CL", "POST /echo HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\nContent-Length: 5\r\n\r\n0\r\n\r\n", 400),
                Arguments.of("TE in HTTP/1.0", "POST /echo HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", 400),
                Arguments.of("signed chunk size", "POST /echo HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n+5\r\nhello\r\n0\r\n\r\n", 400),
                Arguments.of("0x chunk size", "POST /echo HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n0x5\r\nhello\r\n0\r\n\r\n", 400),
                Arguments.of("space before chunk size", "POST /echo HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n 5\r\nhello\r\n0\r\n\r\n", 400),
                Arguments.of("space after chunk size", "POST /echo HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n5 \r\nhello\r\n0\r\n\r\n", 400),
                Arguments.of("empty chunk extension", "POST /echo HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n5;\r\nhello\r\n0\r\n\r\n", 400),
                Arguments.of("chunk without CRLF", "POST /echo HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhelloXX0\r\n\r\n", 400),
                Arguments.of("chunk size overflow", "POST /echo HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\nffffffffffffffffff\r\n", 413),
                Arguments.of("chunked body over the limit", "POST /echo HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n800001\r\n", 413),
                Arguments.of("folded trailer", "POST /echo HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n0\r\nX: a\r\n b\r\n\r\n", 400),
                Arguments.of("request line too long", "GET /" + big + " HTTP/1.1\r\nHost: a\r\n\r\n", 414),
                Arguments.of("request line too long, unfinished", "GET /" + big, 414),
                Arguments.of("header section too large", "GET / HTTP/1.1\r\nHost: a\r\nX: " + big + big + "\r\n\r\n", 431),
                Arguments.of("too many header fields", manyHeaders + "\r\n", 431),
                Arguments.of("unknown expectation", "GET / HTTP/1.1\r\nHost: a\r\nExpect: teapot\r\n\r\n", 417));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("refused")
    void refusedWithStatusAndClose(String name, String request, int status) {
        EmbeddedConnection c = new HttpTestSupport().connection();
        c.feed(request.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
        List<Responses.Response> responses = Responses.parse(c.takeWritten());
        assertEquals(1, responses.size(), name);
        assertEquals(status, responses.get(0).status(), name + ": " + responses.get(0).text());
        assertEquals("close", responses.get(0).header("Connection"));
        assertTrue(c.isClosed(), "closed after " + name);
    }

    static Stream<Arguments> accepted() {
        return Stream.of(
                Arguments.of("one empty line first", "\r\nGET /plaintext HTTP/1.1\r\nHost: a\r\n\r\n", 200),
                Arguments.of("HTTP/1.2 read as 1.1", "GET /plaintext HTTP/1.2\r\nHost: a\r\n\r\n", 200),
                Arguments.of("HTTP/1.0 without Host", "GET /plaintext HTTP/1.0\r\nConnection: keep-alive\r\n\r\n", 200),
                Arguments.of("8000-byte target", "GET /plaintext?" + "q".repeat(8000) + " HTTP/1.1\r\nHost: a\r\n\r\n", 200),
                Arguments.of("equal Content-Length list", "POST /echo HTTP/1.1\r\nHost: a\r\nContent-Length: 5, 5\r\n\r\nhello", 200),
                Arguments.of("repeated equal Content-Length", "POST /echo HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\nContent-Length: 5\r\n\r\nhello", 200),
                Arguments.of("OWS around a value", "GET /plaintext HTTP/1.1\r\nHost: \t a \t\r\n\r\n", 200),
                Arguments.of("empty Host", "GET /plaintext HTTP/1.1\r\nHost:\r\n\r\n", 200),
                Arguments.of("absolute-form target", "GET http://a/plaintext?x=1 HTTP/1.1\r\nHost: a\r\n\r\n", 200),
                Arguments.of("chunk extensions", "POST /echo HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n5;a=b;c=\"d e\" ; f\r\nhello\r\n0\r\n\r\n", 200),
                Arguments.of("uppercase chunk size", "POST /echo HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: Chunked\r\n\r\nA\r\n0123456789\r\n0\r\n\r\n", 200),
                Arguments.of("unknown method on a known path", "PURGE /plaintext HTTP/1.1\r\nHost: a\r\n\r\n", 405),
                Arguments.of("OPTIONS *", "OPTIONS * HTTP/1.1\r\nHost: a\r\n\r\n", 200),
                Arguments.of("obs-text in a value", "GET /plaintext HTTP/1.1\r\nHost: a\r\nX: caf\u00e9\r\n\r\n", 200));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("accepted")
    void acceptedAndKeptOpen(String name, String request, int status) {
        EmbeddedConnection c = new HttpTestSupport().connection();
        c.feed(request.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
        List<Responses.Response> responses = Responses.parse(c.takeWritten());
        assertEquals(1, responses.size(), name);
        assertEquals(status, responses.get(0).status(), name + ": " + responses.get(0).text());
        assertFalse(c.isClosed(), name);
    }

    @Test
    void nothingAfterAMalformedRequestIsAnswered() {
        EmbeddedConnection c = new HttpTestSupport().connection();
        c.feed(HttpTestSupport.get("/plaintext") + "BAD REQUEST\r\n\r\n" + HttpTestSupport.get("/plaintext"));
        List<Responses.Response> responses = Responses.parse(c.takeWritten());
        assertEquals(List.of(200, 400), responses.stream().map(Responses.Response::status).toList());
        assertTrue(c.isClosed());
    }

    @Test
    void chunkedBodyAndTrailersReachTheHandler() {
        HttpTestSupport http = new HttpTestSupport();
        EmbeddedConnection c = http.connection();
        c.feed("POST /echo HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n"
                + "5\r\nhello\r\n6;x=y\r\n world\r\n0\r\nChecksum: abc\r\n\r\n");
        HttpRequest req = http.seen.get(0);
        assertEquals("hello world", req.bodyText());
        assertEquals("abc", req.trailers().get("checksum"));
        assertEquals("hello world", Responses.parse(c.takeWritten()).get(0).text());
    }

    @Test
    void requestPartsAreParsed() {
        HttpTestSupport http = new HttpTestSupport();
        EmbeddedConnection c = http.connection();
        c.feed("GET /plaintext?name=J%C3%BCrgen&x=a+b&x=2&flag HTTP/1.1\r\nhost: example\r\nX-Multi: 1\r\nx-multi: 2\r\n\r\n");
        HttpRequest req = http.seen.get(0);
        assertEquals("GET", req.method());
        assertEquals("/plaintext", req.path());
        assertEquals("Jürgen", req.queryParam("name"));
        assertEquals(List.of("a b", "2"), req.queryParams().get("x"));
        assertEquals("", req.queryParam("flag"));
        assertEquals("example", req.header("HOST"));
        assertEquals(List.of("1", "2"), req.headers().getAll("X-MULTI"));
        assertEquals(HttpVersion.HTTP_1_1, req.version());
        assertTrue(req.keepAlive());
    }
}
