package io.switchboard.bench;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.http.HttpConfig;
import io.switchboard.http.HttpResponse;
import io.switchboard.http.HttpService;
import io.switchboard.http.HttpVersion;
import io.switchboard.http.Routes;
import io.switchboard.http2.Http2Client;
import io.switchboard.http2.Http2ClientConnection;
import io.switchboard.http2.Http2Request;
import io.switchboard.http2.Http2Server;
import io.switchboard.server.Client;
import io.switchboard.server.Server;
import io.switchboard.tls.Identity;
import io.switchboard.tls.TlsServerConfig;
import io.switchboard.tls.TlsServerContext;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.function.IntSupplier;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The load generator's HTTP/2 mode ({@code load --h2}) against a Switchboard h2c server over loopback. */
@Timeout(30)
class H2LoadTest {
    private final AtomicLong answered = new AtomicLong();
    private Server server;
    private int port;

    @BeforeEach
    void start() {
        HttpService service = new HttpService(HttpConfig.DEFAULTS, Routes.builder()
                .get("/count", (req, res) -> {
                    answered.incrementAndGet();
                    res.send(HttpResponse.text("counted"));
                })
                .post("/echo", (req, res) -> res.send(HttpResponse.of(200).body(req.body())))
                .build()).withPriorKnowledge(Http2Server.DEFAULTS);
        server = Server.builder().host("127.0.0.1").port(0).workers(1).pipeline(service).start();
        port = server.localAddress().getPort();
    }

    @AfterEach
    void stop() {
        server.close();
    }

    /**
     * One connection, 8 streams, stopping once 1,000 answers are counted: the streams in flight then finish and are
     * counted too, so the count is the server's exactly, 1,000 to 1,007.
     */
    @Test
    void aConnectionsStreamsCountEveryAnswerOnce() throws Exception {
        try (Client client = Client.builder().build()) {
            Http2ClientConnection c = Http2Client.builder(client).build()
                    .connect(URI.create("http://127.0.0.1:" + port)).get(10, TimeUnit.SECONDS);
            HttpLoadStats stats = new HttpLoadStats();
            H2LoadConnection load = new H2LoadConnection(c, Http2Request.get("/count"), 8, stats,
                    () -> stats.snapshot().responses() >= 1000);
            load.start();
            await().atMost(Duration.ofSeconds(20)).until(() -> stats.snapshot().responses() >= 1000
                    && onLoop(c, load::inFlight) == 0);
            long counted = stats.snapshot().responses();
            assertEquals(answered.get(), counted, "every answer counted once");
            assertTrue(counted >= 1000 && counted <= 1007, counted + " answers: 1,000 and at most the 7 others in flight");
            assertEquals(0, stats.snapshot().errors(), stats.firstError());
            c.close();
        }
    }

    @Test
    void theH2ModeRunsAndReportsAsTheHttp1ModeDoes() throws Exception {
        ByteArrayOutputStream output = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(output, true, StandardCharsets.UTF_8);
        HttpLoadConfig config = HttpLoadConfig.forUrl("http://127.0.0.1:" + port + "/count", 4, Duration.ofMillis(800),
                Duration.ZERO, 1, 0, "GET", 0, null, 16);
        HttpLoadResult result = new HttpLoad(config, out).run();
        String text = output.toString(StandardCharsets.UTF_8);
        assertEquals(0, result.errors(), () -> "first error: " + result.firstError() + "\n" + text);
        assertTrue(result.requests() > 0, text);
        assertTrue(result.requests() <= answered.get(), result.requests() + " counted, " + answered.get() + " answered");
        assertTrue(text.contains("HTTP/2, 16 streams") && text.contains(" req/s\n")
                && text.contains(EchoLoad.MEASURE_START), text);
    }

