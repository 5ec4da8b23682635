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
 * Thread-safe: one instance serves every connection of a server.
 */
public final class HttpService implements Consumer<Pipeline> {
    private final HttpConfig config;
    private final HttpHandler handler;
    private final DateCache dates;
    private final byte[] serverLine;

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
