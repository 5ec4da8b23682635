package io.switchboard.http;

import io.switchboard.pipeline.Handler;

/**
 * A protocol an {@link HttpService}'s connections speak instead of HTTP/1 when a client opens with that protocol's
 * preface: HTTP/2 with prior knowledge (h2c, RFC 9113 section 3.3), given by {@code io.switchboard.http2.Http2Server}.
 * Over TLS the protocol is chosen by ALPN instead: a connection whose handshake agreed on its
 * {@linkplain #applicationProtocol ALPN name} ({@code h2}) speaks it from the first byte after the handshake, and
 * one that agreed on another protocol, or on none, speaks HTTP/1 (RFC 9113 section 3.3: prior knowledge is for
 * cleartext only). Set with {@link HttpService#withPriorKnowledge}; a service has none unless given one, so a new
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
     * A handler for a connection of {@code service} whose first bytes were the {@linkplain #preface preface}, or
     * whose TLS handshake agreed on the {@linkplain #applicationProtocol ALPN name}: it replaces the HTTP/1 stage and
     * gets every byte read so far, the preface included (over TLS, it is added before any byte is read).
     *
     * @param service the service whose handler, limits and error answers the protocol serves
     * @return the new protocol's handler
     */
    Handler handler(HttpService service);
}
