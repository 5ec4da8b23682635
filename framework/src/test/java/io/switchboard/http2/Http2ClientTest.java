package io.switchboard.http2;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.http.HttpConfig;
import io.switchboard.http.HttpResponder;
import io.switchboard.http.HttpResponse;
import io.switchboard.http.HttpService;
import io.switchboard.http.Routes;
import io.switchboard.server.Client;
import io.switchboard.server.Server;
import java.net.ProtocolException;
import java.net.SocketAddress;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The HTTP/2 client against Switchboard's own HTTP/2 server over loopback, h2c with prior knowledge: concurrent
 * requests on one connection, bodies and answers larger than the flow-control windows, the server's
 * {@code SETTINGS_MAX_CONCURRENT_STREAMS} kept, and a server that speaks only HTTP/1 refused clearly.
 */
class Http2ClientTest {
    /** A body of 1.5 MiB: over the 65,535-byte initial windows and over the server's 1 MiB connection window. */
    private static final int LARGE = 1536 * 1024;
    private static final byte[] BIG = random(LARGE, 7);

    private final List<AutoCloseable> open = new ArrayList<>();
    private final Set<SocketAddress> peers = ConcurrentHashMap.newKeySet();

    @AfterEach
    void closeAll() throws Exception {
        for (int i = open.size() - 1; i >= 0; i--) {
            open.get(i).close();
        }
    }

    private Routes routes() {
        return Routes.builder()
                .get("/id", (req, res) -> {
                    peers.add(req.remoteAddress());
                    res.send(HttpResponse.text("id " + req.queryParam("i")));
                })
                .post("/echo", (req, res) -> res.send(HttpResponse.of(200).body(req.body())))
                .get("/big", (req, res) -> res.send(HttpResponse.of(200).body(BIG)))
                .build();
    }

    private int server(HttpService service) {
        Server server = Server.builder().host("127.0.0.1").port(0).workers(1).pipeline(service).start();
        open.add(server::close);
        return server.localAddress().getPort();
    }

    private Http2ClientConnection connect(int port, Http2Client.Builder settings) throws Exception {
        Http2ClientConnection c = settings.build().connect(URI.create("http://127.0.0.1:" + port)).get(10, TimeUnit.SECONDS);
        open.add(c::close);
        return c;
    }

    private Http2Client.Builder h2() {
        Client client = Client.builder().build();
        open.add(client);
        return Http2Client.builder(client);
    }

