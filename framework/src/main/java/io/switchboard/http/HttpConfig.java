package io.switchboard.http;

/**
 * The limits of the HTTP/1.x server, each with the status a request gets for breaking it. Immutable;
 * start from {@link #DEFAULTS} and change what you need with the {@code with} methods.
 *
 * @param maxRequestLine  bytes of the request line, CRLF excluded (default 8 KiB; 414 past it)
 * @param maxHeaderBytes  bytes of the header section, line ends included (default 16 KiB; 431 past it)
 * @param maxHeaderCount  header fields (default 100; 431 past it)
 * @param maxBody         bytes of a request body, declared or chunked (default 8 MiB; 413 past it)
 * @param maxChunkLine    bytes of a chunk-size line with its extensions (default 4 KiB; 400 past it)
 * @param maxInFlight     pipelined requests received and not yet answered (default 16); past it the
 *                        connection stops reading until responses leave
 * @param serverName      value of the {@code Server} header, or null to send none (default "switchboard")
 */
public record HttpConfig(int maxRequestLine, int maxHeaderBytes, int maxHeaderCount, long maxBody,
                         int maxChunkLine, int maxInFlight, String serverName) {

    /** The defaults listed above. */
    public static final HttpConfig DEFAULTS =
            new HttpConfig(8 * 1024, 16 * 1024, 100, 8L * 1024 * 1024, 4 * 1024, 16, "switchboard");

    /** Validates the limits. */
    public HttpConfig {
        if (maxRequestLine < 16 || maxHeaderBytes < 16 || maxHeaderCount < 1 || maxBody < 0
                || maxChunkLine < 3 || maxInFlight < 1) {
            throw new IllegalArgumentException("HTTP limits out of range");
        }
    }

    /** A copy with another body limit. */
    public HttpConfig withMaxBody(long bytes) {
        return new HttpConfig(maxRequestLine, maxHeaderBytes, maxHeaderCount, bytes, maxChunkLine, maxInFlight, serverName);
    }

    /** A copy with another request-line limit. */
    public HttpConfig withMaxRequestLine(int bytes) {
        return new HttpConfig(bytes, maxHeaderBytes, maxHeaderCount, maxBody, maxChunkLine, maxInFlight, serverName);
    }

    /** A copy with other header limits. */
    public HttpConfig withMaxHeaders(int bytes, int count) {
        return new HttpConfig(maxRequestLine, bytes, count, maxBody, maxChunkLine, maxInFlight, serverName);
    }

    /** A copy with another pipelining depth. */
    public HttpConfig withMaxInFlight(int requests) {
        return new HttpConfig(maxRequestLine, maxHeaderBytes, maxHeaderCount, maxBody, maxChunkLine, requests, serverName);
    }

    /** A copy with another {@code Server} header value (null for none). */
    public HttpConfig withServerName(String name) {
        return new HttpConfig(maxRequestLine, maxHeaderBytes, maxHeaderCount, maxBody, maxChunkLine, maxInFlight, name);
    }
}
