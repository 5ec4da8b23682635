package io.switchboard.http;

import java.util.List;
import java.util.zip.Deflater;

/**
 * How the server compresses its answers, when {@link HttpConfig#compression()} is set (it is not by default:
 * compression costs CPU on the loop, and a page that reflects input next to a secret over TLS gives the secret
 * away to BREACH; Netty, Jetty, nginx and Spring Boot all leave it off until asked). Immutable.
 *
 * <p>An answer is compressed, in {@code gzip} or {@code deflate} as the request's {@code Accept-Encoding} prefers,
 * when all of these hold:
 * <ul>
 *   <li>the request is HTTP/1.1 (nginx's {@code gzip_http_version} default: a compressed stream goes out
 *       chunked, which HTTP/1.0 lacks);</li>
 *   <li>its status carries a body (not 1xx, 204 or 304) and is not {@code 206 Partial Content}, and the answer
 *       has neither {@code Content-Encoding} (it is encoded already: a precompressed file, say) nor
 *       {@code Content-Range};</li>
 *   <li>its {@code Content-Type} is one of {@code types};</li>
 *   <li>its body has at least {@code minSize} bytes, or its length is not known (a stream without a length);</li>
 *   <li>it is not a file answer ({@link HttpResponder#sendFile}): a file goes out as it is, by zero-copy file
 *       regions where it can, so that serving it costs no CPU per byte; {@link StaticFiles} serves a
 *       precompressed {@code NAME.gz} sibling instead (nginx's {@code gzip_static}).</li>
 * </ul>
 * Such an answer carries {@code Vary: Accept-Encoding}, whether it was compressed or not, so that a cache
 * keeps the two forms apart (once: not when the answer's {@code Vary} names the field already, or is {@code *};
 * Jetty added it twice, jetty#898). A {@code 304} carries it too unless its {@code Content-Type} is not
 * compressible (RFC 9110 section 15.4.5: a 304 repeats the {@code Vary} of the 200 it stands for, jetty#8905).
 *
 * <p>A compressed answer: {@code Content-Encoding} set; a strong {@code ETag} made weak (as nginx does: the
 * compressed bytes are not those the tag named, yet the client's next {@code If-None-Match} still matches by
 * weak comparison); {@code Accept-Ranges} removed (byte ranges of the compressed form are not served, as in
 * nginx). A whole body whose compressed form fits in one 32 KiB piece is sent with its compressed
 * {@code Content-Length}; a larger one, and every stream, is sent chunked as it is compressed, so the memory it
 * takes is one piece, not the body. A stream's bytes written together (those the connection takes in one go)
 * are flushed together: each write reaches the client without waiting for more, as an event stream needs. A
 * {@code HEAD} answer carries the head the {@code GET} would get (its coding and compressed length), without a
 * body.
 *
 * <p>Memory: zlib's deflate state is 256 KiB of native memory. A connection holds one only while an answer is
 * being compressed (a whole body usually within one call; a stream from its first bytes to its end, so an event
 * stream that has sent nothing holds none), takes it from a small pool of its loop
 * ({@value #POOLED_PER_LOOP} kept idle per loop and level), and counts it against the server's
 * {@link io.switchboard.pipeline.MemoryBudget} from the moment the answer's head names the coding until the
 * answer ends; when the budget has no room, the answer goes out uncompressed rather than wait.
 *
 * @param level   the deflate level, 1 (fastest) to 9 (smallest), or 0 to store (default 6, zlib's default, as in
 *                Netty, Jetty and Undertow; nginx's 1 is faster and about 10% larger)
 * @param minSize bodies smaller than this many bytes are sent as they are (default 1024: a smaller answer fits in
 *                one packet either way, and the deflater's setup, which clears a 64 KiB table, costs more than
 *                the bytes saved)
 * @param types   the compressible media types, matched against {@code Content-Type} without its parameters and
 *                regardless of case: {@code type/subtype}, {@code type/*}, or {@code type/*+suffix} for
 *                structured syntaxes (default {@link #DEFAULT_TYPES}: text, JSON, JavaScript, XML, SVG,
 *                WebAssembly and uncompressed fonts; never images, audio, video or archives, which are
 *                compressed already)
 */
public record CompressionOptions(int level, int minSize, List<String> types) {

    /** The media types compressed by default. */
    public static final List<String> DEFAULT_TYPES = List.of("text/*", "application/json", "application/*+json",
            "application/x-ndjson", "application/javascript", "application/xml", "application/*+xml",
            "image/svg+xml", "application/wasm", "font/ttf", "font/otf");

    /** Deflaters a loop keeps idle for reuse, per level: a pooled one costs its 256 KiB of native memory. */
    public static final int POOLED_PER_LOOP = 4;

    /** The defaults listed above. */
    public static final CompressionOptions DEFAULTS = new CompressionOptions(6, 1024, DEFAULT_TYPES);

