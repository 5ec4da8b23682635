package io.switchboard.http;

import java.time.Duration;

/**
 * The limits of the HTTP/1.x server, each with the status a request gets for breaking it. Immutable;
 * start from {@link #DEFAULTS} and change what you need with the {@code with} methods.
 *
 * @param maxRequestLine  bytes of the request line, CRLF excluded (default 8 KiB; 414 past it)
 * @param maxHeaderBytes  bytes of the header section, line ends included (default 16 KiB; 431 past it)
 * @param maxHeaderCount  header fields (default 100; 431 past it)
 * @param maxBody         bytes of a request body, declared or chunked, for handlers that do not set their own
 *                        limit with a {@link BodyPolicy} (default 8 MiB; 413 past it)
 * @param maxChunkLine    bytes of a chunk-size line with its extensions (default 4 KiB; 400 past it)
 * @param maxInFlight     pipelined requests received and not yet answered (default 16); past it the
 *                        connection stops reading until responses leave
 * @param serverName      value of the {@code Server} header, or null to send none (default "switchboard")
 * @param requestHeaderTimeout the whole header section of a request must arrive within this time of its
 *                        first byte (slowloris), and a new connection must start its first request within
 *                        it (default 60 s, nginx's client_header_timeout); 408 and a close, or a silent
 *                        close when nothing was sent
 * @param keepAliveTimeout a connection with nothing in flight is closed after this much silence
 *                        (default 75 s, nginx's keepalive_timeout)
 * @param bodyTimeout     longest pause between two reads of a request body (default 60 s, nginx's
 *                        client_body_timeout); 408 and a close
 * @param sendTimeout     longest a writer of a {@link ResponseStream} on another thread waits for the peer
 *                        to take bytes, counted from the last chunk that left (default 60 s, nginx's
 *                        send_timeout); past it the stream is cut and the connection reset. Also the longest
 *                        an answer whose body leaves in slices (a large whole body, a file read in chunks
 *                        where TLS must see the bytes) waits for the client to take any: then the connection
 *                        is reset
 * @param compression     how answers are compressed (gzip or deflate, as {@code Accept-Encoding} asks), or null
 *                        to send them as they are (the default: see {@link CompressionOptions} for why); request
 *                        bodies are decoded per route instead ({@link BodyPolicy#decoded()})
 *
 * <p>Request bodies also count against the server's {@link io.switchboard.pipeline.MemoryBudget}: a body's
 * memory grows with the bytes that arrive (never with the declared {@code Content-Length} alone), and a
 * connection's bodies past its first 8 KiB are reserved from the budget as they grow. A request whose body
 * would take the budget past its limit is refused with {@code 503 Service Unavailable} and
 * {@code Connection: close} (the bytes already taken are given back), so that many peers sending large
 * bodies slowly cannot exhaust the heap. A handler offloaded to an executor that refuses it
 * ({@link java.util.concurrent.RejectedExecutionException}, as a full {@link io.switchboard.loop.Offload}
 * does) answers 503 too.
 */
