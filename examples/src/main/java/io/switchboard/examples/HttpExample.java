package io.switchboard.examples;

import io.switchboard.http.HttpConfig;
import io.switchboard.http.HttpException;
import io.switchboard.http.HttpHandler;
import io.switchboard.http.HttpRequest;
import io.switchboard.http.HttpResponder;
import io.switchboard.http.HttpResponse;
import io.switchboard.http.HttpService;
import io.switchboard.http.ResponseStream;
import io.switchboard.http.Routes;
import io.switchboard.http.StaticFiles;
import io.switchboard.http2.Http2Server;
import io.switchboard.loop.Offload;
import io.switchboard.proxy.ProxyProtocol;
import io.switchboard.server.Server;
import io.switchboard.tls.TlsServerContext;
import io.switchboard.websocket.DeflateOptions;
import io.switchboard.websocket.WebSocket;
import io.switchboard.websocket.WebSocketConfig;
import io.switchboard.websocket.WebSocketHandler;
import io.switchboard.websocket.WebSocketUpgrade;
import java.net.Inet6Address;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The HTTP example, HTTP/1.1 and HTTP/2 with prior knowledge (h2c) on one port: TechEmpower's plaintext and JSON
 * routes, 64 KiB of JSON at {@code /json64k} (compressed
 * when the server runs with {@code --compress}), an echo, a chunked stream written from another thread, a
 * delayed answer completed by a timer (pipelined answers still leave in order), a WebSocket echo at
 * {@code /ws/echo}, an upload of any size digested as it streams in ({@code PUT /upload}, {@link Sha256Upload}),
 * a small REST resource with path parameters ({@code /users/{id}}, {@link UsersApi}) and, with
 * {@code --static DIR}, the files of a directory at {@code /static/}.
 */
public final class HttpExample {
    /** Shared, pre-built answers: a response is never modified by the server, so it can be sent again and again. */
    private static final HttpResponse PLAINTEXT = HttpResponse.of(200)
            .header("Content-Type", "text/plain").body("Hello, World!");
    private static final HttpResponse JSON = HttpResponse.of(200)
            .header("Content-Type", "application/json").body("{\"message\":\"Hello, World!\"}");
    private static final HttpResponse STREAM_HEAD = HttpResponse.of(200).header("Content-Type", "text/plain");
    /** The size of {@code /json64k}'s body. */
    static final int LARGE_JSON_BYTES = 64 * 1024;
    /**
     * 64 KiB of JSON records: what a compressed API answer looks like (the bench's http-gzip-64k scenario asks
     * for it with {@code Accept-Encoding: gzip}; with {@code --compress} it leaves compressed, about 6 to 1).
     */
    private static final HttpResponse LARGE_JSON = HttpResponse.of(200)
            .header("Content-Type", "application/json").body(largeJson(LARGE_JSON_BYTES));
    /**
     * The ALPN protocols the HTTPS server offers, in order of preference: HTTP/2 ({@code h2}), then HTTP/1.1 for
     * clients that do not speak HTTP/2.
     */
    public static final List<String> ALPN = List.of(Http2Server.ALPN, "http/1.1");
    private static final int MAX_CHUNKS = 10_000;
    /** Where {@code --static DIR} is served. */
    static final String STATIC_PREFIX = "/static";
    private static final int MAX_DELAY_MS = 60_000;
    /** The largest WebSocket message {@code /ws/echo} takes: 16 MiB, the size of Autobahn's largest cases. */
    public static final int MAX_WS_MESSAGE = 16 * 1024 * 1024;
    /** Sends every message back as it came, text as text and binary as binary; one handler serves every connection. */
    private static final WebSocketHandler ECHO = new WebSocketHandler() {
        @Override
        public void onText(WebSocket ws, String text) {
            ws.sendText(text);
        }

        @Override
        public void onBinary(WebSocket ws, ByteBuffer data) {
            ws.sendBinary(data);
        }
    };
    /**
     * The {@code /ws/echo} handshake: messages up to {@link #MAX_WS_MESSAGE}, permessage-deflate with the default
     * options when the client offers it (a client that offers none gets plain frames).
     */
    static final WebSocketUpgrade WS_ECHO = WebSocketUpgrade.builder(request -> ECHO)
            .config(WebSocketConfig.DEFAULTS.withMaxMessageSize(MAX_WS_MESSAGE).withDeflate(DeflateOptions.DEFAULTS))
            .build();