    /**
     * Validates the options.
     *
     * @param level   the deflate level, 0 to 9 (or -1 for zlib's default, 6)
     * @param minSize the smallest body compressed; not negative
     * @param types   the compressible media types, each {@code type/subtype}, {@code type/*} or
     *                {@code type/*+suffix}
     * @throws IllegalArgumentException when an option is out of range or a type is malformed
     */
    public CompressionOptions {
        if (level < Deflater.DEFAULT_COMPRESSION || level > Deflater.BEST_COMPRESSION) {
            throw new IllegalArgumentException("level must be 0 to 9 (or -1 for 6), got " + level);
        }
        if (level == Deflater.DEFAULT_COMPRESSION) {
            level = 6;
        }
        if (minSize < 0) {
            throw new IllegalArgumentException("minSize must not be negative, got " + minSize);
        }
        types = List.copyOf(types);
        for (String type : types) {
            int slash = type.indexOf('/');
            if (slash <= 0 || slash == type.length() - 1 || type.indexOf('/', slash + 1) >= 0
                    || type.indexOf(';') >= 0 || !type.strip().equals(type)) {
                throw new IllegalArgumentException("a media type is type/subtype, type/* or type/*+suffix, got \""
                        + type + "\"");
            }
        }
    }

    /**
     * A copy with another level.
     *
     * @param level the new {@code level}
     * @return the copy
     */
    public CompressionOptions withLevel(int level) {
        return new CompressionOptions(level, minSize, types);
    }

    /**
     * A copy with another minimum size.
     *
     * @param bytes the new {@code minSize}
     * @return the copy
     */
    public CompressionOptions withMinSize(int bytes) {
        return new CompressionOptions(level, bytes, types);
    }

    /**
     * A copy with other compressible types.
     *
     * @param types the new {@code types}
     * @return the copy
     */
    public CompressionOptions withTypes(List<String> types) {
        return new CompressionOptions(level, minSize, types);
    }

    /**
     * Whether answers of this {@code Content-Type} are compressed.
     *
     * @param contentType the field's value, parameters and all, or null when the answer has none
     * @return true when its media type matches one of {@link #types()}; false for null
     */
    public boolean compressible(String contentType) {
        if (contentType == null) {
            return false;
        }
        int end = contentType.indexOf(';');
        if (end < 0) {
            end = contentType.length();
        }
        int a = 0;
        while (a < end && (contentType.charAt(a) == ' ' || contentType.charAt(a) == '\t')) {
            a++;
        }
        int b = end;
        while (b > a && (contentType.charAt(b - 1) == ' ' || contentType.charAt(b - 1) == '\t')) {
            b--;
        }
        int slash = contentType.indexOf('/', a);
        if (slash < 0 || slash >= b) {
            return false;
        }
        for (String type : types) {
            if (matches(type, contentType, a, slash, b)) {
                return true;
            }
        }
        return false;
    }

    /** Whether {@code pattern} matches the media type {@code s[a, b)} whose slash is at {@code slash}. */
    private static boolean matches(String pattern, String s, int a, int slash, int b) {
        int p = pattern.indexOf('/');
        boolean anyType = p == 1 && pattern.charAt(0) == '*';
        if (!anyType && !(p == slash - a && s.regionMatches(true, a, pattern, 0, p))) {
            return false;
        }
        int sub = slash + 1;
        int subLength = b - sub;
        int patternSub = pattern.length() - p - 1;
        if (patternSub == 1 && pattern.charAt(p + 1) == '*') {
            return true;
        }
        if (pattern.charAt(p + 1) == '*' && pattern.charAt(p + 2) == '+') {
            int suffix = patternSub - 1; // "+json"
            return subLength > suffix && s.regionMatches(true, b - suffix, pattern, pattern.length() - suffix, suffix);
        }
        return subLength == patternSub && s.regionMatches(true, sub, pattern, p + 1, patternSub);
    }

    /**
     * {@return true when compression applies to {@code response}, whatever the client accepts: it then varies with
     * {@code Accept-Encoding}} HTTP/1.1 and HTTP/2 answers alike.
     *
     * @param length the body's length, or -1 when it is not known (a stream without a length)
     */
    boolean applies(HttpResponse response, long length) {
        int status = response.status();
        if (length >= 0 && length < minSize || !ResponseEncoder.hasBody(status) || status == 206) {
            return false;
        }
        HttpHeaders headers = response.headers();
        return compressible(headers.get("Content-Type")) && !headers.contains("Content-Encoding")
                && !headers.contains("Content-Range");
    }

    /** {@return true when a 304 carries Vary: it stands for a 200 that could have been compressed} */
    boolean varies304(HttpResponse response) {
        if (response.status() != 304) {
            return false;
        }
        String type = response.headers().get("Content-Type");
        return (type == null || compressible(type)) && ResponseEncoder.needsVary(response.headers());
    }
}
