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
 *
 * <p><b>Compressed bodies.</b> By default a body is handed over as it came, whatever its {@code Content-Encoding}
 * (a handler may decode it itself). A policy made {@link #decoded()} decodes {@code gzip} (and {@code x-gzip})
 * and {@code deflate} bodies as they arrive, so the handler reads the decoded bytes, and the limit counts them: a
 * bomb (a few KiB that inflate to gigabytes) stops at the limit with 413, having inflated at most the limit (and
 * a streamed one holds no more than the stream's window at a time). The handler sees the request without
 * {@code Content-Encoding} and {@code Content-Length}, since neither describes the bytes it reads. Any other
 * coding, or more than one, is refused with {@code 415 Unsupported Media Type} and {@code Accept-Encoding: gzip,
 * deflate} (RFC 9110 section 15.5.16), before the body is read. A body whose compressed data is broken or cut
 * short gets 400.
 */
public final class BodyPolicy {
    /** The largest body a handler can take whole: the largest Java array. */
    public static final long MAX_WHOLE = Integer.MAX_VALUE - 8;

    /** Whole bodies up to the service's {@link HttpConfig#maxBody()} (8 MiB by default): what handlers get unless they ask. */
    public static final BodyPolicy DEFAULT = new BodyPolicy(false, -1, false);

    private final boolean streamed;
    private final long maxBytes;
    private final boolean decoded;

    private BodyPolicy(boolean streamed, long maxBytes, boolean decoded) {
        this.streamed = streamed;
        this.maxBytes = maxBytes;
        this.decoded = decoded;
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
        return new BodyPolicy(false, maxBytes, false);
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
        return new BodyPolicy(true, maxBytes, false);
    }

    /**
     * This policy, decoding {@code gzip} and {@code deflate} bodies before the handler sees them (see above): the
     * limit then counts decoded bytes.
     *
     * <pre>{@code
     * .post("/ingest", HttpHandler.withBody(BodyPolicy.whole(16 * 1024 * 1024).decoded(), ingest))
     * }</pre>
     *
     * @return the policy that decodes
     */
    public BodyPolicy decoded() {
        return new BodyPolicy(streamed, maxBytes, true);
    }

    /** {@return true when {@code gzip} and {@code deflate} bodies are decoded before the handler sees them} */
    public boolean decodes() {
        return decoded;
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
        return (streamed ? "stream" : "whole") + "(" + (maxBytes < 0 ? "maxBody" : maxBytes) + ")"
                + (decoded ? ".decoded()" : "");
    }
}
