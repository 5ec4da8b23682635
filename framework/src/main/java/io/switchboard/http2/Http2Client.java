package io.switchboard.http2;

import io.switchboard.server.Client;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;

/**
 * Opens HTTP/2 connections on a {@link Client}: h2c with prior knowledge for {@code http://} (RFC 9113 section 3.3:
 * the preface is sent at once, no Upgrade) and h2 over TLS for {@code https://}, where the client's TLS context must
 * offer {@code h2} by ALPN and the server must choose it. Each {@link Http2ClientConnection} carries many requests
 * at once, one stream each.
 *
 * <pre>{@code
 * try (Client tcp = Client.builder().tls(TlsClientContext.create(TlsClientConfig.builder()
 *         .applicationProtocols("h2").build())).build()) {
 *     Http2Client h2 = Http2Client.builder(tcp).build();
 *     Http2ClientConnection c = h2.connect(URI.create("https://example.com")).join();
 *     List<CompletableFuture<Http2Response>> answers = new ArrayList<>();
 *     for (int i = 0; i < 100; i++) {
 *         answers.add(c.send(Http2Request.get("/item/" + i)));
 *     }
 * }
 * }</pre>
 *
 * <h2>Connecting</h2>
 * The future of {@link #connect} completes once the server's SETTINGS arrived (so its limits are known before the
 * first request), or fails: with the {@link java.net.ConnectException} of a failed connect, the TLS stage's
 * {@code SSLException}, a {@link java.net.ProtocolException} when the server did not choose {@code h2} by ALPN or
 * answers the preface in HTTP/1 (a server that does not speak h2c), an {@link Http2Exception} for a connection
 * error, or an {@link java.io.IOException} when the server closes the connection first or sends no SETTINGS within
 * {@link Builder#settingsTimeout}.
 *
 * <h2>What the client says</h2>
 * Its SETTINGS: {@code SETTINGS_ENABLE_PUSH} 0 (a PUSH_PROMISE is then a connection error),
 * {@code SETTINGS_INITIAL_WINDOW_SIZE} {@link Builder#streamWindow} and {@code SETTINGS_MAX_HEADER_LIST_SIZE}
 * {@link Builder#maxHeaderListSize}; then a WINDOW_UPDATE that opens the connection window to
 * {@link Builder#connectionWindow}. It gives DATA back to both windows once half of either is used. The limits
 * guard the client against a server: a frame over 16 KiB, a header block over 32 KiB or over 8 CONTINUATION frames
 * is a connection error, as at the server ({@link Http2Config#DEFAULTS}). PINGs and SETTINGS are answered without a
 * budget: unlike a server, a client chose its peer.
 *
 * <p>Thread-safe and immutable: one instance serves any number of connections. It does not own the {@code Client}:
 * close that to stop its loops.
 */
public final class Http2Client {
    /** The largest answer body held by default: 16 MiB. */
    public static final long DEFAULT_MAX_RESPONSE_BODY = 16L * 1024 * 1024;

    private final Client client;
    private final long maxResponseBody;
    private final int maxHeaderListSize;
    private final int streamWindow;
    private final int connectionWindow;
    private final int maxWaitingRequests;
    private final Duration settingsTimeout;
    private final Http2Settings localSettings;

    private Http2Client(Builder b) {
        this.client = b.client;
        this.maxResponseBody = b.maxResponseBody;
        this.maxHeaderListSize = b.maxHeaderListSize;
        this.streamWindow = b.streamWindow;
        this.connectionWindow = b.connectionWindow;
        this.maxWaitingRequests = b.maxWaitingRequests;
        this.settingsTimeout = b.settingsTimeout;
        this.localSettings = Http2Settings.DEFAULTS.with(Http2Settings.ENABLE_PUSH, 0)
                .with(Http2Settings.INITIAL_WINDOW_SIZE, streamWindow)
                .with(Http2Settings.MAX_HEADER_LIST_SIZE, maxHeaderListSize);
    }

    /**
     * A builder of HTTP/2 clients on {@code client}. The client needs no pipeline of its own; it needs a TLS context
     * offering {@code h2} by ALPN for {@code https://}.
     *
     * @param client makes the connections
     * @return the builder
     */
    public static Builder builder(Client client) {
        return new Builder(Objects.requireNonNull(client, "client"));
    }