public record HttpConfig(int maxRequestLine, int maxHeaderBytes, int maxHeaderCount, long maxBody,
                         int maxChunkLine, int maxInFlight, String serverName, Duration requestHeaderTimeout,
                         Duration keepAliveTimeout, Duration bodyTimeout, Duration sendTimeout,
                         CompressionOptions compression) {

    /** The defaults listed above. */
    public static final HttpConfig DEFAULTS = new HttpConfig(8 * 1024, 16 * 1024, 100, 8L * 1024 * 1024, 4 * 1024, 16,
            "switchboard", Duration.ofSeconds(60), Duration.ofSeconds(75), Duration.ofSeconds(60), Duration.ofSeconds(60),
            null);

    /**
     * Validates the limits.
     *
     * @param maxRequestLine       bytes of the request line; at least 16
     * @param maxHeaderBytes       bytes of the header section; at least 16
     * @param maxHeaderCount       header fields; at least 1
     * @param maxBody              bytes of a request body; not negative
     * @param maxChunkLine         bytes of a chunk-size line; at least 3
     * @param maxInFlight          pipelined requests not yet answered; at least 1
     * @param serverName           value of the {@code Server} header, or null to send none
     * @param requestHeaderTimeout time for a request's header section to arrive; positive
     * @param keepAliveTimeout     silence after which an idle connection closes; positive
     * @param bodyTimeout          longest pause between two reads of a request body; positive
     * @param sendTimeout          longest wait of a streamed answer's writer for the peer; positive
     * @param compression          how answers are compressed, or null for not at all
     * @throws IllegalArgumentException when a limit is out of range
     */
    public HttpConfig {
        if (maxRequestLine < 16 || maxHeaderBytes < 16 || maxHeaderCount < 1 || maxBody < 0
                || maxChunkLine < 3 || maxInFlight < 1) {
            throw new IllegalArgumentException("HTTP limits out of range");
        }
        for (Duration d : new Duration[] {requestHeaderTimeout, keepAliveTimeout, bodyTimeout, sendTimeout}) {
            if (d == null || d.isNegative() || d.isZero()) {
                throw new IllegalArgumentException("HTTP timeouts must be positive");
            }
        }
    }

    /**
     * The limits without compression: the constructor of the releases before {@code compression} was added.
     *
     * @param maxRequestLine       bytes of the request line; at least 16
     * @param maxHeaderBytes       bytes of the header section; at least 16
     * @param maxHeaderCount       header fields; at least 1
     * @param maxBody              bytes of a request body; not negative
     * @param maxChunkLine         bytes of a chunk-size line; at least 3
     * @param maxInFlight          pipelined requests not yet answered; at least 1
     * @param serverName           value of the {@code Server} header, or null to send none
     * @param requestHeaderTimeout time for a request's header section to arrive; positive
     * @param keepAliveTimeout     silence after which an idle connection closes; positive
     * @param bodyTimeout          longest pause between two reads of a request body; positive
     * @param sendTimeout          longest wait of a streamed answer's writer for the peer; positive
     * @throws IllegalArgumentException when a limit is out of range
     */
    public HttpConfig(int maxRequestLine, int maxHeaderBytes, int maxHeaderCount, long maxBody, int maxChunkLine,
                      int maxInFlight, String serverName, Duration requestHeaderTimeout, Duration keepAliveTimeout,
                      Duration bodyTimeout, Duration sendTimeout) {
        this(maxRequestLine, maxHeaderBytes, maxHeaderCount, maxBody, maxChunkLine, maxInFlight, serverName,
                requestHeaderTimeout, keepAliveTimeout, bodyTimeout, sendTimeout, null);
    }

    /**
     * A copy with another body limit.
     *
     * @param bytes the new {@code maxBody}
     * @return the copy
     */
    public HttpConfig withMaxBody(long bytes) {
        return new HttpConfig(maxRequestLine, maxHeaderBytes, maxHeaderCount, bytes, maxChunkLine, maxInFlight, serverName,
                requestHeaderTimeout, keepAliveTimeout, bodyTimeout, sendTimeout, compression);
    }

    /**
     * A copy with another request-line limit.
     *
     * @param bytes the new {@code maxRequestLine}
     * @return the copy
     */
    public HttpConfig withMaxRequestLine(int bytes) {
        return new HttpConfig(bytes, maxHeaderBytes, maxHeaderCount, maxBody, maxChunkLine, maxInFlight, serverName,
                requestHeaderTimeout, keepAliveTimeout, bodyTimeout, sendTimeout, compression);
    }

    /**
     * A copy with other header limits.
     *
     * @param bytes the new {@code maxHeaderBytes}
     * @param count the new {@code maxHeaderCount}
     * @return the copy
     */
    public HttpConfig withMaxHeaders(int bytes, int count) {
        return new HttpConfig(maxRequestLine, bytes, count, maxBody, maxChunkLine, maxInFlight, serverName,
                requestHeaderTimeout, keepAliveTimeout, bodyTimeout, sendTimeout, compression);
    }

    /**
     * A copy with another pipelining depth.
     *
     * @param requests the new {@code maxInFlight}
     * @return the copy
     */
    public HttpConfig withMaxInFlight(int requests) {
        return new HttpConfig(maxRequestLine, maxHeaderBytes, maxHeaderCount, maxBody, maxChunkLine, requests, serverName,
                requestHeaderTimeout, keepAliveTimeout, bodyTimeout, sendTimeout, compression);
    }

    /**
     * A copy with another {@code Server} header value.
     *
     * @param name the new {@code serverName}, or null to send no {@code Server} header
     * @return the copy
     */
    public HttpConfig withServerName(String name) {
        return new HttpConfig(maxRequestLine, maxHeaderBytes, maxHeaderCount, maxBody, maxChunkLine, maxInFlight, name,
                requestHeaderTimeout, keepAliveTimeout, bodyTimeout, sendTimeout, compression);
    }

    /**
     * A copy with another send timeout.
     *
     * @param timeout the new {@code sendTimeout}
     * @return the copy
     */
    public HttpConfig withSendTimeout(Duration timeout) {
        return new HttpConfig(maxRequestLine, maxHeaderBytes, maxHeaderCount, maxBody, maxChunkLine, maxInFlight,
                serverName, requestHeaderTimeout, keepAliveTimeout, bodyTimeout, timeout, compression);
    }

    /**
     * A copy with other timeouts.
     *
     * @param requestHeader the new {@code requestHeaderTimeout}
     * @param keepAlive     the new {@code keepAliveTimeout}
     * @param body          the new {@code bodyTimeout}
     * @return the copy
     */
    public HttpConfig withTimeouts(Duration requestHeader, Duration keepAlive, Duration body) {
        return new HttpConfig(maxRequestLine, maxHeaderBytes, maxHeaderCount, maxBody, maxChunkLine, maxInFlight,
                serverName, requestHeader, keepAlive, body, sendTimeout, compression);
    }

    /**
     * A copy that compresses answers with {@code options}, or sends them as they are when null.
     *
     * @param options the new {@code compression}, for instance {@link CompressionOptions#DEFAULTS}
     * @return the copy
     */
    public HttpConfig withCompression(CompressionOptions options) {
        return new HttpConfig(maxRequestLine, maxHeaderBytes, maxHeaderCount, maxBody, maxChunkLine, maxInFlight,
                serverName, requestHeaderTimeout, keepAliveTimeout, bodyTimeout, sendTimeout, options);
    }
}
