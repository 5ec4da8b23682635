package io.switchboard.http2;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.switchboard.http.HttpConfig;
import io.switchboard.http.HttpResponse;
import io.switchboard.http.HttpService;
import io.switchboard.http.Routes;
import io.switchboard.server.Server;
import io.switchboard.tls.Identity;
import io.switchboard.tls.TlsServerConfig;
import io.switchboard.tls.TlsServerContext;
import java.io.InputStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * HTTP/2 to real clients over loopback, reached each way a client gets there: the JDK's HttpClient (version HTTP_2)
 * upgrades {@code http://} with {@code Upgrade: h2c} and picks {@code h2} by ALPN on {@code https://}; {@code curl
 * --http2} and {@code nghttp -u} upgrade; and over TLS an upgrade offer is served over HTTP/1.1.
 */
class Http2UpgradeLoopbackTest {
    /** Concurrent requests each client sends at once. */
    private static final int CONCURRENT = 16;

    private Server server;

    private static HttpService service() {
        return new HttpService(HttpConfig.DEFAULTS, Routes.builder()
                .get("/hello/{n}", (req, res) -> res.send(HttpResponse.text("hello " + req.pathParam("n") + " over "
                        + req.version())))
                .post("/echo", (req, res) -> res.send(HttpResponse.text(req.version() + " " + req.bodyText())))
                .build()).withPriorKnowledge(Http2Server.DEFAULTS);
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    private String cleartext() {
        server = Server.builder().host("127.0.0.1").port(0).workers(1).pipeline(service()).start();
        return "http://127.0.0.1:" + server.localAddress().getPort();
    }

    private String overTls() {
        TlsServerContext tls = TlsServerContext.create(TlsServerConfig.builder()
                .identity(Identity.pem(fixture("ec.pem"), fixture("ec-pkcs8.key")))
                .applicationProtocols(Http2Server.ALPN, "http/1.1").build());
        server = Server.builder().host("127.0.0.1").port(0).workers(1).tls(tls).pipeline(service()).start();
        return "https://localhost:" + server.localAddress().getPort();
    }

    @Test
    void theJdkClientUpgradesHttpToH2cAndSendsConcurrentRequests() throws Exception {
        String base = cleartext();
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_2)
                .connectTimeout(Duration.ofSeconds(5)).build();
        java.net.http.HttpResponse<String> first = client.send(get(base + "/hello/0"), BodyHandlers.ofString());
        assertEquals(HttpClient.Version.HTTP_2, first.version(), "the first request upgraded its connection");
        assertEquals("hello 0 over HTTP/2", first.body());
        assertConcurrent(client, base);
    }

