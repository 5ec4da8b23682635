package io.switchboard.websocket;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.http.HttpRequest;
import io.switchboard.http.HttpService;
import io.switchboard.http.Routes;
import io.switchboard.lifecycle.Backoff;
import io.switchboard.lifecycle.Reconnector;
import io.switchboard.server.Client;
import io.switchboard.server.Server;
import io.switchboard.tls.Identity;
import io.switchboard.tls.TlsClientConfig;
import io.switchboard.tls.TlsClientContext;
import io.switchboard.tls.TlsServerConfig;
import io.switchboard.tls.TlsServerContext;
import io.switchboard.tls.Trust;
import java.net.ConnectException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Our WebSocket client against our server over loopback sockets, plaintext and TLS: echo both ways with and without
 * permessage-deflate, pings, the closing handshake, refusals, and reconnecting after the server restarts.
 */
class WebSocketClientLoopbackTest {
    private final List<AutoCloseable> closing = new CopyOnWriteArrayList<>();
    /** The handshake requests the server saw. */
    private final List<HttpRequest> handshakes = new CopyOnWriteArrayList<>();

    /** The server's side: says welcome, echoes, and closes with 4000 when asked to. */
    private static final WebSocketHandler ECHO = new WebSocketHandler() {
        @Override
        public void onOpen(WebSocket ws) {
            ws.sendText("welcome" + (ws.subprotocol() == null ? "" : " " + ws.subprotocol()));
        }

        @Override
        public void onText(WebSocket ws, String text) {
            if (text.equals("close me")) {
                ws.close(4000, "as asked");
            } else {
                ws.sendText(text);
            }
        }

        @Override
        public void onBinary(WebSocket ws, ByteBuffer data) {
            ws.sendBinary(data);
        }
    };

    @AfterEach
    void closeAll() throws Exception {
        for (AutoCloseable c : closing) {
            c.close();
        }
    }

    private <T extends AutoCloseable> T closing(T c) {
        closing.add(0, c);
        return c;
    }

    private Server server(int port, TlsServerContext tls, Function<HttpRequest, WebSocketHandler> handlers) {
        WebSocketConfig config = WebSocketConfig.DEFAULTS.withMaxMessageSize(1 << 20).withDeflate(DeflateOptions.DEFAULTS);
        Routes routes = Routes.builder()
                .get("/echo", WebSocketUpgrade.builder(request -> {
                    handshakes.add(request);
                    return handlers.apply(request);
                }).config(config).subprotocols("v2.echo").build())
                .build();
        Server.Builder b = Server.builder().host("127.0.0.1").port(port).workers(1).pipeline(new HttpService(routes));
        if (tls != null) {
            b.tls(tls);
        }
        return b.start();
    }

