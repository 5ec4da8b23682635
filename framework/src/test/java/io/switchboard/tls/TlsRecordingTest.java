package io.switchboard.tls;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.http.HttpResponse;
import io.switchboard.http.HttpService;
import io.switchboard.http.Routes;
import io.switchboard.server.Server;
import java.io.IOException;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.charset.StandardCharsets;
import java.security.KeyStore;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * TLS handshakes over loopback, counted by the server's context and recorded by JFR: one that completes (the JDK's
 * client trusting the fixtures' CA), one that fails (plaintext HTTP sent to the TLS port), and one the client gives up
 * (a client that trusts only the JDK's CAs refuses the certificate and closes).
 */
class TlsRecordingTest {
    private final TlsServerContext tls = TlsServerContext.create(TlsServerConfig.builder()
            .identity(Fixtures.identity("ec.pem", "ec-pkcs8.key")).applicationProtocols("http/1.1").build());
    private final List<RecordedEvent> handshakes = new CopyOnWriteArrayList<>();
    private final RecordingStream stream = new RecordingStream();
    private Server server;

    @AfterEach
    void stop() {
        stream.close();
        if (server != null) {
            server.close();
        }
    }

    private static HttpClient trusting() throws Exception {
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("ca", Fixtures.certificate("ca.pem"));
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, tmf.getTrustManagers(), null);
        return HttpClient.newBuilder().sslContext(context).connectTimeout(Duration.ofSeconds(5)).build();
    }

    @Test
    void aCompletedAndAFailedHandshakeAreCountedAndRecorded() throws Exception {
        stream.setReuse(false); // the events are kept after the callback
        stream.enable("io.switchboard.TlsHandshake");
        stream.onEvent("io.switchboard.TlsHandshake", handshakes::add);
        stream.startAsync();
        Routes routes = Routes.builder().get("/hello", (req, res) -> res.send(HttpResponse.of(200).body("hello"))).build();
        server = Server.builder().workers(1).tls(tls).pipeline(new HttpService(routes)).start();
        URI uri = URI.create("https://localhost:" + server.localAddress().getPort() + "/hello");

        java.net.http.HttpResponse<String> answer = trusting().send(HttpRequest.newBuilder(uri)
                .timeout(Duration.ofSeconds(10)).build(), BodyHandlers.ofString());
        assertEquals(200, answer.statusCode());
        try (Socket plaintext = new Socket("127.0.0.1", server.localAddress().getPort())) {
            plaintext.setSoTimeout(10_000);
            plaintext.getOutputStream().write("GET /hello HTTP/1.1\r\nHost: t\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            plaintext.getInputStream().readAllBytes(); // the server's alert, then its close
        }
        await().atMost(15, TimeUnit.SECONDS).until(() -> handshakes.size() >= 2);
        HttpClient untrusting = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        assertThrows(IOException.class, () -> untrusting.send(HttpRequest.newBuilder(uri)
                .timeout(Duration.ofSeconds(10)).build(), BodyHandlers.ofString()));

        await().atMost(15, TimeUnit.SECONDS).until(() -> handshakes.size() >= 3);
        // the server's context: 1 completed, 1 failed (the client that gave up closed: neither)
        assertEquals(1, tls.counters().handshakeFailures(), tls.counters() + " " + handshakes);
        assertEquals(1, tls.counters().handshakes());
        assertTrue(handshakes.stream().anyMatch(e -> e.getString("outcome").equals("closed")), handshakes.toString());
        RecordedEvent completed = handshakes.stream().filter(e -> e.getString("outcome").equals("completed"))
                .findFirst().orElseThrow(() -> new AssertionError(handshakes.toString()));
        assertFalse(completed.getBoolean("client"));
        assertEquals("TLSv1.3", completed.getString("protocol"));
        assertEquals("http/1.1", completed.getString("alpn"));
        assertEquals("localhost", completed.getString("serverName"));
        assertTrue(completed.getString("cipherSuite").startsWith("TLS_"), completed.toString());
        assertTrue(completed.getString("remoteAddress").contains("127.0.0.1"), completed.toString());
        RecordedEvent failed = handshakes.stream().filter(e -> e.getString("outcome").equals("failed"))
                .findFirst().orElseThrow(() -> new AssertionError(handshakes.toString()));
        assertFalse(failed.getString("failure").isEmpty(), failed.toString());
        assertEquals("", failed.getString("protocol"));
    }
}
