package io.switchboard.examples;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The http example as users and tools drive it: curl, ab, wrk, the JDK client, and raw pipelining. */
class HttpExampleIT {
    private static ExampleProcess server;
    private static String base;
    private static int port;

    @BeforeAll
    static void start() throws IOException {
        server = ExampleProcess.start("http", "--port", "0", "--workers", "2");
        port = server.awaitListening();
        base = "http://127.0.0.1:" + port;
    }

    @AfterAll
    static void stop() {
        server.process.destroy();
        server.awaitExit(Duration.ofSeconds(10));
    }

    /** Issue 17: the example speaks HTTP/2 with prior knowledge on its HTTP/1 port, to curl and to nghttp. */
    @Test
    void curlWithPriorKnowledgeSpeaksHttp2ToTheSamePort() throws Exception {
        Tools.require("curl", "curl");
        Tools.Result h2 = Tools.run(30, List.of("curl", "-s", "--http2-prior-knowledge", "-w", "\n%{http_version} %{http_code}",
                base + "/plaintext"));
        assertEquals("Hello, World!\n2 200", h2.stdout(), "the body, then HTTP version 2 and status 200");
        Tools.Result echo = Tools.run(30, List.of("curl", "-s", "--http2-prior-knowledge", "--data-binary", "abc",
                "-H", "Content-Type: text/plain", base + "/echo"));
        assertEquals("abc", echo.stdout());
        Tools.Result users = Tools.run(30, List.of("curl", "-s", "--http2-prior-knowledge", "-o", "/dev/null", "-w",
                "%{http_version} %{http_code}", base + "/nowhere"));
        assertEquals("2 404", users.stdout(), "the routes' own refusals over HTTP/2 too");
    }

    /**
     * Issue 17: {@code curl --http2} on {@code http://} asks for {@code Upgrade: h2c} with its first request; the
     * example answers 101 and serves the request over HTTP/2 (curl's {@code %{http_version}} is then 2).
     */
    @Test
    void curlWithHttp2UpgradesToH2c() throws Exception {
        Tools.require("curl", "curl");
        Tools.Result h2 = Tools.run(30, List.of("curl", "-sS", "--http2", "-w", "\n%{http_version} %{http_code}",
                base + "/plaintext", base + "/json"));
        assertEquals("Hello, World!\n2 200{\"message\":\"Hello, World!\"}\n2 200", h2.stdout(),
                "the upgraded request and the next one on the same connection, both over HTTP/2: " + h2.stderr());
        Tools.Result verbose = Tools.run(30, List.of("curl", "-sS", "-v", "--http2", "-o", "/dev/null",
                base + "/plaintext"));
        assertTrue(verbose.stderr().contains("HTTP/1.1 101"), "by Upgrade, not prior knowledge: " + verbose.stderr());
    }

    @Test
    void pipelinedRequestsAreAnsweredInOrderThoughTheyCompleteOutOfOrder() throws Exception {
        String requests = "GET /delay?ms=300 HTTP/1.1\r\nHost: t\r\n\r\n"
                + "GET /plaintext HTTP/1.1\r\nHost: t\r\n\r\n"
                + "GET /delay?ms=100 HTTP/1.1\r\nHost: t\r\n\r\n"
                + "GET /json HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n";
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(20_000);
            s.getOutputStream().write(requests.getBytes(StandardCharsets.US_ASCII));
            String all = new String(s.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
            List<String> bodies = bodies(all);
            assertEquals(List.of("delayed 300", "Hello, World!", "delayed 100", "{\"message\":\"Hello, World!\"}"), bodies, all);
        }
    }

    private static List<String> bodies(String raw) {
        List<String> bodies = new ArrayList<>();
        Matcher m = Pattern.compile("Content-Length: (\\d+)\r\n(?:[^\r\n]+\r\n)*\r\n").matcher(raw);
        int at = 0;
        while (m.find(at)) {
            int length = Integer.parseInt(m.group(1));
            bodies.add(raw.substring(m.end(), m.end() + length));
            at = m.end() + length;
        }
        return bodies;
    }

