package io.switchboard.examples;

import io.switchboard.http.HttpConfig;
import io.switchboard.http.HttpException;
import io.switchboard.http.HttpRequest;
import io.switchboard.http.HttpResponder;
import io.switchboard.http.HttpResponse;
import io.switchboard.http.HttpService;
import io.switchboard.http.ResponseStream;
import io.switchboard.http.Routes;
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
import java.util.concurrent.TimeUnit;

/**
 * The HTTP example: TechEmpower's plaintext and JSON routes, an echo, a chunked stream written from
 * another thread, a delayed answer completed by a timer (pipelined answers still leave in order), and a
 * WebSocket echo at {@code /ws/echo}.
 */
public final class HttpExample {
    /** Shared, pre-built answers: a response is never modified by the server, so it can be sent again and again. */
    private static final HttpResponse PLAINTEXT = HttpResponse.of(200)
            .header("Content-Type", "text/plain").body("Hello, World!");
    private static final HttpResponse JSON = HttpResponse.of(200)
            .header("Content-Type", "application/json").body("{\"message\":\"Hello, World!\"}");
    private static final HttpResponse STREAM_HEAD = HttpResponse.of(200).header("Content-Type", "text/plain");
    /** The ALPN protocol the HTTPS server offers. */
    public static final String ALPN = "http/1.1";
    private static final int MAX_CHUNKS = 10_000;
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
        return Routes.builder()
                .get("/plaintext", (req, res) -> res.send(PLAINTEXT))
                .get("/json", (req, res) -> res.send(JSON))
                .post("/echo", (req, res) -> res.send(HttpResponse.of(200)
                        .header("Content-Type", contentType(req)).body(req.body())))
                .get("/stream", (req, res) -> stream(req, res, offload))
                .get("/delay", HttpExample::delay)
                .get("/ws/echo", WS_ECHO)
                .get("/whoami", HttpExample::whoami);
    }

    /** Starts the HTTP example server. */
    public static Server start(String host, int port, int workers, HttpConfig config, Offload offload) {
        return start(host, port, workers, config, offload, null);
    }

    /**
     * Starts the HTTP example server, serving HTTPS when {@code tls} is not null (give its configuration the ALPN
     * protocol {@code http/1.1}, as {@link #ALPN}).
     */
    public static Server start(String host, int port, int workers, HttpConfig config, Offload offload,
                               TlsServerContext tls) {
        return start(host, port, workers, config, routes(offload), tls);
    }

    /** Starts the example's server with other routes (the example's own and more, for a test). */
    static Server start(String host, int port, int workers, HttpConfig config, Routes routes, TlsServerContext tls) {
        return start(host, port, workers, config, routes, tls, null);
    }

    /** As above, behind a proxy that sends the PROXY protocol header when {@code proxy} is not null. */
    static Server start(String host, int port, int workers, HttpConfig config, Routes routes, TlsServerContext tls,
                        ProxyProtocol proxy) {
        return Server.builder()
                .host(host)
                .port(port)
                .workers(workers)
                .tls(tls)
                .proxyProtocol(proxy)
                .pipeline(new HttpService(config, routes))
                .start();
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
