package io.switchboard.http;

import io.switchboard.pipeline.Handler;

/**
 * A protocol an {@link HttpService}'s connections speak instead of HTTP/1 when a client opens with that protocol's
 * preface: HTTP/2 with prior knowledge (h2c, RFC 9113 section 3.3), given by {@code io.switchboard.http2.Http2Server}.
 * Over TLS the protocol is chosen by ALPN instead: a connection whose handshake agreed on its
 * {@linkplain #applicationProtocol ALPN name} ({@code h2}) speaks it from the first byte after the handshake, and
 * one that agreed on another protocol, or on none, speaks HTTP/1 (RFC 9113 section 3.3: prior knowledge is for
 * cleartext only). On cleartext an HTTP/1.1 request may also switch to it by {@code Upgrade} ({@link #upgradeToken},
 * {@code h2c}). Set with {@link HttpService#withPriorKnowledge}; a service has none unless given one, so a new
 * protocol's surface is open only where it was asked for. Implementations must be thread-safe (one serves every
 * connection).
 */
public interface PriorKnowledge {
    /** {@return the bytes a connection starts with to speak this protocol; no HTTP/1 request may start with them} */
    byte[] preface();

    /**
     * {@return the protocol's ALPN name (RFC 7301; {@code h2} for HTTP/2 over TLS), or null when TLS cannot choose it}
     * The TLS server must offer it ({@code TlsServerConfig.Builder.applicationProtocols}, in order of preference,
     * {@code http/1.1} after it) for clients to choose it. Null by default.
     */
    default String applicationProtocol() {
        return null;
    }

    /**
     * {@return the protocol's token in an HTTP/1.1 {@code Upgrade} field ({@code h2c} for HTTP/2, RFC 7540 section 3.2),
     * or null when a request cannot switch to it} Only cleartext connections switch so, and only for a request whose
     * {@code Upgrade} field names this token alone. Null by default.
     */
    default String upgradeToken() {
        return null;
    }

    /**
     * A handler for a cleartext connection of {@code service} whose HTTP/1.1 {@code request} asked to switch to this
     * protocol (its {@code Upgrade} field names {@linkplain #upgradeToken the token} alone, {@code Connection} names
     * {@code upgrade}) and was read whole. The HTTP/1 stage answers {@code 101 Switching Protocols} itself, in order
     * after the answers to the requests before it; then the handler replaces that stage, gets the bytes the client
     * sent after the request, and serves {@code request} itself (HTTP/2: as stream 1) with the service's handler.
     *
     * @param service the service whose handler, limits and error answers the protocol serves
     * @param request the request, with its whole body
     * @return the handler, or null to leave the request to HTTP/1.1 (HTTP/2: without exactly one valid
     *         {@code HTTP2-Settings}); null by default
     */
    default Handler upgrade(HttpService service, HttpRequest request) {
        return null;
    }

    /**
     * A handler for a connection of {@code service} whose first bytes were the {@linkplain #preface preface}, or
     * whose TLS handshake agreed on the {@linkplain #applicationProtocol ALPN name}: it replaces the HTTP/1 stage and
     * gets every byte read so far, the preface included (over TLS, it is added before any byte is read).
     *
     * @param service the service whose handler, limits and error answers the protocol serves
     * @return the new protocol's handler
     */
    Handler handler(HttpService service);
}