    @Test
    void curlHttp10ClosesAndHttp11KeepsAlive() throws Exception {
        Tools.require("curl", "curl");
        Tools.Result http10 = Tools.run(30, List.of("curl", "-s", "-i", "-0", base + "/plaintext"));
        assertTrue(http10.stdout().contains("Connection: close"), http10.stdout());
        assertTrue(http10.stdout().endsWith("Hello, World!"), http10.stdout());

        Tools.Result twice = Tools.run(30, List.of("curl", "-s", "-v", base + "/plaintext", base + "/json"));
        assertEquals("Hello, World!{\"message\":\"Hello, World!\"}", twice.stdout());
        assertTrue(twice.stderr().contains("Re-using existing connection") || twice.stderr().contains("Reusing existing"),
                "curl reused the connection: " + twice.stderr());
    }

    @Test
    void curlUploadsChunkedAndWithExpectContinue() throws Exception {
        Tools.require("curl", "curl");
        byte[] data = new byte[300_000];
        new Random(3).nextBytes(data);
        Path file = Files.createTempFile("upload", ".bin");
        Path back = Files.createTempFile("echoed", ".bin");
        try {
            Files.write(file, data);
            Tools.Result chunked = Tools.run(30, List.of("curl", "-s", "-f", "-H", "Transfer-Encoding: chunked",
                    "--data-binary", "@" + file, "-o", back.toString(), base + "/echo"));
            assertEquals(0, chunked.exit(), chunked.stderr());
            assertArrayEquals(data, Files.readAllBytes(back));

            Tools.Result expect = Tools.run(30, List.of("curl", "-s", "-v", "-f", "-H", "Expect: 100-continue",
                    "--data-binary", "@" + file, "-o", back.toString(), base + "/echo"));
            assertEquals(0, expect.exit(), expect.stderr());
            assertTrue(expect.stderr().contains("100 Continue"), expect.stderr());
            assertArrayEquals(data, Files.readAllBytes(back));
        } finally {
            Files.deleteIfExists(file);
            Files.deleteIfExists(back);
        }
    }

    @Test
    void curlReadsAStreamedResponse() throws Exception {
        Tools.require("curl", "curl");
        Tools.Result r = Tools.run(30, List.of("curl", "-s", "-i", base + "/stream?n=5"));
        assertTrue(r.stdout().contains("Transfer-Encoding: chunked"), r.stdout());
        assertTrue(r.stdout().endsWith("chunk 1\nchunk 2\nchunk 3\nchunk 4\nchunk 5\n"), r.stdout());
    }

