package io.switchboard.http;

import io.switchboard.pipeline.Pipeline;
import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;

/**
 * An HTTP/1.0 and HTTP/1.1 service: give it to a server as its pipeline and every connection speaks HTTP
 * to {@code handler}, with pipelining, keep-alive and the limits of {@link HttpConfig}.
 *
 * <pre>{@code
 * Routes routes = Routes.builder()
 *         .get("/hello", (request, responder) -> responder.send(HttpResponse.text("Hello")))
 *         .build();
 * Server server = Server.builder().port(8080).pipeline(new HttpService(routes)).start();
 * }</pre>
 *
 * <p>What the service answers on its own, beyond the limits of {@link HttpConfig}:
 * <ul>
 *   <li>{@code 503 Service Unavailable} with {@code Connection: close} when a request body would take the
 *       server's {@link io.switchboard.pipeline.MemoryBudget} past its limit. Bodies grow with the bytes
 *       that arrive, so a peer that declares a large {@code Content-Length} and sends little holds little;
 *       the budget bounds many peers that do send. Refusing (rather than pausing the read) frees the
 *       memory at once and tells the client to come back later.</li>
 *   <li>{@code 503 Service Unavailable} (the connection stays open) when the handler throws, or fails its
 *       responder with, a {@link java.util.concurrent.RejectedExecutionException}: an offload executor
 *       such as {@link io.switchboard.loop.Offload} is full or closed. Any other failure is a 500.</li>
 *   <li>On a graceful close ({@link io.switchboard.pipeline.Connection#closeGracefully()}) each connection
 *       stops reading new requests, answers those already read (the last with {@code Connection: close})
 *       and closes. A streamed body cut short, for any reason, ends with a reset rather than a clean
 *       close, so that no client takes it for complete.</li>
 * </ul>
 *
 * Thread-safe: one instance serves every connection of a server.
 */
public final class HttpService implements Consumer<Pipeline> {
    private final HttpConfig config;
    private final HttpHandler handler;
    private final DateCache dates;
    private final byte[] serverLine;
    /** Null when the service counts nothing. */
    private final HttpMetrics metrics;

    /**
     * A service with the default limits.
     *
     * @param handler answers the requests
     */
    public HttpService(HttpHandler handler) {
        this(HttpConfig.DEFAULTS, handler);
    }

    /**
     * A service with the given limits.
     *
     * @param config  the limits
     * @param handler answers the requests
     */
    public HttpService(HttpConfig config, HttpHandler handler) {
        this(config, handler, new HttpMetrics());
    }

    /**
     * A service with the given limits that counts its requests in {@code metrics} (see {@link HttpMetrics}), or
     * counts nothing at all when it is null. The other constructors count, in counts of the service's own.
     *
     * @param config  the limits
     * @param handler answers the requests
     * @param metrics where to count, possibly shared with other services; null to count nothing
     */
    public HttpService(HttpConfig config, HttpHandler handler, HttpMetrics metrics) {
        this.metrics = metrics;
        this.config = config;
        this.handler = handler;
        this.dates = new DateCache(System::currentTimeMillis);
        this.serverLine = config.serverName() == null ? new byte[0]
                : ("Server: " + config.serverName() + "\r\n").getBytes(StandardCharsets.ISO_8859_1);
    }

    /** Adds the HTTP handler to a new connection's pipeline. */
    @Override
    public void accept(Pipeline pipeline) {
        pipeline.add(new HttpConnection(this));
    }

    /** {@return the limits} */
    public HttpConfig config() {
        return config;
    }

    /** {@return what the service counts of its requests, or null when it counts nothing} */
    public HttpMetrics metrics() {
        return metrics;
    }

    /** {@return the application handler} */
    public HttpHandler handler() {
        return handler;
    }

    byte[] dateLine() {
        return dates.line();
    }

    byte[] serverLine() {
        return serverLine;
    }

    /** The answer to a refused request: its status and the reason as plain text. */
    HttpResponse errorResponse(int status, String reason) {
        return HttpResponse.of(status)
                .header("Content-Type", "text/plain; charset=utf-8")
                .body(status + " " + HttpStatus.reason(status) + ": " + reason + "\n");
    }
}
