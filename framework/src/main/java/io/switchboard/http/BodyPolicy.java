package io.switchboard.http;

/**
 * How a handler takes request bodies: whole (the default: the handler runs once the body is in, holding all of
 * it as a {@code byte[]}) or as a stream (the handler runs at the head and reads the body as it arrives, with
 * backpressure), and how many bytes a body may have. A handler says which through
 * {@link HttpHandler#bodyPolicy}; {@link HttpHandler#withBody} sets it for one handler or route. Immutable.
 *
 * <p>The limit is enforced the same way in both modes: a {@code Content-Length} over it is answered
 * {@code 413 Content Too Large} (without {@code 100 Continue}, and without running the handler); a chunked
 * body is counted as it arrives and stops at the limit with 413 (a streamed body's reader then sees the
 * failure). A whole body is at most {@value #MAX_WHOLE} bytes, the largest array; a stream has no such bound.
 */
public final class BodyPolicy {
    /** The largest body a handler can take whole: the largest Java array. */
    public static final long MAX_WHOLE = Integer.MAX_VALUE - 8;

    /** Whole bodies up to the service's {@link HttpConfig#maxBody()} (8 MiB by default): what handlers get unless they ask. */
    public static final BodyPolicy DEFAULT = new BodyPolicy(false, -1);

    private final boolean streamed;
    private final long maxBytes;

    private BodyPolicy(boolean streamed, long maxBytes) {
        this.streamed = streamed;
        this.maxBytes = maxBytes;
    }

    /**
     * Whole bodies up to {@code maxBytes}, held in memory (and counted against the server's
     * {@link io.switchboard.pipeline.MemoryBudget}) until the answer leaves.
     *
     * @param maxBytes the most bytes a body may have; at most {@link #MAX_WHOLE}
     * @return the policy
     * @throws IllegalArgumentException when {@code maxBytes} is negative or over {@link #MAX_WHOLE}
     */
    public static BodyPolicy whole(long maxBytes) {
        if (maxBytes < 0 || maxBytes > MAX_WHOLE) {
            throw new IllegalArgumentException("a whole body's limit is between 0 and " + MAX_WHOLE + ", got " + maxBytes);
        }
        return new BodyPolicy(false, maxBytes);
    }

    /**
     * Streamed bodies up to {@code maxBytes}: the handler runs as soon as the head is in and reads the body
     * through {@link HttpRequest#streamedBody()} or {@link HttpRequest#bodyStream()}; the connection holds at
     * most about its high watermark of body bytes the handler has not read, and stops reading from the client
     * meanwhile.
     *
     * @param maxBytes the most bytes a body may have ({@code Long.MAX_VALUE} for no limit)
     * @return the policy
     * @throws IllegalArgumentException when {@code maxBytes} is negative
     */
    public static BodyPolicy stream(long maxBytes) {
        if (maxBytes < 0) {
            throw new IllegalArgumentException("a body's limit is not negative, got " + maxBytes);
        }
        return new BodyPolicy(true, maxBytes);
    }

    /** {@return true when bodies are streamed to the handler, false when it gets them whole} */
    public boolean streamed() {
        return streamed;
    }

    /**
     * The most bytes a body may have under this policy.
     *
     * @param config the service's limits, whose {@link HttpConfig#maxBody()} applies to {@link #DEFAULT}
     * @return the limit in bytes
     */
    public long maxBytes(HttpConfig config) {
        return maxBytes < 0 ? config.maxBody() : maxBytes;
    }

    @Override
    public String toString() {
        return (streamed ? "stream" : "whole") + "(" + (maxBytes < 0 ? "maxBody" : maxBytes) + ")";
    }
}
