package io.switchboard.websocket;

import io.switchboard.http.HttpException;
import io.switchboard.http.HttpHandler;
import io.switchboard.http.HttpHeaders;
import io.switchboard.http.HttpRequest;
import io.switchboard.http.HttpResponder;
import io.switchboard.http.HttpResponse;
import io.switchboard.http.HttpVersion;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server's side of the WebSocket opening handshake (RFC 6455 section 4.2) as an {@link HttpHandler}: put it
 * on a GET route, and each valid handshake is answered 101 and the connection handed to a {@link WebSocketStage}
 * with the {@link WebSocketHandler} the factory makes for it.
 *
 * <pre>{@code
 * Routes routes = Routes.builder()
 *         .get("/ws/echo", WebSocketUpgrade.builder(request -> echo)
 *                 .config(WebSocketConfig.DEFAULTS.withMaxMessageSize(16 << 20).withDeflate(DeflateOptions.DEFAULTS))
 *                 .build())
 *         .build();
 * }</pre>
 *
 * <p>What is checked, and the answer when it fails (no WebSocket is opened, the connection goes on with HTTP; the
 * answer's body is the service's {@link io.switchboard.http.ErrorAnswers}, with the fields named here):
 * <table>
 *   <caption>Handshake checks</caption>
 *   <tr><th>check</th><th>answer</th></tr>
 *   <tr><td>method GET</td><td>405 with {@code Allow: GET}</td></tr>
 *   <tr><td>HTTP/1.1, {@code Upgrade} naming {@code websocket}</td><td>426 with {@code Upgrade: websocket}</td></tr>
 *   <tr><td>{@code Connection} naming {@code upgrade}</td><td>400</td></tr>
 *   <tr><td>{@code Sec-WebSocket-Version: 13}</td><td>426 with {@code Sec-WebSocket-Version: 13}</td></tr>
 *   <tr><td>one {@code Sec-WebSocket-Key}: base64 of 16 bytes</td><td>400</td></tr>
 *   <tr><td>no body</td><td>400</td></tr>
 *   <tr><td>{@code Origin} accepted by {@link Builder#origin}</td><td>403</td></tr>
 *   <tr><td>the factory returns a handler</td><td>403 when it returns null</td></tr>
 * </table>
 *
 * <p>A subprotocol is chosen when the client offers some: the first of the server's list that the client
 * offers, or none (the client then decides whether to go on): {@link WebSocket#subprotocol()}. permessage-deflate is agreed when {@link WebSocketConfig#deflate()} is set and the
 * client offers parameters the JDK's zlib can honour. Thread-safe: one instance serves every connection.
 */
public final class WebSocketUpgrade implements HttpHandler {
    private static final Logger log = LoggerFactory.getLogger(WebSocketUpgrade.class);
    private static final String GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

    private final Function<HttpRequest, WebSocketHandler> handlers;
    private final WebSocketConfig config;
    private final List<String> subprotocols;
    private final Predicate<String> origins;
    private final WebSocketCounters counters = new WebSocketCounters();

    private WebSocketUpgrade(Builder b) {
        this.handlers = b.handlers;
        this.config = b.config;
        this.subprotocols = List.copyOf(b.subprotocols);
        this.origins = b.origins;
    }

    /**
     * A builder for the handshake of one route.
     *
     * @param handlers makes the handler of each accepted connection from its handshake request (its path, query,
     *                 cookies, headers), on the loop; returning null refuses the connection with 403
     * @return the builder
     */
    public static Builder builder(Function<HttpRequest, WebSocketHandler> handlers) {
        return new Builder(handlers);
    }

    /**
     * The {@code Sec-WebSocket-Accept} value for a key: the base64 of the SHA-1 of the key and the protocol's GUID.
     *
     * @param key the client's {@code Sec-WebSocket-Key}
     * @return the value the server answers with
     */
    public static String accept(String key) {
        try {
            MessageDigest sha1 = MessageDigest.getInstance("SHA-1");
            return Base64.getEncoder().encodeToString(sha1.digest((key + GUID).getBytes(StandardCharsets.US_ASCII)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-1", e);
        }
    }

    @Override
    public boolean wantsBody(HttpRequest head) {
        return false;
    }

    @Override
    public void handle(HttpRequest request, HttpResponder responder) {
        HttpException refusal = check(request);
        if (refusal != null) {
            log.debug("WebSocket handshake from {} refused: {} {}", request.remoteAddress(), refusal.status(),
                    refusal.getMessage());
            responder.fail(refusal);
            return;
        }
        String origin = request.headers().get("Origin");
        if (!origins.test(origin)) {
            responder.fail(new HttpException(403, "origin not allowed: " + origin));
            return;
        }
        WebSocketHandler handler = handlers.apply(request);
        if (handler == null) {
            responder.fail(new HttpException(403, "refused"));
            return;
        }
        HttpResponse switching = HttpResponse.of(101)
                .header("Upgrade", "websocket")
                .header("Connection", "Upgrade")
                .header("Sec-WebSocket-Accept", accept(request.headers().get("Sec-WebSocket-Key").strip()));
        String subprotocol = choose(request.headers().getAll("Sec-WebSocket-Protocol"));
        if (subprotocol != null) {
            switching.header("Sec-WebSocket-Protocol", subprotocol);
        }
        PerMessageDeflate deflate = null;
        if (config.deflate() != null) {
            List<String> offers = request.headers().getAll("Sec-WebSocket-Extensions");
            Optional<PerMessageDeflate> agreed = offers.isEmpty() ? Optional.empty()
                    : PerMessageDeflate.negotiate(String.join(", ", offers), config.deflate());
            if (agreed.isPresent()) {
                deflate = agreed.get();
                switching.header("Sec-WebSocket-Extensions", deflate.header());
            }
        }
        responder.upgrade(switching, WebSocketStage.server(handler, config, deflate).subprotocol(subprotocol)
                .counters(counters));
    }

    /** {@return the sessions this route opened and closed} */
    public WebSocketCounters counters() {
        return counters;
    }

    /**
     * {@return the refusal of a request that is no valid opening handshake, or null when it is one} The service's
     * {@link io.switchboard.http.ErrorAnswers} make the answer, with the fields given here.
     */
    private static HttpException check(HttpRequest request) {
        if (!request.method().equals("GET")) {
            return new HttpException(405, "a WebSocket handshake is a GET", new HttpHeaders().add("Allow", "GET"));
        }
        if (request.version() != HttpVersion.HTTP_1_1 || !request.headers().containsToken("Upgrade", "websocket")) {
            return new HttpException(426, "this resource speaks WebSocket: send Upgrade: websocket over HTTP/1.1",
                    new HttpHeaders().add("Upgrade", "websocket").add("Connection", "Upgrade"));
        }
        if (!request.headers().containsToken("Connection", "upgrade")) {
            return new HttpException(400, "Connection must name upgrade");
        }
        if (!"13".equals(single(request, "Sec-WebSocket-Version"))) {
            return new HttpException(426, "unsupported WebSocket version; this server speaks 13",
                    new HttpHeaders().add("Sec-WebSocket-Version", "13"));
        }
        String key = single(request, "Sec-WebSocket-Key");
        if (key == null || !validKey(key.strip())) {
            return new HttpException(400, "Sec-WebSocket-Key must be one base64 value of 16 bytes");
        }
        if (request.body().length > 0 || request.headers().get("Transfer-Encoding") != null) {
            return new HttpException(400, "a WebSocket handshake has no body");
        }
        return null;
    }

    private static String single(HttpRequest request, String name) {
        List<String> values = request.headers().getAll(name);
        return values.size() == 1 ? values.get(0).strip() : null;
    }

    private static boolean validKey(String key) {
        if (key.length() != 24) {
            return false;
        }
        try {
            return Base64.getDecoder().decode(key).length == 16;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private String choose(List<String> offered) {
        if (offered.isEmpty() || subprotocols.isEmpty()) {
            return null;
        }
        List<String> offers = new ArrayList<>();
        for (String value : offered) {
            for (String token : value.split(",")) {
                offers.add(token.strip());
            }
        }
        for (String mine : subprotocols) {
            if (offers.contains(mine)) {
                return mine;
            }
        }
        return null;
    }


    /** Collects the settings of a {@link WebSocketUpgrade}. Not thread-safe. */
    public static final class Builder {
        private final Function<HttpRequest, WebSocketHandler> handlers;
        private WebSocketConfig config = WebSocketConfig.DEFAULTS;
        private final List<String> subprotocols = new ArrayList<>();
        private Predicate<String> origins = origin -> true;

        private Builder(Function<HttpRequest, WebSocketHandler> handlers) {
            this.handlers = Objects.requireNonNull(handlers, "handlers");
        }

        /**
         * Limits, timeouts and compression (default {@link WebSocketConfig#DEFAULTS}: 64 KiB messages, no
         * compression).
         *
         * @param config the configuration
         * @return this builder
         */
        public Builder config(WebSocketConfig config) {
            this.config = Objects.requireNonNull(config, "config");
            return this;
        }

        /**
         * The subprotocols this route speaks, in order of preference (default none).
         *
         * @param names subprotocol names, as in {@code Sec-WebSocket-Protocol}
         * @return this builder
         */
        public Builder subprotocols(String... names) {
            subprotocols.addAll(List.of(names));
            return this;
        }

        /**
         * Which {@code Origin} values are accepted (default any, and none). Browsers send the page's origin on
         * every WebSocket handshake and cookies with it, so a route that relies on cookies must check it
         * (cross-site WebSocket hijacking); clients that are not browsers send none.
         *
         * @param accept given the {@code Origin} value, or null when none was sent; true to accept
         * @return this builder
         */
        public Builder origin(Predicate<String> accept) {
            this.origins = Objects.requireNonNull(accept, "accept");
            return this;
        }

        /**
         * Accepts only these origins, and handshakes without {@code Origin} (clients that are not browsers).
         *
         * @param allowed origins as browsers send them, such as {@code https://chat.example.com}
         * @return this builder
         */
        public Builder allowedOrigins(String... allowed) {
            List<String> list = List.of(allowed);
            return origin(origin -> origin == null || list.contains(origin));
        }

        /** {@return the handshake handler} */
        public WebSocketUpgrade build() {
            return new WebSocketUpgrade(this);
        }
    }
}