    @Test
    void manyConcurrentRequestsOnOneConnectionGetTheirOwnAnswers() throws Exception {
        int port = server(new HttpService(HttpConfig.DEFAULTS, routes()).withPriorKnowledge(Http2Server.DEFAULTS));
        Http2ClientConnection c = connect(port, h2());
        int n = 300; // over the server's 100 concurrent streams: the rest wait for a stream, none is refused
        List<CompletableFuture<Http2Response>> answers = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            answers.add(c.send(Http2Request.get("/id?i=" + i)));
        }
        for (int i = 0; i < n; i++) {
            Http2Response answer = answers.get(i).get(10, TimeUnit.SECONDS);
            assertEquals(200, answer.status());
            assertEquals("id " + i, answer.bodyText(), "request " + i + " got its own answer");
            assertEquals(String.valueOf(("id " + i).length()), answer.headers().get("content-length"));
        }
        assertEquals(1, peers.size(), "all 300 on one connection: " + peers);
    }

    @Test
    void aBodyLargerThanTheWindowsIsEchoedIntact() throws Exception {
        int port = server(new HttpService(HttpConfig.DEFAULTS, routes()).withPriorKnowledge(Http2Server.DEFAULTS));
        Http2ClientConnection c = connect(port, h2());
        Http2Response answer = c.send(Http2Request.post("/echo", BIG)).get(20, TimeUnit.SECONDS);
        assertEquals(200, answer.status());
        assertArrayEquals(BIG, answer.body(), "1.5 MiB sent through the server's windows and echoed intact");
    }

    @Test
    void anAnswerLargerThanTheWindowsFlows() throws Exception {
        int port = server(new HttpService(HttpConfig.DEFAULTS, routes()).withPriorKnowledge(Http2Server.DEFAULTS));
        // the smallest windows: 65,535 bytes for the stream and the connection, 24 times less than the answer
        Http2ClientConnection c = connect(port, h2().streamWindow(65_535).connectionWindow(65_535));
        List<CompletableFuture<Http2Response>> answers = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            answers.add(c.send(Http2Request.get("/big")));
        }
        for (CompletableFuture<Http2Response> a : answers) {
            assertArrayEquals(BIG, a.get(20, TimeUnit.SECONDS).body(), "1.5 MiB through windows of 64 KiB");
        }
    }

    @Test
    void anAnswerOverTheLimitFailsItsRequestOnly() throws Exception {
        int port = server(new HttpService(HttpConfig.DEFAULTS, routes()).withPriorKnowledge(Http2Server.DEFAULTS));
        Http2ClientConnection c = connect(port, h2().maxResponseBody(LARGE - 1));
        ExecutionException e = assertThrows(ExecutionException.class,
                () -> c.send(Http2Request.get("/big")).get(10, TimeUnit.SECONDS));
        Http2RequestException failure = assertInstanceOf(Http2RequestException.class, e.getCause());
        assertEquals(Http2Error.CANCEL, failure.error(), failure.getMessage());
        assertEquals("id 1", c.send(Http2Request.get("/id?i=1")).get(10, TimeUnit.SECONDS).bodyText(),
                "the connection goes on");
    }

    /**
     * The server allows 4 streams and holds every request until 4 are open, then answers the 4 from another thread:
     * 40 requests are sent at once, 4 are ever open at the server, and none is refused (the server would reset a
     * fifth with REFUSED_STREAM, which fails its request).
     */
    @Test
    void theServersMaxConcurrentStreamsIsKept() throws Exception {
        List<HttpResponder> held = new ArrayList<>();
        AtomicInteger most = new AtomicInteger();
        Routes routes = Routes.builder().get("/held", (req, res) -> {
            held.add(res); // the server's one loop thread
            most.accumulateAndGet(held.size(), Math::max);
            if (held.size() == 4) {
                // answered from another thread: the 4 streams stay open while the server reads on, so a fifth
                // HEADERS in the same read would be refused
                List<HttpResponder> four = List.copyOf(held);
                held.clear();
                CompletableFuture.runAsync(() -> four.forEach(r -> r.send(HttpResponse.text("done"))));
            }
        }).build();
        Http2Limits four = Http2Limits.DEFAULTS.withFrames(Http2Config.DEFAULTS.withSettings(
                Http2Config.DEFAULTS.settings().with(Http2Settings.MAX_CONCURRENT_STREAMS, 4)));
        int port = server(new HttpService(HttpConfig.DEFAULTS, routes).withPriorKnowledge(Http2Server.of(four)));
        Http2ClientConnection c = connect(port, h2());
        List<CompletableFuture<Http2Response>> answers = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            answers.add(c.send(Http2Request.get("/held")));
        }
        for (CompletableFuture<Http2Response> a : answers) {
            assertEquals("done", a.get(10, TimeUnit.SECONDS).bodyText());
        }
        assertEquals(4, most.get(), "4 streams open at the server at most, and 4 reached");
        CompletableFuture<Long> limit = new CompletableFuture<>();
        c.connection().loop().execute(() -> limit.complete(c.maxConcurrentStreams()));
        assertEquals(4, limit.get(5, TimeUnit.SECONDS), "the server's SETTINGS_MAX_CONCURRENT_STREAMS");
    }

    /**
     * The server shuts down gracefully with 3 streams taken and unanswered: its GOAWAY makes new requests fail
     * retryable, the 3 taken are still answered, and the connection closes after them.
     */
    @Test
    void aServerClosingGracefullyFinishesTheStreamsItTook() throws Exception {
        List<HttpResponder> held = new java.util.concurrent.CopyOnWriteArrayList<>();
        Routes routes = Routes.builder()
                .get("/held", (req, res) -> held.add(res))
                .get("/id", (req, res) -> res.send(HttpResponse.text("id " + req.queryParam("i"))))
                .build();
        Server server = Server.builder().host("127.0.0.1").port(0).workers(1)
                .pipeline(new HttpService(HttpConfig.DEFAULTS, routes).withPriorKnowledge(Http2Server.DEFAULTS)).start();
        open.add(server::close);
        Http2ClientConnection c = connect(server.localAddress().getPort(), h2());
        List<CompletableFuture<Http2Response>> taken = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            taken.add(c.send(Http2Request.get("/held")));
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> held.size() == 3);
        CompletableFuture<Boolean> closed = CompletableFuture.supplyAsync(
                () -> server.closeGracefully(Duration.ofSeconds(20)));
        await().atMost(Duration.ofSeconds(10)).until(() -> { // until the GOAWAY has come
            try {
                c.send(Http2Request.get("/id?i=1")).get(5, TimeUnit.SECONDS);
                return false;
            } catch (ExecutionException e) {
                Http2RequestException refused = assertInstanceOf(Http2RequestException.class, e.getCause());
                assertTrue(refused.retryable(), refused.getMessage());
                return true;
            }
        });
        for (int i = 0; i < 3; i++) {
            held.get(i).send(HttpResponse.text("taken " + i));
        }
        for (int i = 0; i < 3; i++) {
            assertEquals("taken " + i, taken.get(i).get(10, TimeUnit.SECONDS).bodyText(), "a stream the server took");
        }
        c.closeFuture().get(10, TimeUnit.SECONDS);
        assertTrue(closed.get(20, TimeUnit.SECONDS), "every connection closed by itself");
    }

    @Test
    void aServerThatSpeaksOnlyHttp1FailsClearly() throws Exception {
        int port = server(new HttpService(HttpConfig.DEFAULTS, routes())); // HTTP/1 only: no prior knowledge
        CompletableFuture<Http2ClientConnection> c = h2().build().connect(URI.create("http://127.0.0.1:" + port));
        ExecutionException e = assertThrows(ExecutionException.class, () -> c.get(10, TimeUnit.SECONDS));
        ProtocolException failure = assertInstanceOf(ProtocolException.class, e.getCause());
        assertTrue(failure.getMessage().contains("does not speak HTTP/2 with prior knowledge: it answered 'HTTP/1.1 "),
                failure.getMessage());
    }

    static byte[] random(int n, long seed) {
        byte[] bytes = new byte[n];
        new Random(seed).nextBytes(bytes);
        return bytes;
    }
}
