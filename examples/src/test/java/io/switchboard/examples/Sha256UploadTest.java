package io.switchboard.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.http.HttpConfig;
import io.switchboard.http.HttpService;
import io.switchboard.http.Routes;
import io.switchboard.testing.EmbeddedConnection;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/** {@code PUT /upload} in memory: the digest of bodies of every framing, fed in pieces, and a body cut short. */
class Sha256UploadTest {
    private final EmbeddedConnection c = new EmbeddedConnection(
            new HttpService(HttpConfig.DEFAULTS, Routes.builder().put("/upload", new Sha256Upload()).build()));

    private static String sha256(byte[] bytes) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    }

    private String answer() {
        String raw = c.takeWrittenString();
        assertTrue(raw.startsWith("HTTP/1.1 200 OK\r\n"), raw);
        assertTrue(raw.contains("Content-Type: application/json\r\n"), raw);
        return raw.substring(raw.indexOf("\r\n\r\n") + 4);
    }

    @Test
    void aBodyLargerThanTheConnectionsWindowIsDigestedAsItArrives() throws Exception {
        byte[] body = new byte[1024 * 1024 + 17]; // 16 windows of 64 KiB and a bit
        for (int i = 0; i < body.length; i++) {
            body[i] = (byte) (i * 7 + (i >>> 9));
        }
        c.feed("PUT /upload HTTP/1.1\r\nHost: t\r\nContent-Length: " + body.length + "\r\n\r\n");
        for (int at = 0; at < body.length; at += 10_000) {
            c.feed(body, at, Math.min(10_000, body.length - at));
            c.runPending(); // the loop's tasks: the handler's demand callbacks
        }
        c.runPending();
        assertEquals("{\"bytes\":" + body.length + ",\"sha256\":\"" + sha256(body) + "\"}", answer());
    }

    @Test
    void chunkedAndEmptyBodiesToo() throws Exception {
        c.feed("PUT /upload HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n");
        c.runPending();
        assertEquals("{\"bytes\":11,\"sha256\":\"" + sha256("hello world".getBytes(StandardCharsets.US_ASCII)) + "\"}", answer());
        c.feed("PUT /upload HTTP/1.1\r\nHost: t\r\nContent-Length: 0\r\n\r\n");
        c.runPending();
        assertEquals("{\"bytes\":0,\"sha256\":\"" + sha256(new byte[0]) + "\"}", answer());
        assertFalse(c.isClosed());
    }

    @Test
    void aBodyCutShortIsNotAnswered() {
        c.feed("PUT /upload HTTP/1.1\r\nHost: t\r\nContent-Length: 100\r\n\r\nonly this");
        c.runPending();
        c.finishInput();
        c.runPending();
        assertEquals("", c.takeWrittenString(), "no digest for a body that did not all arrive");
    }
}
