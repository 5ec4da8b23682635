package io.switchboard.http2;

import static io.switchboard.http2.H2TestClient.body;
import static io.switchboard.http2.H2TestClient.only;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.http.HttpConfig;
import io.switchboard.http.HttpResponse;
import io.switchboard.http.HttpService;
import io.switchboard.http.Routes;
import io.switchboard.testing.EmbeddedConnection;
import io.switchboard.tls.TlsHandshakeCompleted;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * HTTP/2 chosen by ALPN, without sockets: the TLS stage's {@link TlsHandshakeCompleted} event (fired here by hand,
 * as the TLS stage fires it before any decrypted byte) hands the connection to HTTP/2 when it names {@code h2}, and
 * leaves it HTTP/1 otherwise. {@link Http2TlsLoopbackTest} runs the same over real TLS with real clients.
 */
class Http2AlpnTest {
    private static final byte[] PREFACE = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII);

    private static HttpService http1Only() {
        return new HttpService(HttpConfig.DEFAULTS, Routes.builder()
                .get("/hello", (req, res) -> res.send(HttpResponse.text("hello over " + req.version())))
                .build());
    }

    private static HttpService service() {
        return http1Only().withPriorKnowledge(Http2Server.DEFAULTS);
    }

    private static EmbeddedConnection negotiated(HttpService service, String alpn) {
        EmbeddedConnection conn = new EmbeddedConnection(service);
        conn.pipeline().fireUserEvent(new TlsHandshakeCompleted("TLSv1.3", "TLS_AES_128_GCM_SHA256", alpn, "localhost"));
        return conn;
    }

    @Test
    void h2SwitchesTheConnectionBeforeItsFirstByte() {
        EmbeddedConnection conn = negotiated(service(), "h2");
        assertTrue(conn.pipeline().get(Http2Connection.class) != null, "HTTP/2 took the connection at the event");
        H2TestClient c = new H2TestClient(conn);
        List<H2TestClient.Frame> first = c.start();
        assertEquals("SETTINGS", first.get(0).type(), "the server's SETTINGS first: " + first);
        assertEquals(1, H2TestClient.of(first, "SETTINGS_ACK").size(), "and the ACK of ours: " + first);
        List<H2TestClient.Frame> got = c.request(1, "GET", "/hello", true).read();
        assertEquals("hello over HTTP/2", body(got, 1));
        assertTrue(conn.events().stream().anyMatch(e -> e instanceof TlsHandshakeCompleted),
                "the event still reaches the handlers after the HTTP stage: " + conn.events());
    }

    @Test
    void h2WithoutThePrefaceIsAProtocolError() {
        EmbeddedConnection conn = negotiated(service(), "h2");
        H2TestClient c = new H2TestClient(conn);
        c.raw("GET /hello HTTP/1.1\r\nHost: a\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        H2TestClient.Frame away = only(c.read(), "GOAWAY");
        assertEquals(Http2Error.PROTOCOL_ERROR, away.error(), "an HTTP/1 request after h2 was agreed");
        assertTrue(conn.isClosed(), "closed after the GOAWAY");
    }

    @Test
    void http11OrNoAlpnStaysHttp1() {
        for (String alpn : new String[] {"http/1.1", null}) {
            EmbeddedConnection conn = negotiated(service(), alpn);
            conn.feed("GET /hello HTTP/1.1\r\nHost: a\r\n\r\n");
            String answer = conn.takeWrittenString();
            assertTrue(answer.startsWith("HTTP/1.1 200"), alpn + ": " + answer);
            assertTrue(answer.endsWith("hello over HTTP/1.1"), alpn + ": " + answer);
        }
    }

    @Test
    void overTlsThePrefaceIsNotLookedForUnlessAlpnChoseH2() {
        for (String alpn : new String[] {"http/1.1", null}) {
            EmbeddedConnection conn = negotiated(service(), alpn);
            conn.feed(PREFACE);
            String answer = conn.takeWrittenString();
            assertTrue(answer.startsWith("HTTP/1.1 "), alpn + ": an HTTP/1 refusal, not SETTINGS (RFC 9113 section 3.3): "
                    + answer);
            assertFalse(answer.startsWith("HTTP/1.1 2"), alpn + ": " + answer);
        }
    }

    @Test
    void aServiceWithoutHttp2StaysHttp1WhateverAlpnSays() {
        EmbeddedConnection conn = negotiated(http1Only(), "h2");
        conn.feed("GET /hello HTTP/1.1\r\nHost: a\r\n\r\n");
        assertTrue(conn.takeWrittenString().endsWith("hello over HTTP/1.1"));
    }

    @Test
    void theServerNamesH2AsItsAlpnProtocol() {
        assertEquals("h2", Http2Server.DEFAULTS.applicationProtocol());
        assertEquals(Http2Server.ALPN, Http2Server.of(Http2Limits.DEFAULTS).applicationProtocol());
    }
}
