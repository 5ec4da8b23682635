package io.switchboard.http;

import io.switchboard.pipeline.Handler;

/**
 * A protocol an {@link HttpService}'s connections speak instead of HTTP/1 when a client opens with that protocol's
 * preface: HTTP/2 with prior knowledge (h2c, RFC 9113 section 3.3), given by {@code io.switchboard.http2.Http2Server}.
 * Set with {@link HttpService#withPriorKnowledge}; a service has none unless given one, so a new protocol's surface
 * is open only where it was asked for. Implementations must be thread-safe (one serves every connection).
 */
public interface PriorKnowledge {
    /** {@return the bytes a connection starts with to speak this protocol; no HTTP/1 request may start with them} */
    byte[] preface();

    /**
     * A handler for a connection of {@code service} whose first bytes were the {@linkplain #preface preface}: it
     * replaces the HTTP/1 stage and gets every byte read so far, the preface included.
     *
     * @param service the service whose handler, limits and error answers the protocol serves
     * @return the new protocol's handler
     */
    Handler handler(HttpService service);
}