    @Test
    void jdkHttpClientGetsAndPosts() throws Exception {
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        HttpResponse<String> plain = client.send(HttpRequest.newBuilder(URI.create(base + "/plaintext")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, plain.statusCode());
        assertEquals("Hello, World!", plain.body());
        assertEquals("text/plain", plain.headers().firstValue("content-type").orElseThrow());
        assertTrue(plain.headers().firstValue("date").isPresent());

        byte[] body = new byte[1024 * 1024];
        new Random(9).nextBytes(body);
        HttpResponse<byte[]> echoed = client.send(HttpRequest.newBuilder(URI.create(base + "/echo"))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(200, echoed.statusCode());
        assertArrayEquals(body, echoed.body());

        HttpResponse<String> missing = client.send(HttpRequest.newBuilder(URI.create(base + "/missing")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(404, missing.statusCode());
        HttpResponse<String> wrongMethod = client.send(HttpRequest.newBuilder(URI.create(base + "/plaintext"))
                .DELETE().build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(405, wrongMethod.statusCode());
    }

    @Test
    void apacheBenchWithKeepAliveHasNoErrors() throws Exception {
        Tools.require("ab", "apache2-utils");
        Tools.Result r = Tools.run(120, List.of("ab", "-k", "-q", "-n", "20000", "-c", "16", base + "/plaintext"));
        assertEquals(0, r.exit(), r.stderr());
        assertTrue(r.stdout().contains("Complete requests:      20000"), r.stdout());
        assertTrue(r.stdout().contains("Failed requests:        0"), r.stdout());
        assertTrue(r.stdout().contains("Keep-Alive requests:    20000"), r.stdout());
        assertFalse(r.stdout().contains("Non-2xx responses"), r.stdout());
    }

    @Test
    void wrkHasNoErrors() throws Exception {
        Tools.require("wrk", "wrk");
        for (String path : List.of("/plaintext", "/json")) {
            Tools.Result r = Tools.run(60, List.of("wrk", "-t", "1", "-c", "32", "-d", "2s", base + path));
            assertEquals(0, r.exit(), r.stderr());
            assertFalse(r.stdout().contains("Socket errors"), r.stdout());
            assertFalse(r.stdout().contains("Non-2xx"), r.stdout());
            Matcher requests = Pattern.compile("(\\d+) requests in").matcher(r.stdout());
            assertTrue(requests.find() && Long.parseLong(requests.group(1)) > 0, r.stdout());
        }
    }

    @Test
    void curlStreamsAChunkedUploadThroughTheDigest() throws Exception {
        Tools.require("curl", "curl");
        byte[] data = new byte[3 * 1024 * 1024 + 5];
        new Random(13).nextBytes(data);
        Path file = Files.createTempFile("upload", ".bin");
        try {
            Files.write(file, data);
            // -T - reads stdin, which curl sends chunked: 3 MiB in chunks the handler digests as they arrive.
            Tools.Result r = Tools.run(60, List.of("bash", "-c", "curl -sS -f -T - " + base + "/upload < " + file));
            assertEquals(0, r.exit(), r.stderr());
            String sha256 = java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(data));
            assertEquals("{\"bytes\":" + data.length + ",\"sha256\":\"" + sha256 + "\"}", r.stdout());
        } finally {
            Files.deleteIfExists(file);
        }
    }

    @Test
    void curlDrivesTheUsersResourceAndAWrongMethodGetsAllow() throws Exception {
        Tools.require("curl", "curl");
        Tools.Result put = Tools.run(30, List.of("curl", "-sS", "-f", "-X", "PUT", "-H", "Content-Type: application/json",
                "-d", "{\"name\":\"Ada\"}", base + "/users/ada"));
        assertEquals(0, put.exit(), put.stderr());
        Tools.Result get = Tools.run(30, List.of("curl", "-sS", "-f", base + "/users/ada"));
        assertEquals("{\"name\":\"Ada\"}", get.stdout());
        Tools.Result wrong = Tools.run(30, List.of("curl", "-sS", "-i", "-X", "POST", base + "/users/ada"));
        assertTrue(wrong.stdout().startsWith("HTTP/1.1 405 Method Not Allowed\r\n"), wrong.stdout());
        assertTrue(wrong.stdout().contains("Allow: DELETE, GET, HEAD, OPTIONS, PUT\r\n"), wrong.stdout());
        Tools.Result missing = Tools.run(30, List.of("curl", "-sS", "-i", base + "/users/nobody"));
        assertTrue(missing.stdout().startsWith("HTTP/1.1 404 Not Found\r\n"), missing.stdout());
        assertTrue(missing.stdout().endsWith("404 Not Found: no user nobody\n"), "the example's answers are plain text: "
                + missing.stdout());
        Tools.Result dots = Tools.run(30, List.of("curl", "-sS", "-i", "--path-as-is", base + "/users/../plaintext"));
        assertTrue(dots.stdout().startsWith("HTTP/1.1 400 Bad Request\r\n"), "a dot segment sent as is: " + dots.stdout());
    }

    @Test
    void malformedRequestGets400AndClose() throws Exception {
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(20_000);
            s.getOutputStream().write("GET / HTTP/1.1\r\nHost : bad\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            InputStream in = s.getInputStream();
            ByteArrayOutputStream all = new ByteArrayOutputStream();
            in.transferTo(all);
            String text = all.toString(StandardCharsets.US_ASCII);
            assertTrue(text.startsWith("HTTP/1.1 400 Bad Request\r\n"), text);
            assertTrue(text.contains("Connection: close\r\n"), text);
        }
    }
}
