package io.switchboard.http2;

import static io.switchboard.http2.H2TestClient.of;
import static io.switchboard.http2.H2TestClient.only;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.http.CompressionOptions;
import io.switchboard.http.HttpConfig;
import io.switchboard.http.HttpResponse;
import io.switchboard.http.HttpService;
import io.switchboard.http.ResponseStream;
import io.switchboard.http.Routes;
import io.switchboard.http2.H2TestClient.Frame;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;
import java.util.zip.InflaterInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The service's {@link CompressionOptions} over HTTP/2: the same answers compressed as over HTTP/1.1. */
class Http2CompressionTest {
    private static final String TEXT = "Switchboard patches each call through to one line. ".repeat(200); // 10,400 B

    @TempDir
    Path dir;

    private HttpService service() throws IOException {
        Path file = dir.resolve("page.txt");
        Files.writeString(file, TEXT);
        return new HttpService(HttpConfig.DEFAULTS.withCompression(CompressionOptions.DEFAULTS), Routes.builder()
                .get("/text", (req, res) -> res.send(HttpResponse.text(TEXT).header("ETag", "\"v1\"")))
                .get("/small", (req, res) -> res.send(HttpResponse.text("short")))
                .get("/png", (req, res) -> res.send(HttpResponse.of(200).header("Content-Type", "image/png")
                        .body(TEXT.getBytes(StandardCharsets.UTF_8))))
                .get("/stream", (req, res) -> {
                    ResponseStream s = res.stream(HttpResponse.of(200).header("Content-Type", "text/plain"));
                    for (int i = 0; i < 10; i++) {
                        s.write(TEXT);
                    }
                    s.end();
                })
                .get("/file", (req, res) -> res.sendFile(HttpResponse.of(200).header("Content-Type", "text/plain"),
                        FileChannel.open(file), 0, TEXT.length()))
                .build());
    }

    private static byte[] data(List<Frame> frames, int stream) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        for (Frame f : of(frames, "DATA")) {
            if (f.stream() == stream) {
                b.writeBytes(f.data());
            }
        }
        return b.toByteArray();
    }

    private static List<Frame> all(H2TestClient c, List<Frame> got, int stream) {
        for (int i = 0; i < 50 && got.stream().noneMatch(f -> f.stream() == stream && f.end()); i++) {
            got.addAll(c.read());
        }
        return got;
    }

    private static H2TestClient client(HttpService s) {
        H2TestClient c = new H2TestClient(s);
        c.start(Http2Settings.DEFAULTS.with(Http2Settings.INITIAL_WINDOW_SIZE, 1 << 20));
        c.writer.windowUpdate(0, 1 << 20);
        c.read();
        return c;
    }

    @Test
    void aGzipAnswerDecodesToTheBodyAndVaries() throws IOException {
        H2TestClient c = client(service());
        List<Frame> got = all(c, c.request(1, "GET", "/text", true, "accept-encoding", "gzip, deflate;q=0.5").read(), 1);
        Map<String, String> head = only(got, "HEADERS").fields();
        assertEquals("gzip", head.get("content-encoding"), head.toString());
        assertEquals("accept-encoding", head.get("vary"), head.toString());
        assertEquals("W/\"v1\"", head.get("etag"), "a strong ETag made weak, as over HTTP/1.1");
        byte[] body = data(got, 1);
        assertEquals(String.valueOf(body.length), head.get("content-length"), "the compressed length");
        assertTrue(body.length < TEXT.length() / 10, "10,400 repetitive bytes compress: " + body.length);
        byte[] decoded = new GZIPInputStream(new ByteArrayInputStream(body)).readAllBytes();
        assertEquals(TEXT, new String(decoded, StandardCharsets.UTF_8));
    }

    @Test
    void deflateWhenTheClientPrefersIt() throws IOException {
        H2TestClient c = client(service());
        List<Frame> got = all(c, c.request(1, "GET", "/text", true, "accept-encoding", "gzip;q=0.2, deflate").read(), 1);
        assertEquals("deflate", only(got, "HEADERS").fields().get("content-encoding"));
        byte[] decoded = new InflaterInputStream(new ByteArrayInputStream(data(got, 1))).readAllBytes();
        assertEquals(TEXT, new String(decoded, StandardCharsets.UTF_8));
    }

    @Test
    void aSmallAnswerIsNotCompressed() throws IOException {
        H2TestClient c = client(service());
        List<Frame> got = all(c, c.request(1, "GET", "/small", true, "accept-encoding", "gzip").read(), 1);
        Map<String, String> head = only(got, "HEADERS").fields();
        assertNull(head.get("content-encoding"), "5 bytes, under the 1,024 B minimum: " + head);
        assertEquals("short", new String(data(got, 1), StandardCharsets.UTF_8));
    }

    @Test
    void noCodingAcceptedNoTypeOrAFileIsSentAsItIs() throws IOException {
        H2TestClient c = client(service());
        List<Frame> got = all(c, c.request(1, "GET", "/text", true).read(), 1);
        Map<String, String> head = only(got, "HEADERS").fields();
        assertNull(head.get("content-encoding"), "no accept-encoding: " + head);
        assertEquals("accept-encoding", head.get("vary"), "compressible, so it varies anyway");
        assertEquals(TEXT, new String(data(got, 1), StandardCharsets.UTF_8));

        got = all(c, c.request(3, "GET", "/png", true, "accept-encoding", "gzip").read(), 3);
        assertNull(only(got, "HEADERS").fields().get("content-encoding"), "an image is not compressed");

        got = all(c, c.request(5, "GET", "/file", true, "accept-encoding", "gzip").read(), 5);
        head = only(got, "HEADERS").fields();
        assertNull(head.get("content-encoding"), "a file answer is sent as it is: " + head);
        assertEquals(TEXT, new String(data(got, 5), StandardCharsets.UTF_8));
    }

    @Test
    void aStreamedAnswerIsCompressedAsItIsWritten() throws IOException {
        H2TestClient c = client(service());
        List<Frame> got = all(c, c.request(1, "GET", "/stream", true, "accept-encoding", "gzip").read(), 1);
        Map<String, String> head = only(got, "HEADERS").fields();
        assertEquals("gzip", head.get("content-encoding"), head.toString());
        assertFalse(head.containsKey("content-length"), "a stream's compressed length is not known");
        byte[] decoded = new GZIPInputStream(new ByteArrayInputStream(data(got, 1))).readAllBytes();
        assertEquals(TEXT.repeat(10), new String(decoded, StandardCharsets.UTF_8));
    }

    @Test
    void aHeadAnswerCarriesTheHeadItsGetWouldGet() throws IOException {
        H2TestClient c = client(service());
        List<Frame> get = all(c, c.request(1, "GET", "/text", true, "accept-encoding", "gzip").read(), 1);
        List<Frame> head = all(c, c.request(3, "HEAD", "/text", true, "accept-encoding", "gzip").read(), 3);
        Map<String, String> fields = only(head, "HEADERS").fields();
        assertEquals("gzip", fields.get("content-encoding"));
        assertEquals(only(get, "HEADERS").fields().get("content-length"), fields.get("content-length"));
        assertArrayEquals(new byte[0], data(head, 3));
    }
}
