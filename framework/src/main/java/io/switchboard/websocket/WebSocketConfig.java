package io.switchboard.websocket;

import java.time.Duration;

/**
 * Limits and timeouts of a WebSocket connection. Immutable.
 *
 * <p>The defaults follow Jetty's (64 KiB frames, 64 KiB text and binary messages) and Netty's (64 KiB frames): big
 * enough for chat lines, JSON events and small files, small enough that one peer cannot make a server hold much.
 * Vert.x allows messages of 256 KiB; Undertow and Netty put no bound on a message by default, which is how the
 * unbounded-memory reports against them came about. An application that expects larger messages raises the
 * limits for its route ({@link #withMaxMessageSize}); a browser sends each message as one frame, so the frame
 * limit should follow the message limit, which that method does.
 *
 * @param maxFramePayload the largest frame payload accepted (default 64 KiB); a larger frame closes the connection
 *                        with {@link CloseStatus#MESSAGE_TOO_BIG} as soon as its header arrives. For a compressed
 *                        frame this bounds the compressed bytes.
 * @param maxMessageSize  the largest message accepted, all its fragments together (default 64 KiB), inflated when
 *                        compressed; a larger message closes with {@link CloseStatus#MESSAGE_TOO_BIG} as soon as a
 *                        frame header announces it, or, compressed, as soon as inflating passes the limit. This also
 *                        bounds a message made of endless continuation frames (CVE-2014-0193).
 * @param closeTimeout    how long a side that sent a close frame waits for the peer's before it closes the
 *                        connection, and how long a client waits for the server to close the connection after the
 *                        close handshake (default 5 s, as {@link io.switchboard.pipeline.ConnectionConfig#closeTimeout()})
 * @param deflate         what permessage-deflate (RFC 7692) offers are accepted and how messages are compressed, or
 *                        null (the default) to decline compression
 */
public record WebSocketConfig(int maxFramePayload, int maxMessageSize, Duration closeTimeout, DeflateOptions deflate) {
    /** The largest limit: the most an array can hold. */
    public static final int MAX_LIMIT = Integer.MAX_VALUE - 8;

    /** The defaults listed above. */
    public static final WebSocketConfig DEFAULTS = new WebSocketConfig(64 * 1024, 64 * 1024, Duration.ofSeconds(5), null);

    /**
     * Validates the limits.
     *
     * @param maxFramePayload the largest frame payload accepted, 125 to {@link #MAX_LIMIT}
     * @param maxMessageSize  the largest message accepted, 1 to {@link #MAX_LIMIT}
     * @param closeTimeout    how long to wait for the peer's close; positive
     * @param deflate         compression options, or null for none
     * @throws IllegalArgumentException when a limit is out of range
     */
    public WebSocketConfig {
        if (maxFramePayload < Opcode.MAX_CONTROL_PAYLOAD || maxFramePayload > MAX_LIMIT) {
            throw new IllegalArgumentException("maxFramePayload must be 125 to " + MAX_LIMIT + ", got " + maxFramePayload);
        }
        if (maxMessageSize < 1 || maxMessageSize > MAX_LIMIT) {
            throw new IllegalArgumentException("maxMessageSize must be 1 to " + MAX_LIMIT + ", got " + maxMessageSize);
        }
        if (closeTimeout == null || closeTimeout.isNegative() || closeTimeout.isZero()) {
            throw new IllegalArgumentException("closeTimeout must be positive");
        }
    }

    /**
     * A copy that accepts messages, and frames, of up to {@code bytes} bytes.
     *
     * @param bytes the new {@code maxMessageSize} and {@code maxFramePayload} (at least 125)
     * @return the copy
     */
    public WebSocketConfig withMaxMessageSize(int bytes) {
        return new WebSocketConfig(bytes, bytes, closeTimeout, deflate);
    }

    /**
     * A copy with separate limits on frames and messages.
     *
     * @param frame   the new {@code maxFramePayload}
     * @param message the new {@code maxMessageSize}
     * @return the copy
     */
    public WebSocketConfig withLimits(int frame, int message) {
        return new WebSocketConfig(frame, message, closeTimeout, deflate);
    }

    /**
     * A copy with another close timeout.
     *
     * @param timeout the new {@code closeTimeout}
     * @return the copy
     */
    public WebSocketConfig withCloseTimeout(Duration timeout) {
        return new WebSocketConfig(maxFramePayload, maxMessageSize, timeout, deflate);
    }

    /**
     * A copy that accepts permessage-deflate with {@code options}, or declines it when null.
     *
     * @param options the compression options
     * @return the copy
     */
    public WebSocketConfig withDeflate(DeflateOptions options) {
        return new WebSocketConfig(maxFramePayload, maxMessageSize, closeTimeout, options);
    }
}
