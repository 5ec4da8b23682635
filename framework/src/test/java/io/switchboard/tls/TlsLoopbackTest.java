package io.switchboard.tls;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.codec.LineCodec;
import io.switchboard.http.HttpResponse;
import io.switchboard.http.HttpService;
import io.switchboard.http.Routes;
import io.switchboard.lifecycle.Backoff;
import io.switchboard.lifecycle.Reconnector;
import io.switchboard.pipeline.Connection;
import io.switchboard.pipeline.Handler;
import io.switchboard.pipeline.HandlerContext;
import io.switchboard.server.Client;
import io.switchboard.server.Server;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse.BodyHandlers;
import java.security.KeyStore;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The TLS stage over real loopback sockets, against real clients: the JDK's HttpClient, curl, openssl s_client, and
 * Switchboard's own Client with reconnects. The server presents the test CA's P-256 certificate for localhost and
 * offers ALPN {@code http/1.1}.
 */
@Tag("hardening")
class TlsLoopbackTest {
    private static final String REQUEST = "GET /hello HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n";

    private final TlsServerContext tls = TlsServerContext.create(TlsServerConfig.builder()
            .identity(Fixtures.identity("ec.pem", "ec-pkcs8.key")).applicationProtocols("http/1.1").build());
    private Server server;
    private int port;

    @BeforeEach
    void start() {
        Routes routes = Routes.builder().get("/hello", (req, res) -> res.send(HttpResponse.of(200).body("hello over TLS"))).build();
        server = Server.builder().workers(1).tls(tls).pipeline(new HttpService(routes)).start();
        port = server.localAddress().getPort();
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void theJdkHttpClientGetsAnAnswerOverHttps() throws Exception {
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("ca", Fixtures.certificate("ca.pem"));
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, tmf.getTrustManagers(), null);
        HttpClient http = HttpClient.newBuilder().sslContext(context).connectTimeout(Duration.ofSeconds(5)).build();
        for (int i = 0; i < 3; i++) { // keep-alive: the same TLS connection carries the three requests
            java.net.http.HttpResponse<String> answer = http.send(HttpRequest.newBuilder(
                    URI.create("https://localhost:" + port + "/hello")).timeout(Duration.ofSeconds(5)).build(), BodyHandlers.ofString());
            assertEquals(200, answer.statusCode());
            assertEquals("hello over TLS", answer.body());
            assertEquals(HttpClient.Version.HTTP_1_1, answer.version(), "ALPN chose http/1.1 over h2");
        }
    }

    @Test
    void curlGetsAnAnswerOverHttps() throws Exception {
        Tools.require("curl", "curl");
        Tools.Result r = Tools.run(10, "", List.of("curl", "-sS", "--max-time", "5", "--cacert", Fixtures.path("ca.pem").toString(),
                "--resolve", "localhost:" + port + ":127.0.0.1", "https://localhost:" + port + "/hello"));
        assertEquals(0, r.exit(), r.all());
        assertEquals("hello over TLS", r.stdout());
    }

    @Test
    void opensslConnectsWithTls13AndTls12() throws Exception {
        Tools.require("openssl", "openssl");
        for (String version : new String[] {"-tls1_3", "-tls1_2"}) {
            Tools.Result r = sClient(version);
            assertEquals(0, r.exit(), version + ": " + r.all());
            assertTrue(r.all().contains("hello over TLS"), version + ": " + r.all());
            assertTrue(r.all().contains("Verification: OK") || r.all().contains("Verify return code: 0"), version + ": " + r.all());
            assertTrue(r.all().contains("Protocol version: TLSv1." + (version.equals("-tls1_3") ? "3" : "2")), version + ": " + r.all());
        }
    }

    /**
     * TLS 1.1 and 1.0 offered by openssl with its own floor lowered ({@code @SECLEVEL=0}, so that the ClientHello
     * really leaves): the server refuses with a protocol_version alert, and nothing is answered.
     */
    @Test
    void opensslIsRefusedWithTls11AndTls10() throws Exception {
        Tools.require("openssl", "openssl");
        for (String version : new String[] {"-tls1_1", "-tls1"}) {
            Tools.Result r = sClient(version, "-cipher", "DEFAULT:@SECLEVEL=0");
            assertNotEquals(0, r.exit(), version + ": " + r.all());
            assertFalse(r.all().contains("hello over TLS"), version + ": " + r.all());
            assertTrue(r.all().contains("alert protocol version"), "the server's alert: " + version + ": " + r.all());
        }
        await().atMost(5, TimeUnit.SECONDS).until(() -> tls.counters().handshakeFailures() == 2);
    }

    @Test
    void theClientSpeaksTlsAndReconnectsThroughIt() throws Exception {
        TlsClientContext clientTls = TlsClientContext.create(TlsClientConfig.builder().trust(Fixtures.caTrust()).build());
        List<String> answers = new CopyOnWriteArrayList<>();
        // A line server that answers each line and then closes: the client must reconnect, through TLS again.
        try (Server lines = Server.builder().workers(1).tls(tls).pipeline(p -> p.add(new LineCodec(100)).add(new Handler() {
            @Override
            public void read(HandlerContext ctx, Object message) {
                ctx.write("you said " + message);
                ctx.close();
            }
        })).start();
             Client client = Client.builder().tls(clientTls).pipeline(p -> p.add(new LineCodec(100)).add(new Handler() {
                 @Override
                 public void read(HandlerContext ctx, Object message) {
                     answers.add((String) message);
                 }
             })).build();
             Reconnector reconnector = new Reconnector(client, new InetSocketAddress("localhost", lines.localAddress().getPort()),
                     new Backoff(Duration.ofMillis(10), Duration.ofMillis(50), 2.0, 0.0), (Connection c) -> c.write("hi"))) {
            await().atMost(10, TimeUnit.SECONDS).until(() -> answers.size() >= 3);
            assertEquals("you said hi", answers.get(0));
            assertEquals(0, clientTls.counters().handshakeFailures());
        }
    }

    private Tools.Result sClient(String version, String... extra) throws Exception {
        List<String> command = new java.util.ArrayList<>(List.of("openssl", "s_client", "-connect", "127.0.0.1:" + port,
                "-servername", "localhost", "-CAfile", Fixtures.path("ca.pem").toString(), "-verify_return_error",
                "-brief", "-ign_eof", version));
        command.addAll(List.of(extra));
        return Tools.run(10, REQUEST, command);
    }
}