    @Test
    void postsOfLargeBodiesOverH2ComeBack() throws Exception {
        HttpLoadConfig config = HttpLoadConfig.forUrl("http://127.0.0.1:" + port + "/echo", 2, Duration.ofMillis(500),
                Duration.ZERO, 1, 0, "POST", 100_000, null, 4);
        HttpLoadResult result = new HttpLoad(config, new PrintStream(new ByteArrayOutputStream())).run();
        assertEquals(0, result.errors(), () -> "first error: " + result.firstError());
        assertTrue(result.requests() > 0);
    }

    /** An https URL: h2 over TLS chosen by ALPN (the generator offers h2), every request served over HTTP/2. */
    @Test
    void theH2ModeSpeaksH2OverTlsForAnHttpsUrl(@TempDir Path dir) throws Exception {
        TestCertificate certificate = TestCertificate.generate(dir.resolve("p256"), TestCertificate.KeyType.P256);
        AtomicLong http2 = new AtomicLong();
        AtomicLong other = new AtomicLong();
        HttpService service = new HttpService(HttpConfig.DEFAULTS, Routes.builder()
                .get("/version", (req, res) -> {
                    (req.version() == HttpVersion.HTTP_2 ? http2 : other).incrementAndGet();
                    res.send(HttpResponse.text("ok"));
                })
                .build()).withPriorKnowledge(Http2Server.DEFAULTS);
        TlsServerContext tls = TlsServerContext.create(TlsServerConfig.builder()
                .identity(Identity.pem(certificate.certificate(), certificate.key()))
                .applicationProtocols(Http2Server.ALPN, "http/1.1").build());
        try (Server secure = Server.builder().host("127.0.0.1").port(0).workers(1).tls(tls).pipeline(service).start()) {
            HttpLoadConfig config = HttpLoadConfig.forUrl("https://127.0.0.1:" + secure.localAddress().getPort()
                    + "/version", 2, Duration.ofMillis(500), Duration.ZERO, 1, 0, "GET", 0, new LoadTls(null, true), 4);
            HttpLoadResult result = new HttpLoad(config, new PrintStream(new ByteArrayOutputStream())).run();
            assertEquals(0, result.errors(), () -> "first error: " + result.firstError());
            assertTrue(result.requests() > 0);
            assertTrue(http2.get() >= result.requests(), http2.get() + " over HTTP/2, " + result.requests() + " counted");
            assertEquals(0, other.get(), "no request over HTTP/1.1");
        }
    }

    @Test
    void theFlagsAreParsed() {
        Map<String, String> aliases = Map.of("-c", "connections", "-d", "duration");
        Set<String> flags = Set.of("connections", "duration", "streams", "pipeline", "rate");
        Set<String> switches = Set.of("h2");
        HttpLoadConfig config = Main.httpLoadConfig(Args.parse(List.of("-c", "8", "--h2", "--streams", "32"), flags,
                switches, aliases), "http://localhost:8080/plaintext");
        assertEquals(32, config.h2Streams());
        assertEquals(16, Main.httpLoadConfig(Args.parse(List.of("--h2"), flags, switches, aliases),
                "http://localhost:8080/plaintext").h2Streams(), "16 streams by default");
        assertEquals(0, Main.httpLoadConfig(Args.parse(List.of(), flags, switches, aliases),
                "http://localhost:8080/plaintext").h2Streams(), "HTTP/1.1 without --h2");
        assertThrows(Args.UsageException.class, () -> Main.httpLoadConfig(Args.parse(List.of("--streams", "4"), flags,
                switches, aliases), "http://localhost:8080/plaintext"));
        assertThrows(Args.UsageException.class, () -> Main.httpLoadConfig(Args.parse(List.of("--h2", "--pipeline", "4"),
                flags, switches, aliases), "http://localhost:8080/plaintext"));
    }

    private static int onLoop(Http2ClientConnection c, IntSupplier read) throws Exception {
        CompletableFuture<Integer> value = new CompletableFuture<>();
        c.connection().loop().execute(() -> value.complete(read.getAsInt()));
        return value.get(5, TimeUnit.SECONDS);
    }
}
