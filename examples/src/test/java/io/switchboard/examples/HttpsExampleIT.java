package io.switchboard.examples;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
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

/**
 * The http example serving HTTPS ({@code --tls-cert ec.pem --tls-key ec-sec1.key}: the test CA's P-256 certificate
 * for localhost and 127.0.0.1, its key in the SEC1 form openssl's {@code ecparam} writes), next to a plaintext one,
 * driven by curl, openssl s_client, wrk and the JDK's HttpClient.
 */
class HttpsExampleIT {
    private static ExampleProcess https;
    private static ExampleProcess plain;
    private static int httpsPort;
    private static int plainPort;

    @BeforeAll
    static void start() throws IOException {
        List<String> args = new ArrayList<>(List.of("http", "--port", "0", "--workers", "2"));
        args.addAll(TlsFiles.serverFlags("ec.pem", "ec-sec1.key"));
        https = ExampleProcess.start(args.toArray(String[]::new));
        plain = ExampleProcess.start("http", "--port", "0", "--workers", "2");
        httpsPort = https.awaitListening();
        plainPort = plain.awaitListening();
    }

    @AfterAll
    static void stop() {
        for (ExampleProcess p : List.of(https, plain)) {
            p.process.destroy();
            p.awaitExit(Duration.ofSeconds(10));
        }
    }

    private static String httpsBase() {
        return "https://localhost:" + httpsPort;
    }

    @Test
    void theListeningLineIsTheSameAsWithoutTlsAndTheCertificateIsLogged() {
        String line = https.stdout.stream().filter(l -> l.contains("listening")).findFirst().orElseThrow();
        assertEquals("http server listening on 127.0.0.1:" + httpsPort + " (2 workers)", line,
                "the line other tools parse does not change with TLS");
        assertTrue(https.stderr.stream().anyMatch(l -> l.contains("TLS server ready: certificate 'CN=localhost'")),
                "stderr: " + https.stderr);
    }

    /**
     * Status line and headers (but the Date) and body of every route are the same over HTTPS as over plaintext, with
     * curl asking for HTTP/1.1 (ALPN {@code http/1.1}).
     */
    @Test
    void curlWithTheCaGetsTheSameAnswersAsOverPlaintext() throws Exception {
        Tools.require("curl", "curl");
        for (String path : List.of("/plaintext", "/json", "/stream?n=3", "/delay?ms=20", "/missing", "/stream?n=x")) {
            Tools.Result secure = Tools.run(30, List.of("curl", "-sS", "-i", "--http1.1", "--max-time", "10",
                    "--cacert", TlsFiles.arg("ca.pem"), httpsBase() + path));
            Tools.Result clear = Tools.run(30, List.of("curl", "-sS", "-i", "--max-time", "10",
                    "http://127.0.0.1:" + plainPort + path));
            assertEquals(0, secure.exit(), path + ": " + secure.stderr());
            assertEquals(withoutDate(clear.stdout()), withoutDate(secure.stdout()), path);
            assertTrue(secure.stdout().startsWith("HTTP/1.1 "), secure.stdout());
        }
        Tools.Result posted = Tools.run(30, List.of("curl", "-sS", "--cacert", TlsFiles.arg("ca.pem"),
                "-H", "Content-Type: text/plain", "--data-binary", "sent over TLS", httpsBase() + "/echo"));
        assertEquals("sent over TLS", posted.stdout(), posted.stderr());
    }

    private static String withoutDate(String response) {
        return response.replaceAll("(?im)^date: [^\r\n]*\r\n", "");
    }

    /** Without the CA, curl refuses the test certificate: the server is not trusted by accident. */
    @Test
    void curlWithoutTheCaRefusesTheCertificate() throws Exception {
        Tools.require("curl", "curl");
        Tools.Result r = Tools.run(30, List.of("curl", "-sS", "--max-time", "10", httpsBase() + "/plaintext"));
        assertEquals(60, r.exit(), "curl's exit 60: peer certificate cannot be authenticated; " + r.stderr());
    }

    /** Plaintext HTTP sent to the TLS port gets no answer: the engine refuses the first record and the port closes. */
    @Test
    void plaintextToTheTlsPortIsRefused() throws Exception {
        Tools.require("curl", "curl");
        Tools.Result r = Tools.run(30, List.of("curl", "-sS", "--max-time", "10",
                "http://127.0.0.1:" + httpsPort + "/plaintext"));
        assertNotEquals(0, r.exit(), r.stdout());
        assertFalse(r.stdout().contains("Hello"), r.stdout());
        assertNotEquals(28, r.exit(), "closed at once, not a timeout: " + r.stderr());
    }

    /**
     * openssl s_client offering only http/1.1 gets it and an HTTP/1.1 answer; offering only h2 gets h2, and its HTTP/1
     * request is answered with the server's SETTINGS and GOAWAY PROTOCOL_ERROR (the client preface was due); offering
     * only a protocol the server does not speak is refused with no_application_protocol.
     */
    @Test
    void alpnNegotiatesHttp11OrH2() throws Exception {
        Tools.require("openssl", "openssl");
        String request = "GET /plaintext HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n";
        Tools.Result http11 = Tools.run(30, request, sClient("http/1.1"));
        assertEquals(0, http11.exit(), http11.stdout() + http11.stderr());
        assertTrue(http11.stdout().contains("ALPN protocol: http/1.1"), http11.stdout());
        assertTrue(http11.stdout().contains("Verify return code: 0 (ok)"), http11.stdout());
        assertTrue(http11.stdout().contains("Hello, World!"), http11.stdout());

        Tools.Result h2 = Tools.run(30, request, sClient("h2"));
        assertTrue(h2.stdout().contains("ALPN protocol: h2"), h2.stdout());
        assertFalse(h2.stdout().contains("Hello, World!"), "no HTTP/1 answer once h2 was agreed: " + h2.stdout());

        Tools.Result other = Tools.run(30, request, sClient("spdy/3"));
        assertNotEquals(0, other.exit(), other.stdout());
        assertTrue(other.stderr().contains("no application protocol"), "the server's alert: " + other.stderr());
    }