    private HttpExample() {
    }

    /** The routes; blocking work (the stream's pauses) runs on {@code offload}. */
    public static Routes routes(Offload offload) {
        return routeBuilder(offload).build();
    }

    /** The routes, still open to more (a test adds the WebSocket echo at {@code /}, where Autobahn asks for it). */
    static Routes.Builder routeBuilder(Offload offload) {
        Routes.Builder routes = Routes.builder()
                .get("/plaintext", (req, res) -> res.send(PLAINTEXT))
                .get("/json", (req, res) -> res.send(JSON))
                .get("/json64k", (req, res) -> res.send(LARGE_JSON))
                .post("/echo", (req, res) -> res.send(HttpResponse.of(200)
                        .header("Content-Type", contentType(req)).body(req.body())))
                .get("/stream", (req, res) -> stream(req, res, offload))
                .get("/delay", HttpExample::delay)
                .get("/ws/echo", WS_ECHO)
                .get("/whoami", HttpExample::whoami)
                .put("/upload", new Sha256Upload());
        return new UsersApi().addTo(routes);
    }

    /** Starts the HTTP example server. */
    public static Server start(String host, int port, int workers, HttpConfig config, Offload offload) {
        return start(host, port, workers, config, offload, null);
    }

    /**
     * Starts the HTTP example server, serving HTTPS when {@code tls} is not null (give its configuration the ALPN
     * protocols {@code h2} and {@code http/1.1}, as {@link #ALPN}: HTTP/2 over TLS is chosen by ALPN).
     */
    public static Server start(String host, int port, int workers, HttpConfig config, Offload offload,
                               TlsServerContext tls) {
        return start(host, port, workers, config, routes(offload), tls);
    }

    /**
     * Starts the HTTP example server as {@link #start(String, int, int, HttpConfig, Offload, TlsServerContext)} does,
     * serving the files under {@code staticDir} at {@code /static/} when it is not null ({@link StaticFiles}).
     */
    public static Server start(String host, int port, int workers, HttpConfig config, Offload offload,
                               TlsServerContext tls, Path staticDir) {
        Routes.Builder routes = routeBuilder(offload);
        if (staticDir != null) {
            routes.get(STATIC_PREFIX + "/*", StaticFiles.of(staticDir, STATIC_PREFIX));
        }
        return start(host, port, workers, config, routes.build(), tls);
    }

    /** Starts the example's server with other routes (the example's own and more, for a test). */
    static Server start(String host, int port, int workers, HttpConfig config, HttpHandler routes, TlsServerContext tls) {
        return start(host, port, workers, config, routes, tls, null);
    }

    /** As above, behind a proxy that sends the PROXY protocol header when {@code proxy} is not null. */
    static Server start(String host, int port, int workers, HttpConfig config, HttpHandler routes, TlsServerContext tls,
                        ProxyProtocol proxy) {
        return Server.builder()
                .host(host)
                .port(port)
                .workers(workers)
                .tls(tls)
                .proxyProtocol(proxy)
                .pipeline(new HttpService(config, routes).withPriorKnowledge(Http2Server.DEFAULTS))
                .start();
    }

    /**
     * A JSON array of user records, {@code size} bytes long (cut to size, so the last record is not closed): the
     * body of {@code /json64k}. The bench's Netty server makes the same bytes the same way.
     *
     * @param size the length in bytes; at least 2
     * @return the bytes
     */
    public static byte[] largeJson(int size) {
        StringBuilder b = new StringBuilder(size + 200).append('[');
        for (int i = 0; b.length() < size; i++) {
            b.append(i == 0 ? "" : ",").append("{\"id\":").append(i).append(",\"name\":\"user ").append(i * 7919 % 10007)
                    .append("\",\"email\":\"user").append(i * 31 % 997).append("@example.com\",\"active\":")
                    .append(i % 3 != 0).append(",\"score\":").append(i * 104729 % 1000).append('}');
        }
        return (b.substring(0, size - 1) + "]").getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    }

