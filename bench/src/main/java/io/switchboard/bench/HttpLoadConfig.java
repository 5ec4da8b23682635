package io.switchboard.bench;

import java.net.URI;
import java.time.Duration;

/**
 * What the HTTP load generator does. Immutable.
 *
 * @param host        the server's host
 * @param port        the server's port
 * @param path        the request target (path and query)
 * @param connections concurrent keep-alive connections
 * @param duration    the measured window
 * @param warmup      load before the measured window, not counted
 * @param pipeline    requests in flight per connection (1: no pipelining)
 * @param rate        requests per second over all connections for the constant-rate mode; 0 for closed loop
 * @param method      {@code GET} or {@code POST}
 * @param bodyBytes   bytes of the body of each POST (0 for GET)
 * @param tls         TLS to the server (an https URL), or null
 * @param h2Streams   0 for HTTP/1.1; otherwise HTTP/2 ({@code --h2}: h2c with prior knowledge, or h2 over TLS by
 *                    ALPN) with this many requests in flight per connection ({@code --streams}), closed loop
 */
record HttpLoadConfig(String host, int port, String path, int connections, Duration duration, Duration warmup,
                      int pipeline, double rate, String method, int bodyBytes, LoadTls tls, int h2Streams) {

    /** Plain HTTP. */
    HttpLoadConfig(String host, int port, String path, int connections, Duration duration, Duration warmup,
                   int pipeline, double rate, String method, int bodyBytes) {
        this(host, port, path, connections, duration, warmup, pipeline, rate, method, bodyBytes, null);
    }

    /** HTTP/1.1, plain or over TLS. */
    HttpLoadConfig(String host, int port, String path, int connections, Duration duration, Duration warmup,
                   int pipeline, double rate, String method, int bodyBytes, LoadTls tls) {
        this(host, port, path, connections, duration, warmup, pipeline, rate, method, bodyBytes, tls, 0);
    }

    /** Checks the values. */
    HttpLoadConfig {
        if (!method.equals("GET") && !method.equals("POST")) {
            throw new IllegalArgumentException("method must be GET or POST, got " + method);
        }
        if (connections < 1 || pipeline < 1 || rate < 0 || bodyBytes < 0) {
            throw new IllegalArgumentException("connections and pipeline must be positive, rate and body not negative");
        }
        if (h2Streams < 0 || h2Streams > 0 && (pipeline != 1 || rate > 0)) {
            throw new IllegalArgumentException("HTTP/2 (--h2) takes --streams, not --pipeline, and runs closed loop (no --rate)");
        }
    }

    /**
     * Reads {@code http://HOST:PORT/PATH}.
     *
     * @throws IllegalArgumentException when it is not an http URL with a host
     */
    static HttpLoadConfig forUrl(String url, int connections, Duration duration, Duration warmup, int pipeline,
                                 double rate, String method, int bodyBytes) {
        return forUrl(url, connections, duration, warmup, pipeline, rate, method, bodyBytes, null);
    }

    /**
     * Reads {@code http://HOST:PORT/PATH}, or {@code https://HOST:PORT/PATH} with {@code tls} (port 443 when none).
     *
     * @throws IllegalArgumentException when it is not an http URL with a host, or the scheme and {@code tls}
     *                                  disagree
     */
    static HttpLoadConfig forUrl(String url, int connections, Duration duration, Duration warmup, int pipeline,
                                 double rate, String method, int bodyBytes, LoadTls tls) {
        return forUrl(url, connections, duration, warmup, pipeline, rate, method, bodyBytes, tls, 0);
    }

    /**
     * Reads the URL as above, for HTTP/1.1 ({@code h2Streams} 0) or HTTP/2 with {@code h2Streams} in flight per
     * connection.
     *
     * @throws IllegalArgumentException as above, or for HTTP/2 with pipelining or a rate
     */
    static HttpLoadConfig forUrl(String url, int connections, Duration duration, Duration warmup, int pipeline,
                                 double rate, String method, int bodyBytes, LoadTls tls, int h2Streams) {
        URI uri = URI.create(url);
        boolean https = "https".equals(uri.getScheme());
        if (!(https || "http".equals(uri.getScheme())) || uri.getHost() == null) {
            throw new IllegalArgumentException("not an http://HOST:PORT/PATH or https://HOST:PORT/PATH URL: " + url);
        }
        if (https != (tls != null)) {
            throw new IllegalArgumentException(https ? "an https URL needs TLS settings" : "TLS settings need an https URL");
        }
        String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
        if (uri.getRawQuery() != null) {
            path += "?" + uri.getRawQuery();
        }
        return new HttpLoadConfig(uri.getHost(), uri.getPort() < 0 ? (https ? 443 : 80) : uri.getPort(), path,
                connections, duration, warmup, pipeline, rate, method, bodyBytes, tls, h2Streams);
    }

    /** {@return {@code https} with TLS, else {@code http}} */
    String scheme() {
        return tls == null ? "http" : "https";
    }

    /** True for HTTP/2 ({@code --h2}). */
    boolean h2() {
        return h2Streams > 0;
    }

    /** True in the constant-rate mode. */
    boolean constantRate() {
        return rate > 0;
    }
}