    @Test
    void theJdkClientPicksH2ByAlpnAndSendsConcurrentRequests() throws Exception {
        String base = overTls();
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_2).sslContext(trustingTestCa())
                .connectTimeout(Duration.ofSeconds(5)).build();
        java.net.http.HttpResponse<String> first = client.send(get(base + "/hello/0"), BodyHandlers.ofString());
        assertEquals(HttpClient.Version.HTTP_2, first.version(), "ALPN h2");
        assertEquals("hello 0 over HTTP/2", first.body());
        assertConcurrent(client, base);
    }

    /** {@value #CONCURRENT} GETs and as many POSTs at once on one client: each answered over HTTP/2 with its own body. */
    private static void assertConcurrent(HttpClient client, String base) throws Exception {
        List<CompletableFuture<java.net.http.HttpResponse<String>>> gets = new ArrayList<>();
        List<CompletableFuture<java.net.http.HttpResponse<String>>> posts = new ArrayList<>();
        for (int i = 1; i <= CONCURRENT; i++) {
            gets.add(client.sendAsync(get(base + "/hello/" + i), BodyHandlers.ofString()));
            posts.add(client.sendAsync(HttpRequest.newBuilder(URI.create(base + "/echo")).timeout(Duration.ofSeconds(10))
                    .POST(BodyPublishers.ofString("body " + i + " " + "x".repeat(i * 1000))).build(),
                    BodyHandlers.ofString()));
        }
        for (int i = 1; i <= CONCURRENT; i++) {
            java.net.http.HttpResponse<String> got = gets.get(i - 1).get(20, TimeUnit.SECONDS);
            assertEquals(HttpClient.Version.HTTP_2, got.version(), "GET " + i);
            assertEquals("hello " + i + " over HTTP/2", got.body());
            java.net.http.HttpResponse<String> echoed = posts.get(i - 1).get(20, TimeUnit.SECONDS);
            assertEquals(HttpClient.Version.HTTP_2, echoed.version(), "POST " + i);
            assertEquals("HTTP/2 body " + i + " " + "x".repeat(i * 1000), echoed.body());
        }
    }

    private static HttpRequest get(String uri) {
        return HttpRequest.newBuilder(URI.create(uri)).timeout(Duration.ofSeconds(10)).build();
    }

    @Test
    void curlWithHttp2UpgradesAndReusesTheUpgradedConnection() throws Exception {
        requireTool("curl", "curl");
        String base = cleartext();
        Result got = run(List.of("curl", "-sS", "-v", "--http2", "-w", " %{http_version}\n", base + "/hello/1",
                base + "/hello/2"));
        assertEquals("hello 1 over HTTP/2 2\nhello 2 over HTTP/2 2\n", got.out, got.err);
        assertTrue(got.err.contains("HTTP/1.1 101"), "upgraded, not by prior knowledge: " + got.err);
    }

    @Test
    void nghttpUpgrades() throws Exception {
        requireTool("nghttp", "nghttp2-client");
        String base = cleartext();
        Result got = run(List.of("nghttp", "-u", "-v", base + "/hello/1"));
        assertEquals(0, got.exit, got.out + got.err);
        assertTrue(got.out.contains("HTTP Upgrade success") && got.out.contains("hello 1 over HTTP/2"), got.out);
    }

    /** Over TLS, h2c is never upgraded to (ALPN chooses there): the offer is served over HTTP/1.1. */
    @Test
    void overTlsAnUpgradeOfferIsServedOverHttp11() throws Exception {
        String base = overTls();
        int port = URI.create(base).getPort();
        try (SSLSocket socket = (SSLSocket) trustingTestCa().getSocketFactory().createSocket("localhost", port)) {
            socket.setSoTimeout(10_000);
            SSLParameters params = socket.getSSLParameters();
            params.setApplicationProtocols(new String[] {"http/1.1"});
            socket.setSSLParameters(params);
            socket.startHandshake();
            assertEquals("http/1.1", socket.getApplicationProtocol());
            socket.getOutputStream().write(("GET /hello/1 HTTP/1.1\r\nHost: localhost\r\nConnection: Upgrade, "
                    + "HTTP2-Settings, close\r\nUpgrade: h2c\r\nHTTP2-Settings: AAMAAABkAAQAAP__\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            String answer = new String(socket.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
            assertTrue(answer.startsWith("HTTP/1.1 200 OK\r\n"), answer);
            assertTrue(answer.endsWith("hello 1 over HTTP/1.1"), answer);
        }
    }

    private static Path fixture(String name) {
        try {
            return Path.of(Http2UpgradeLoopbackTest.class.getResource("/tls/" + name).toURI());
        } catch (URISyntaxException | NullPointerException e) {
            throw new IllegalStateException("missing fixture " + name, e);
        }
    }

    /** An SSL context that trusts the fixtures' CA. */
    private static SSLContext trustingTestCa() throws Exception {
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        try (InputStream in = Files.newInputStream(fixture("ca.pem"))) {
            trust.setCertificateEntry("ca", CertificateFactory.getInstance("X.509").generateCertificate(in));
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, tmf.getTrustManagers(), null);
        return context;
    }

    private record Result(int exit, String out, String err) {
    }

    private static Result run(List<String> command) throws Exception {
        Process p = new ProcessBuilder(command).redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
                .start();
        CompletableFuture<byte[]> err = CompletableFuture.supplyAsync(() -> {
            try {
                return p.getErrorStream().readAllBytes();
            } catch (java.io.IOException e) {
                return new byte[0];
            }
        });
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(30, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            fail(command + " did not finish within 30 s");
        }
        return new Result(p.exitValue(), new String(out, StandardCharsets.ISO_8859_1),
                new String(err.get(30, TimeUnit.SECONDS), StandardCharsets.ISO_8859_1));
    }

    /** Skips the test when {@code command} is missing, or fails it under CI (CI=true). */
    private static void requireTool(String command, String debianPackage) {
        for (String d : System.getenv().getOrDefault("PATH", "").split(":")) {
            if (Files.isExecutable(Path.of(d, command))) {
                return;
            }
        }
        String message = command + " is not installed: apt-get install " + debianPackage;
        if ("true".equals(System.getenv("CI"))) {
            fail(message);
        }
        Assumptions.abort(message);
    }
}