    /**
     * Connects to the server of {@code uri}: {@code http://host[:port]} speaks h2c with prior knowledge,
     * {@code https://host[:port]} h2 over TLS. The path, if any, is ignored (each request names its own). The host
     * is resolved now, on the calling thread.
     *
     * @param uri the server
     * @return a future of the open connection; see the class comment for its failures
     * @throws IllegalArgumentException when {@code uri} is not http or https with a host, or is https while the
     *                                  client has no TLS context offering {@code h2}
     */
    public CompletableFuture<Http2ClientConnection> connect(URI uri) {
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https") || uri.getHost() == null) {
            throw new IllegalArgumentException("not an http:// or https:// URI with a host: " + uri);
        }
        boolean tls = scheme.equals("https");
        String host = uri.getHost();
        String bare = host.startsWith("[") ? host.substring(1, host.length() - 1) : host;
        return connect(new InetSocketAddress(bare, uri.getPort() < 0 ? (tls ? 443 : 80) : uri.getPort()), tls);
    }

    /**
     * Connects to {@code address}, with TLS or without; the authority of the requests is its host string and port.
     *
     * @param address the server's address
     * @param tls     true for h2 over TLS, false for h2c with prior knowledge
     * @return a future of the open connection; see the class comment for its failures
     * @throws IllegalArgumentException when {@code tls} is asked of a client without a TLS context offering
     *                                  {@code h2}
     */
    public CompletableFuture<Http2ClientConnection> connect(InetSocketAddress address, boolean tls) {
        if (tls && (client.tls() == null
                || !client.tls().config().applicationProtocols().contains(Http2Server.ALPN))) {
            throw new IllegalArgumentException("h2 over TLS needs a Client whose TLS context offers ALPN h2: "
                    + "TlsClientConfig.builder().applicationProtocols(\"h2\")");
        }
        String host = address.getHostString();
        String authority = (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + address.getPort();
        CompletableFuture<Http2ClientConnection> opened = new CompletableFuture<>();
        client.connect(address, tls, p -> p.add(new Http2ClientHandler(this, tls, authority, opened)))
                .whenComplete((connection, error) -> {
                    if (error != null) {
                        opened.completeExceptionally(error);
                    }
                });
        return opened;
    }

    long maxResponseBody() {
        return maxResponseBody;
    }

    int maxHeaderListSize() {
        return maxHeaderListSize;
    }

    int connectionWindow() {
        return connectionWindow;
    }

    int maxWaitingRequests() {
        return maxWaitingRequests;
    }

    Duration settingsTimeout() {
        return settingsTimeout;
    }

    Http2Settings localSettings() {
        return localSettings;
    }

    /** Collects the limits of an {@link Http2Client}. Not thread-safe. */
    public static final class Builder {
        private final Client client;
        private long maxResponseBody = DEFAULT_MAX_RESPONSE_BODY;
        private int maxHeaderListSize = 16 * 1024;
        private int streamWindow = 256 * 1024;
        private int connectionWindow = 1024 * 1024;
        private int maxWaitingRequests = 1024;
        private Duration settingsTimeout = Duration.ofSeconds(10);

        private Builder(Client client) {
            this.client = client;
        }

        /**
         * The largest answer body held (default 16 MiB); past it the stream is reset with {@code CANCEL} and the
         * request fails, and so does an answer whose {@code content-length} says more.
         *
         * @param bytes the limit, at least 0
         * @return this builder
         */
        public Builder maxResponseBody(long bytes) {
            if (bytes < 0 || bytes > Integer.MAX_VALUE - 8) {
                throw new IllegalArgumentException("maxResponseBody must be 0 to 2^31-9, got " + bytes);
            }
            this.maxResponseBody = bytes;
            return this;
        }

        /**
         * The {@code SETTINGS_MAX_HEADER_LIST_SIZE} advertised and enforced (default 16 KiB, as the server's): an
         * answer's head or trailers over it fails its request.
         *
         * @param bytes names, values and 32 bytes a field; at least 1
         * @return this builder
         */
        public Builder maxHeaderListSize(int bytes) {
            if (bytes < 1) {
                throw new IllegalArgumentException("maxHeaderListSize must be positive, got " + bytes);
            }
            this.maxHeaderListSize = bytes;
            return this;
        }

        /**
         * The {@code SETTINGS_INITIAL_WINDOW_SIZE} advertised: how much of an answer the server may send on a
         * stream before the client's WINDOW_UPDATE (default 256 KiB, as the server's).
         *
         * @param bytes 65,535 to 2^31-1
         * @return this builder
         */
        public Builder streamWindow(int bytes) {
            if (bytes < 65_535) {
                throw new IllegalArgumentException("streamWindow must be at least 65535, got " + bytes);
            }
            this.streamWindow = bytes;
            return this;
        }

        /**
         * The connection's receive window, opened by a WINDOW_UPDATE after the SETTINGS (default 1 MiB, as the
         * server's).
         *
         * @param bytes 65,535 to 2^31-1
         * @return this builder
         */
        public Builder connectionWindow(int bytes) {
            if (bytes < 65_535) {
                throw new IllegalArgumentException("connectionWindow must be at least 65535, got " + bytes);
            }
            this.connectionWindow = bytes;
            return this;
        }

        /**
         * How many requests may wait for a stream while the server's {@code SETTINGS_MAX_CONCURRENT_STREAMS} are
         * open (default 1,024); past it a request fails at once, retryable.
         *
         * @param requests at least 0
         * @return this builder
         */
        public Builder maxWaitingRequests(int requests) {
            if (requests < 0) {
                throw new IllegalArgumentException("maxWaitingRequests must not be negative, got " + requests);
            }
            this.maxWaitingRequests = requests;
            return this;
        }

        /**
         * How long the server has, from the connect, to send its SETTINGS (default 10 s, as the server waits for
         * the client's); past it the connect fails and the connection is closed.
         *
         * @param timeout positive
         * @return this builder
         */
        public Builder settingsTimeout(Duration timeout) {
            if (timeout.isNegative() || timeout.isZero()) {
                throw new IllegalArgumentException("settingsTimeout must be positive");
            }
            this.settingsTimeout = timeout;
            return this;
        }

        /** {@return the client} */
        public Http2Client build() {
            return new Http2Client(this);
        }
    }
}