    /** curl {@code --http2} over TLS speaks HTTP/2 (ALPN h2), and the answers match HTTP/1.1's bodies. */
    @Test
    void curlWithHttp2GetsHttp2() throws Exception {
        Tools.require("curl", "curl");
        for (String path : List.of("/plaintext", "/json", "/stream?n=3")) {
            Tools.Result h2 = Tools.run(30, List.of("curl", "-sS", "--http2", "--max-time", "10",
                    "--cacert", TlsFiles.arg("ca.pem"), "-w", "\n%{http_version}", httpsBase() + path));
            Tools.Result h1 = Tools.run(30, List.of("curl", "-sS", "--http1.1", "--max-time", "10",
                    "--cacert", TlsFiles.arg("ca.pem"), httpsBase() + path));
            assertEquals(0, h2.exit(), path + ": " + h2.stderr());
            assertEquals(h1.stdout() + "\n2", h2.stdout(), path + ": the same body, over HTTP/2");
        }
    }

    private static List<String> sClient(String alpn) {
        return List.of("openssl", "s_client", "-connect", "127.0.0.1:" + httpsPort, "-servername", "localhost",
                "-CAfile", TlsFiles.arg("ca.pem"), "-verify_return_error", "-alpn", alpn, "-ign_eof");
    }

    /** The JDK client offers h2 and http/1.1; ALPN settles on h2, and a mebibyte comes back byte-exact. */
    @Test
    void jdkHttpClientOverHttps() throws Exception {
        HttpClient client = HttpClient.newBuilder().sslContext(TlsFiles.trustingTestCa())
                .connectTimeout(Duration.ofSeconds(10)).build();
        HttpResponse<String> json = client.send(HttpRequest.newBuilder(URI.create(httpsBase() + "/json"))
                .timeout(Duration.ofSeconds(20)).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, json.statusCode());
        assertEquals("{\"message\":\"Hello, World!\"}", json.body());
        assertEquals(HttpClient.Version.HTTP_2, json.version(), "ALPN chose h2 over http/1.1");
        assertTrue(json.sslSession().isPresent());
        assertTrue(List.of("TLSv1.3", "TLSv1.2").contains(json.sslSession().get().getProtocol()));

        byte[] body = new byte[1024 * 1024];
        new Random(11).nextBytes(body);
        HttpResponse<byte[]> echoed = client.send(HttpRequest.newBuilder(URI.create(httpsBase() + "/echo"))
                .timeout(Duration.ofSeconds(30)).POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(200, echoed.statusCode());
        assertArrayEquals(body, echoed.body(), "1 MiB posted and echoed through TLS records");
        assertEquals(HttpClient.Version.HTTP_2, echoed.version());

        HttpClient http11 = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .sslContext(TlsFiles.trustingTestCa()).connectTimeout(Duration.ofSeconds(10)).build();
        HttpResponse<String> old = http11.send(HttpRequest.newBuilder(URI.create(httpsBase() + "/json"))
                .timeout(Duration.ofSeconds(20)).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(HttpClient.Version.HTTP_1_1, old.version(), "a client asking for HTTP/1.1 gets it");
        assertEquals(json.body(), old.body());
    }

    /** curl uploads a file through TLS with Expect: 100-continue and gets it back byte-exact. */
    @Test
    void curlUploadsThroughTls() throws Exception {
        Tools.require("curl", "curl");
        byte[] data = new byte[300_000];
        new Random(5).nextBytes(data);
        Path file = Files.createTempFile("upload", ".bin");
        Path back = Files.createTempFile("echoed", ".bin");
        try {
            Files.write(file, data);
            Tools.Result r = Tools.run(30, List.of("curl", "-sS", "-f", "-H", "Expect: 100-continue",
                    "--cacert", TlsFiles.arg("ca.pem"), "--data-binary", "@" + file, "-o", back.toString(),
                    httpsBase() + "/echo"));
            assertEquals(0, r.exit(), r.stderr());
            assertArrayEquals(data, Files.readAllBytes(back));
        } finally {
            Files.deleteIfExists(file);
            Files.deleteIfExists(back);
        }
    }

    /** wrk over HTTPS with 16 keep-alive connections: no socket errors, no non-2xx answers. */
    @Test
    void wrkOverHttpsHasNoErrors() throws Exception {
        Tools.require("wrk", "wrk");
        Tools.Result r = Tools.run(60, List.of("wrk", "-t", "1", "-c", "16", "-d", "2s", httpsBase() + "/plaintext"));
        assertEquals(0, r.exit(), r.stderr());
        assertFalse(r.stdout().contains("Socket errors"), r.stdout());
        assertFalse(r.stdout().contains("Non-2xx"), r.stdout());
        Matcher requests = Pattern.compile("(\\d+) requests in").matcher(r.stdout());
        assertTrue(requests.find() && Long.parseLong(requests.group(1)) > 0, r.stdout());
    }
}
