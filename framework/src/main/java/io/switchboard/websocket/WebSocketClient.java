package io.switchboard.websocket;

import io.switchboard.lifecycle.Backoff;
import io.switchboard.lifecycle.Reconnector;
import io.switchboard.pipeline.Connection;
import io.switchboard.pipeline.Pipeline;
import io.switchboard.server.Client;
import java.net.InetSocketAddress;
import java.net.URI;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Opens WebSocket connections ({@code ws://} and {@code wss://}) on a {@link Client}: a TCP connect with the client's
 * loops, socket options, timeouts and limits, TLS with the client's {@link io.switchboard.tls.TlsClientContext} for
 * {@code wss://}, the opening handshake of RFC 6455 section 4.1, then the same {@link WebSocketStage} a server runs,
 * in client mode (every frame masked).
 *
 * <pre>{@code
 * try (Client client = Client.builder().tls(TlsClientContext.create(TlsClientConfig.builder().build())).build()) {
 *     WebSocketClient websockets = WebSocketClient.builder(client)
 *             .subprotocols("chat.v2")
 *             .config(WebSocketConfig.DEFAULTS.withDeflate(DeflateOptions.DEFAULTS)) // offers permessage-deflate
 *             .build();
 *     WebSocket ws = websockets.connect(URI.create("wss://chat.example.com/ws"), handler).join();
 *     ws.sendText("hello");
 * }
 * }</pre>
 *
 * <p>The choices, where RFC 6455 leaves them to the client, are those of the JDK's {@code java.net.http.WebSocket}
 * and Jetty's client: the future fails with a {@link WebSocketHandshakeException} (the status and reason of a
 * refusal, the rule a 101 broke) and the connection is closed; redirects are not followed; a server that chooses no
 * subprotocol is accepted (check {@link WebSocket#subprotocol()}); the handshake, TLS's included, must complete within
 * {@link Builder#handshakeTimeout} (default 10 s, Netty's) of the TCP connect. {@link #reconnect} keeps one WebSocket
 * open with a {@link Reconnector}.
 *
 * <p>Thread-safe and immutable: one instance serves any number of connections. It does not own the {@code Client}:
 * close that to stop.
 */
public final class WebSocketClient {
    /** The longest an answer's head (status line and fields, interim answers included) may be: 16 KiB. */
    public static final int DEFAULT_MAX_RESPONSE_HEAD = 16 * 1024;

    private final Client client;
    private final List<String> subprotocols;
    /** Extra fields, name and value in turn. */
    private final List<String> headers;
    private final String origin;
    private final WebSocketConfig config;
    private final Duration handshakeTimeout;
    private final int maxResponseHead;
    private final Consumer<Pipeline> pipeline;
    private final SecureRandom random = new SecureRandom();

    private WebSocketClient(Builder b) {
        this.client = b.client;
        this.subprotocols = List.copyOf(b.subprotocols);
        this.headers = List.copyOf(b.headers);
        this.origin = b.origin;
        this.config = b.config;
        this.handshakeTimeout = b.handshakeTimeout;
        this.maxResponseHead = b.maxResponseHead;
        this.pipeline = b.pipeline;
    }

    /**
     * A builder of WebSocket clients on {@code client}. The client needs no pipeline of its own; it needs a TLS
     * context for {@code wss://}.
     *
     * @param client makes the connections
     * @return the builder
     */
    public static Builder builder(Client client) {
        return new Builder(Objects.requireNonNull(client, "client"));
    }

    /**
     * Connects to a WebSocket server. The host is resolved now, on the calling thread (as
     * {@link Client#connect(String, int)} does); the rest does not block. The future completes with the open
     * WebSocket once the server accepted the handshake and {@code handler}'s {@link WebSocketHandler#onOpen} ran, or
     * fails: with the {@link java.net.ConnectException} of a connect that failed, the {@code SSLException} of a TLS
     * handshake that failed, or a {@link WebSocketHandshakeException}. Cancelling it closes the connection.
     *
     * @param uri     {@code ws://host[:port]/path[?query]} or {@code wss://…}; no fragment
     * @param handler the connection's callbacks
     * @return a future of the open WebSocket
     * @throws IllegalArgumentException when {@code uri} is not a WebSocket URI, or is {@code wss://} while the
     *                                  client has no TLS context
     */
    public CompletableFuture<WebSocket> connect(URI uri, WebSocketHandler handler) {
        Objects.requireNonNull(handler, "handler");
        return open(target(uri), handler);
    }

    /**
     * Keeps one WebSocket to {@code uri} open: connects, and whenever the connection fails, the handshake is refused
     * or the WebSocket closes (whoever closed it), connects again after a {@link Backoff} delay that grows with each
     * failed attempt and starts over once a handshake succeeds. The host is resolved once, now. {@code handler} serves
     * every connection in turn: it gets {@code onOpen} with each new {@link WebSocket} (keep that one to send) and
     * {@code onClose} when it ends. {@link Reconnector#close()} stops reconnecting and closes the current connection.
     *
     * @param uri     as for {@link #connect}
     * @param handler the callbacks of each connection
     * @param backoff the delays between attempts
     * @return the reconnector, already connecting
     * @throws IllegalArgumentException as {@link #connect} does
     */
    public Reconnector reconnect(URI uri, WebSocketHandler handler, Backoff backoff) {
        Objects.requireNonNull(handler, "handler");
        Target target = target(uri);
        Supplier<CompletableFuture<Connection>> attempt = new Supplier<>() {
            @Override
            public CompletableFuture<Connection> get() {
                return open(target, handler).thenApply(WebSocket::connection);
            }

            @Override
            public String toString() {
                return target.uri().toString();
            }
        };
        return new Reconnector(client, attempt, backoff, connection -> { });
    }

    private CompletableFuture<WebSocket> open(Target target, WebSocketHandler handler) {
        CompletableFuture<WebSocket> result = new CompletableFuture<>();
        ClientHandshake handshake = new ClientHandshake(this, target.hostHeader(), target.requestTarget(), newKey(),
                handler, result);
        client.connect(target.address(), target.secure(), p -> {
            p.add(handshake);
            if (pipeline != null) {
                pipeline.accept(p);
            }
        }).whenComplete((connection, error) -> {
            if (error != null) {
                result.completeExceptionally(error);
            }
        });
        return result;
    }

    /** Where a WebSocket URI leads, and what the handshake says of it. */
    private record Target(URI uri, boolean secure, InetSocketAddress address, String hostHeader, String requestTarget) {
    }

    private Target target(URI uri) {
        Objects.requireNonNull(uri, "uri");
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("ws") && !scheme.equals("wss")) {
            throw new IllegalArgumentException("not a WebSocket URI (ws:// or wss://): " + uri);
        }
        if (uri.getRawFragment() != null) {
            throw new IllegalArgumentException("a WebSocket URI has no fragment (RFC 6455 section 3): " + uri);
        }
        String host = uri.getHost();
        if (host == null) {
            throw new IllegalArgumentException("no host in " + uri);
        }
        boolean secure = scheme.equals("wss");
        if (secure && client.tls() == null) {
            throw new IllegalArgumentException("wss:// needs a Client built with tls(...): " + uri);
        }
        int defaultPort = secure ? 443 : 80;
        int port = uri.getPort() == -1 ? defaultPort : uri.getPort();
        String hostHeader = port == defaultPort ? host : host + ":" + port;
        String bare = host.startsWith("[") ? host.substring(1, host.length() - 1) : host;
        URI ascii = URI.create(uri.toASCIIString());
        String path = ascii.getRawPath() == null || ascii.getRawPath().isEmpty() ? "/" : ascii.getRawPath();
        String requestTarget = ascii.getRawQuery() == null ? path : path + "?" + ascii.getRawQuery();
        return new Target(uri, secure, new InetSocketAddress(bare, port), hostHeader, requestTarget);
    }

    // What the handshake asks for.

    /** {@return a fresh {@code Sec-WebSocket-Key}: 16 bytes from a {@link SecureRandom}, in base64} */
    private String newKey() {
        byte[] nonce = new byte[16];
        random.nextBytes(nonce);
        return Base64.getEncoder().encodeToString(nonce);
    }

    List<String> subprotocols() {
        return subprotocols;
    }

    List<String> headers() {
        return headers;
    }

    String origin() {
        return origin;
    }

    WebSocketConfig config() {
        return config;
    }

    Duration handshakeTimeout() {
        return handshakeTimeout;
    }

    int maxResponseHead() {
        return maxResponseHead;
    }

    /** Collects the settings of a {@link WebSocketClient}. Not thread-safe. */
    public static final class Builder {
        private final Client client;
        private final List<String> subprotocols = new ArrayList<>();
        private final List<String> headers = new ArrayList<>();
        private String origin;
        private WebSocketConfig config = WebSocketConfig.DEFAULTS;
        private Duration handshakeTimeout = Duration.ofSeconds(10);
        private int maxResponseHead = DEFAULT_MAX_RESPONSE_HEAD;
        private Consumer<Pipeline> pipeline;

        /** @param client the client, or null for a handshake driven in a test's pipeline */
        Builder(Client client) {
            this.client = client;
        }

        /**
         * The subprotocols to offer ({@code Sec-WebSocket-Protocol}), most preferred first (default none). The server
         * may choose one ({@link WebSocket#subprotocol()}) or none; one not offered fails the handshake.
         *
         * @param names subprotocol names, each a token
         * @return this builder
         * @throws IllegalArgumentException when a name is not a token
         */
        public Builder subprotocols(String... names) {
            for (String name : names) {
                if (name.isEmpty() || !name.chars().allMatch(ResponseHeadReader::tokenChar)) {
                    throw new IllegalArgumentException("a subprotocol name must be a token: '" + name + "'");
                }
                subprotocols.add(name);
            }
            return this;
        }

        /**
         * Adds a header field to the handshake request ({@code Authorization}, {@code Cookie}, …). The fields the
         * handshake itself sends ({@code Host}, {@code Upgrade}, {@code Connection}, {@code Origin},
         * {@code Sec-WebSocket-*}) and body framing fields may not be set here.
         *
         * @param name  the field name
         * @param value the field value
         * @return this builder
         * @throws IllegalArgumentException when the name is one of those, or the name or value has an invalid character
         */
        public Builder header(String name, String value) {
            checkField(name, value);
            String lower = name.toLowerCase(Locale.ROOT);
            if (List.of("host", "upgrade", "connection", "origin", "content-length", "transfer-encoding").contains(lower)
                    || lower.startsWith("sec-websocket-")) {
                throw new IllegalArgumentException(name + " is set by the WebSocket handshake itself");
            }
            headers.add(name);
            headers.add(value);
            return this;
        }

        /**
         * The {@code Origin} to send, as a browser would (default none: clients that are not browsers send none).
         *
         * @param origin such as {@code https://chat.example.com}, or null for none
         * @return this builder
         * @throws IllegalArgumentException when it has an invalid character
         */
        public Builder origin(String origin) {
            if (origin != null) {
                checkField("Origin", origin);
            }
            this.origin = origin;
            return this;
        }

        /**
         * Limits, timeouts and compression of the WebSocket (default {@link WebSocketConfig#DEFAULTS}). With
         * {@link WebSocketConfig#deflate()} set, permessage-deflate is offered ({@link PerMessageDeflate#offer}) and
         * used when the server agrees.
         *
         * @param config the configuration
         * @return this builder
         */
        public Builder config(WebSocketConfig config) {
            this.config = Objects.requireNonNull(config, "config");
            return this;
        }

        /**
         * How long the server has to accept the handshake, from the TCP connect to the end of its answer's head
         * (default 10 s). At the timeout the future fails with a {@link WebSocketHandshakeException} and the
         * connection is closed.
         *
         * @param timeout the timeout, positive
         * @return this builder
         */
        public Builder handshakeTimeout(Duration timeout) {
            if (timeout.isNegative() || timeout.isZero()) {
                throw new IllegalArgumentException("handshakeTimeout must be positive");
            }
            this.handshakeTimeout = timeout;
            return this;
        }

        /**
         * The longest the head of the server's answer may be, interim answers included (default
         * {@value WebSocketClient#DEFAULT_MAX_RESPONSE_HEAD} bytes, as a server's own request head limit); past it the handshake
         * fails.
         *
         * @param bytes the limit, at least 64
         * @return this builder
         */
        public Builder maxResponseHead(int bytes) {
            if (bytes < 64) {
                throw new IllegalArgumentException("maxResponseHead must be at least 64, got " + bytes);
            }
            this.maxResponseHead = bytes;
            return this;
        }

        /**
         * Adds handlers to each connection's pipeline, on its loop, after the handshake stage was added:
         * {@code addFirst} puts a handler before it (towards the socket: an
         * {@link io.switchboard.lifecycle.IdleDetector}), {@code add} after it (a
         * {@link io.switchboard.lifecycle.Heartbeat} of {@link WebSocketStage#PING} and {@link WebSocketStage#PONG});
         * they stay around the WebSocket stage that takes the handshake's place. Default none.
         *
         * @param initializer adds the handlers
         * @return this builder
         */
        public Builder pipeline(Consumer<Pipeline> initializer) {
            this.pipeline = initializer;
            return this;
        }

        /** {@return the WebSocket client} */
        public WebSocketClient build() {
            return new WebSocketClient(this);
        }

        private static void checkField(String name, String value) {
            Objects.requireNonNull(value, "value");
            if (name.isEmpty() || !name.chars().allMatch(ResponseHeadReader::tokenChar)) {
                throw new IllegalArgumentException("invalid header name: '" + name + "'");
            }
            for (int i = 0; i < value.length(); i++) {
                char c = value.charAt(i);
                if (c > 0xFF || c < 0x20 && c != '\t' || c == 0x7F) {
                    throw new IllegalArgumentException("header " + name + " has an invalid character in its value");
                }
            }
            if (!value.isEmpty() && (isSpace(value.charAt(0)) || isSpace(value.charAt(value.length() - 1)))) {
                throw new IllegalArgumentException("header " + name + " has whitespace around its value");
            }
        }

        private static boolean isSpace(char c) {
            return c == ' ' || c == '\t';
        }
    }
}