    private static Path fixture(String name) {
        try {
            return Path.of(WebSocketClientLoopbackTest.class.getResource("/tls/" + name).toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Echo of text and binary, a ping, then the client closes: the same on ws:// and wss://. */
    private void echoBothWays(WebSocketClient websockets, URI uri) throws Exception {
        Collector client = new Collector();
        WebSocket ws = websockets.connect(uri, client).get(10, TimeUnit.SECONDS);
        client.expect("open");
        assertEquals("v2.echo", ws.subprotocol());
        client.expect("text:welcome v2.echo");
        Random random = new Random(7);
        byte[] noise = new byte[200_000];
        random.nextBytes(noise);
        String greek = "κόσμε 𝄞 ".repeat(2000);
        ws.sendText("hello");
        ws.sendBinary(noise);
        ws.sendText(greek);
        ws.sendPing("are you there".getBytes());
        client.expect("text:hello");
        client.expect("binary:" + Collector.describe(noise));
        client.expect("text:" + greek);
        client.expect("pong:are you there");
        ws.close(1000, "done");
        client.expect("close:1000:");
        await().atMost(Duration.ofSeconds(10)).until(() -> !ws.connection().isOpen());
    }

    @Test
    void echoesBothWaysOverWsWithDeflateOfferedAndAgreed() throws Exception {
        Server server = closing(server(0, null, request -> ECHO));
        Client client = closing(Client.builder().build());
        WebSocketClient websockets = WebSocketClient.builder(client).subprotocols("v3.echo", "v2.echo")
                .config(WebSocketConfig.DEFAULTS.withMaxMessageSize(1 << 20).withDeflate(DeflateOptions.DEFAULTS))
                .header("X-Trace", "t-1").build();
        URI uri = URI.create("ws://127.0.0.1:" + server.localAddress().getPort() + "/echo?x=1");
        echoBothWays(websockets, uri);
        HttpRequest seen = handshakes.get(0);
        assertEquals("/echo", seen.path());
        assertEquals("1", seen.queryParam("x"));
        assertEquals("127.0.0.1:" + server.localAddress().getPort(), seen.headers().get("Host"));
        assertEquals("permessage-deflate", seen.headers().get("Sec-WebSocket-Extensions"));
        assertEquals("t-1", seen.headers().get("X-Trace"));
        await().atMost(Duration.ofSeconds(10)).until(() -> server.connectionCount() == 0);
    }

    @Test
    void echoesBothWaysOverWssWithTheClientsTlsContext() throws Exception {
        TlsServerContext serverTls = TlsServerContext.create(TlsServerConfig.builder()
                .identity(Identity.pem(fixture("ec.pem"), fixture("ec-pkcs8.key"))).build());
        Server server = closing(server(0, serverTls, request -> ECHO));
        TlsClientContext clientTls = TlsClientContext.create(TlsClientConfig.builder().trust(Trust.pem(fixture("ca.pem"))).build());
        Client client = closing(Client.builder().tls(clientTls).build());
        WebSocketClient websockets = WebSocketClient.builder(client).subprotocols("v2.echo")
                .config(WebSocketConfig.DEFAULTS.withMaxMessageSize(1 << 20)).build();
        // "localhost": the name the certificate holds, sent in SNI and checked.
        echoBothWays(websockets, URI.create("wss://localhost:" + server.localAddress().getPort() + "/echo"));
        assertEquals(0, clientTls.counters().handshakeFailures());

        // The same client connects plaintext to a ws:// URI; a wss:// URI on a plaintext client is refused at once.
        Server plain = closing(server(0, null, request -> ECHO));
        Collector c = new Collector();
        websockets.connect(URI.create("ws://127.0.0.1:" + plain.localAddress().getPort() + "/echo"), c).get(10, TimeUnit.SECONDS);
        c.expect("open");
        WebSocketClient noTls = WebSocketClient.builder(closing(Client.builder().build())).build();
        assertThrows(IllegalArgumentException.class, () -> noTls.connect(URI.create("wss://localhost/echo"), c));
    }

    @Test
    void aCertificateForAnotherNameFailsTheFutureWithTheTlsError() throws Exception {
        TlsServerContext serverTls = TlsServerContext.create(TlsServerConfig.builder()
                .identity(Identity.pem(fixture("other.pem"), fixture("other.key"))).build());
        Server server = closing(server(0, serverTls, request -> ECHO));
        TlsClientContext clientTls = TlsClientContext.create(TlsClientConfig.builder().trust(Trust.pem(fixture("ca.pem"))).build());
        WebSocketClient websockets = WebSocketClient.builder(closing(Client.builder().tls(clientTls).build())).build();
        ExecutionException e = assertThrows(ExecutionException.class, () -> websockets.connect(
                URI.create("wss://localhost:" + server.localAddress().getPort() + "/echo"), new Collector())
                .get(10, TimeUnit.SECONDS));
        assertInstanceOf(javax.net.ssl.SSLException.class, e.getCause(), "the certificate names other.test, not localhost");
        assertEquals(1, clientTls.counters().handshakeFailures());
    }

    @Test
    void theServerClosingIsHeardAndRefusalsAndDeadPortsFailTheFuture() throws Exception {
        Server server = closing(server(0, null, request -> "yes".equals(request.queryParam("let")) ? ECHO : null));
        WebSocketClient websockets = WebSocketClient.builder(closing(Client.builder().build())).build();
        int port = server.localAddress().getPort();

        Collector c = new Collector();
        WebSocket ws = websockets.connect(URI.create("ws://127.0.0.1:" + port + "/echo?let=yes"), c).get(10, TimeUnit.SECONDS);
        c.expect("open");
        c.expect("text:welcome");
        assertNull(ws.subprotocol(), "none offered");
        ws.sendText("close me");
        c.expect("close:4000:as asked");

        ExecutionException refused = assertThrows(ExecutionException.class, () -> websockets.connect(
                URI.create("ws://127.0.0.1:" + port + "/echo"), new Collector()).get(10, TimeUnit.SECONDS));
        WebSocketHandshakeException e = assertInstanceOf(WebSocketHandshakeException.class, refused.getCause());
        assertEquals(403, e.status());
        ExecutionException notFound = assertThrows(ExecutionException.class, () -> websockets.connect(
                URI.create("ws://127.0.0.1:" + port + "/nowhere"), new Collector()).get(10, TimeUnit.SECONDS));
        assertEquals(404, ((WebSocketHandshakeException) notFound.getCause()).status());

        int dead;
        try (ServerSocket s = new ServerSocket(0)) {
            dead = s.getLocalPort();
        }
        ExecutionException noServer = assertThrows(ExecutionException.class, () -> websockets.connect(
                URI.create("ws://127.0.0.1:" + dead + "/echo"), new Collector()).get(10, TimeUnit.SECONDS));
        assertInstanceOf(ConnectException.class, noServer.getCause());
        await().atMost(Duration.ofSeconds(10)).until(() -> server.connectionCount() == 0);
    }

    @Test
    void eachConnectionSendsAFreshKey() throws Exception {
        Server server = closing(server(0, null, request -> ECHO));
        WebSocketClient websockets = WebSocketClient.builder(closing(Client.builder().build())).build();
        URI uri = URI.create("ws://127.0.0.1:" + server.localAddress().getPort() + "/echo");
        for (int i = 0; i < 5; i++) {
            websockets.connect(uri, new Collector()).get(10, TimeUnit.SECONDS).close();
        }
        Set<String> keys = ConcurrentHashMap.newKeySet();
        for (HttpRequest r : handshakes) {
            String key = r.headers().get("Sec-WebSocket-Key");
            assertEquals(16, Base64.getDecoder().decode(key).length);
            keys.add(key);
        }
        assertEquals(5, keys.size(), "five connections, five keys");
    }

    @Test
    void notWebSocketUris() {
        WebSocketClient websockets = WebSocketClient.builder(closing(Client.builder().build())).build();
        for (String uri : List.of("http://localhost/", "ws:///nohost", "ws://localhost/#fragment", "mailto:a@b")) {
            assertThrows(IllegalArgumentException.class, () -> websockets.connect(URI.create(uri), new Collector()), uri);
        }
    }

    @Test
    void reconnectsWithBackoffAfterTheServerRestartsAndWhileItRefuses() throws Exception {
        Server first = server(0, null, request -> ECHO);
        int port = first.localAddress().getPort();
        Client client = closing(Client.builder().connectTimeout(Duration.ofSeconds(2)).build());
        WebSocketClient websockets = WebSocketClient.builder(client).build();
        Collector c = new Collector();
        Backoff fast = new Backoff(Duration.ofMillis(20), Duration.ofMillis(200), 2.0, 0.2);
        Reconnector link = closing(websockets.reconnect(URI.create("ws://127.0.0.1:" + port + "/echo"), c, fast));
        c.expect("open");
        c.expect("text:welcome");
        // The handshake's events run on the loop before the reconnector records the connection it completed.
        await().atMost(Duration.ofSeconds(10)).until(() -> link.connection() != null);
        c.ws.sendText("before");
        c.expect("text:before");

        first.closeGracefully(Duration.ofSeconds(5));
        c.expect("close:1001:going away"); // the server's graceful close: a close frame with 1001
        await().atMost(Duration.ofSeconds(10)).until(() -> link.connection() == null);

        // The restarted server refuses the first two handshakes (403): the reconnector goes on trying.
        AtomicInteger refusals = new AtomicInteger();
        Server second = closing(server(port, null, request -> refusals.incrementAndGet() <= 2 ? null : ECHO));
        c.expect("open");
        c.expect("text:welcome");
        assertEquals(3, refusals.get(), "two refusals, then the handshake that opened");
        assertEquals(2, c.opens.get());
        WebSocket second1 = c.ws;
        second1.sendText("after");
        c.expect("text:after");
        assertEquals(1, second.connectionCount());

        link.close();
        await().atMost(Duration.ofSeconds(10)).until(() -> second.connectionCount() == 0);
        assertTrue(c.next().startsWith("close:"), "the handler heard the close");
    }

    @Test
    void aHandshakeThatNeverAnswersTimesOut() throws Exception {
        // A plain TCP server that reads and never answers.
        try (ServerSocket silent = new ServerSocket(0, 10, java.net.InetAddress.getLoopbackAddress())) {
            WebSocketClient websockets = WebSocketClient.builder(closing(Client.builder().build()))
                    .handshakeTimeout(Duration.ofMillis(300)).build();
            CompletableFuture<WebSocket> f = websockets.connect(
                    URI.create("ws://127.0.0.1:" + silent.getLocalPort() + "/"), new Collector());
            try (java.net.Socket accepted = silent.accept()) {
                ExecutionException e = assertThrows(ExecutionException.class, () -> f.get(10, TimeUnit.SECONDS));
                assertTrue(e.getCause().getMessage().contains("within PT0.3S"), e.getCause().getMessage());
                accepted.setSoTimeout(10_000);
                String sent = new String(accepted.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.ISO_8859_1);
                assertTrue(sent.startsWith("GET / HTTP/1.1\r\n"), "the request, then the client's FIN: " + sent);
            }
        }
    }
}