    /**
     * Starts the HTTP example server with the choice of {@code --metrics} or {@code --no-metrics}: with the first, the
     * routes include {@code GET /metrics} (Prometheus text); the files under {@code staticDir} at {@code /static/}
     * when it is not null; behind a proxy that sends the PROXY protocol header when {@code proxy} is not null.
     */
    static Server start(String host, int port, int workers, HttpConfig config, Offload offload, TlsServerContext tls,
                        Path staticDir, ExampleMetrics metrics, ProxyProtocol proxy) {
        Routes.Builder routes = routeBuilder(offload);
        if (staticDir != null) {
            routes.get(STATIC_PREFIX + "/*", StaticFiles.of(staticDir, STATIC_PREFIX));
        }
        HttpService service = new HttpService(config, metrics.routes(routes, offload), metrics.http())
                .withPriorKnowledge(Http2Server.DEFAULTS);
        Server server = Server.builder()
                .host(host)
                .port(port)
                .workers(workers)
                .tls(tls)
                .proxyProtocol(proxy)
                .metrics(metrics.counts())
                .pipeline(service)
                .start();
        metrics.bind(server, service, tls);
        return server;
    }

    /**
     * {@code /whoami}: the client's address as {@code IP:PORT} ({@code [IP]:PORT} for IPv6), the PROXY header's
     * source when the server runs with {@code --proxy-protocol}.
     */
    private static void whoami(HttpRequest req, HttpResponder res) {
        String text = String.valueOf(req.remoteAddress());
        if (req.remoteAddress() instanceof InetSocketAddress client && client.getAddress() != null) {
            String ip = client.getAddress().getHostAddress();
            text = (client.getAddress() instanceof Inet6Address ? "[" + ip + "]" : ip) + ":" + client.getPort();
        }
        res.send(HttpResponse.of(200).header("Content-Type", "text/plain").body(text));
    }

    private static String contentType(HttpRequest req) {
        String type = req.header("Content-Type");
        return type != null ? type : "application/octet-stream";
    }

    /**
     * {@code /stream?n=K}: K chunks, one every 10 ms, written from an offload thread. A model producer: it
     * stops as soon as the stream closes (the client left), {@code write} holds it back while the client is
     * behind, a full offload executor answers 503 before anything is sent (the service maps its
     * {@link java.util.concurrent.RejectedExecutionException}), and a stream it cannot finish is failed, so
     * that the client sees the body cut rather than a short body that looks complete.
     */
    private static void stream(HttpRequest req, HttpResponder res, Offload offload) {
        int n = intParam(req, "n", 10, 0, MAX_CHUNKS);
        offload.execute(() -> {
            ResponseStream body = res.stream(STREAM_HEAD);
            try {
                for (int i = 1; i <= n && body.isOpen(); i++) {
                    body.write("chunk " + i + "\n");
                    Thread.sleep(10);
                }
                body.end();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                res.fail(e);
            } catch (RuntimeException e) {
                res.fail(e);
            }
        });
    }

    /** {@code /delay?ms=N}: answered by a timer on the connection's loop after N ms. */
    private static void delay(HttpRequest req, HttpResponder res) {
        int ms = intParam(req, "ms", 0, 0, MAX_DELAY_MS);
        res.loop().schedule(() -> res.send(HttpResponse.of(200).header("Content-Type", "text/plain")
                .body("delayed " + ms)), ms, TimeUnit.MILLISECONDS);
    }

    private static int intParam(HttpRequest req, String name, int fallback, int min, int max) {
        String value = req.queryParam(name);
        if (value == null) {
            return fallback;
        }
        try {
            int n = Integer.parseInt(value);
            if (n >= min && n <= max) {
                return n;
            }
        } catch (NumberFormatException ignored) {
            // answered below
        }
        throw new HttpException(400, name + " must be a number from " + min + " to " + max);
    }
}
