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
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * h2 over TLS chosen by ALPN, over loopback with real clients: a server offering {@code h2, http/1.1} (the test CA's
 * P-256 certificate for localhost, from src/test/resources/tls) answers the JDK's HttpClient over HTTP/2 when it
 * asks for HTTP/2 and over HTTP/1.1 when it asks for that, curl {@code --http2} over HTTP/2, and a client that
 * agreed on h2 but sends an HTTP/1 request gets GOAWAY {@code PROTOCOL_ERROR}.
 */
class Http2TlsLoopbackTest {
    private Server server;
    private int port;

    @BeforeEach
    void start() {
        TlsServerContext tls = TlsServerContext.create(TlsServerConfig.builder()
                .identity(Identity.pem(fixture("ec.pem"), fixture("ec-pkcs8.key")))
                .applicationProtocols(Http2Server.ALPN, "http/1.1").build());
        HttpService service = new HttpService(HttpConfig.DEFAULTS, Routes.builder()
                .get("/hello", (req, res) -> res.send(HttpResponse.text("hello over " + req.version())))
                .build()).withPriorKnowledge(Http2Server.DEFAULTS);
        server = Server.builder().host("127.0.0.1").port(0).workers(1).tls(tls).pipeline(service).start();
        port = server.localAddress().getPort();
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private static Path fixture(String name) {
        try {
            return Path.of(Http2TlsLoopbackTest.class.getResource("/tls/" + name).toURI());
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

    @Test
    void theJdkHttpClientGetsHttp2WhenItAsksAndHttp11WhenItAsksForThat() throws Exception {
        SSLContext context = trustingTestCa();
        URI uri = URI.create("https://localhost:" + port + "/hello");
        for (HttpClient.Version version : List.of(HttpClient.Version.HTTP_2, HttpClient.Version.HTTP_1_1)) {
            HttpClient http = HttpClient.newBuilder().version(version).sslContext(context)
                    .connectTimeout(Duration.ofSeconds(5)).build();
            for (int i = 0; i < 3; i++) { // three requests on one connection
                java.net.http.HttpResponse<String> answer = http.send(HttpRequest.newBuilder(uri)
                        .timeout(Duration.ofSeconds(5)).build(), BodyHandlers.ofString());
                assertEquals(200, answer.statusCode());
                assertEquals(version, answer.version(), "ALPN chose what the client asked for first");
                assertEquals("hello over " + (version == HttpClient.Version.HTTP_2 ? "HTTP/2" : "HTTP/1.1"),
                        answer.body());
            }
        }
    }

    @Test
    void curlWithHttp2GetsHttp2OverTls() throws Exception {
        requireTool("curl", "curl");
        Process p = new ProcessBuilder("curl", "-sS", "-k", "--http2", "--max-time", "10", "-w", " %{http_version}",
                "https://127.0.0.1:" + port + "/hello")
                .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile())).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.ISO_8859_1);
        if (!p.waitFor(30, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            fail("curl did not finish within 30 s");
        }
        assertEquals(0, p.exitValue(), err);
        assertEquals("hello over HTTP/2 2", out, "the body, then curl's %{http_version}: " + err);
    }

    /**
     * A client that agreed on h2 and sends an HTTP/1 request instead of the preface: the server's SETTINGS come
     * first (sent when the handshake completes), then GOAWAY with PROTOCOL_ERROR (code 1), then the close.
     */
    @Test
    void h2AgreedButNoPrefaceGetsGoAwayProtocolError() throws Exception {
        try (SSLSocket socket = (SSLSocket) trustingTestCa().getSocketFactory().createSocket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 5000);
            socket.setSoTimeout(10_000);
            SSLParameters parameters = socket.getSSLParameters();
            parameters.setApplicationProtocols(new String[] {"h2"});
            socket.setSSLParameters(parameters);
            socket.startHandshake();
            assertEquals("h2", socket.getApplicationProtocol());
            socket.getOutputStream().write("GET /hello HTTP/1.1\r\nHost: localhost\r\n\r\n"
                    .getBytes(StandardCharsets.US_ASCII));
            socket.getOutputStream().flush();
            DataInputStream in = new DataInputStream(socket.getInputStream());
            int goAwayCode = -1;
            for (int frames = 0; frames < 10 && goAwayCode < 0; frames++) { // SETTINGS, WINDOW_UPDATE, GOAWAY
                int length = in.readUnsignedShort() << 8 | in.readUnsignedByte();
                int type = in.readUnsignedByte();
                in.readUnsignedByte(); // flags
                in.readInt(); // stream
                byte[] payload = in.readNBytes(length);
                if (frames == 0) {
                    assertEquals(0x4, type, "the first frame is the server's SETTINGS");
                }
                if (type == 0x7) {
                    goAwayCode = (payload[4] & 0xff) << 24 | (payload[5] & 0xff) << 16 | (payload[6] & 0xff) << 8
                            | (payload[7] & 0xff);
                }
            }
            assertEquals(1, goAwayCode, "GOAWAY PROTOCOL_ERROR (1)");
            assertTrue(endsWithin(in), "the server closed after the GOAWAY");
        }
    }

    /** {@return true when the stream ends before 64 KiB more arrive} */
    private static boolean endsWithin(InputStream in) throws Exception {
        try {
            return in.readNBytes(64 * 1024).length < 64 * 1024;
        } catch (EOFException | javax.net.ssl.SSLException e) {
            return true;
        }
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
