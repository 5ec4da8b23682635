package io.switchboard.http;

import static io.switchboard.http.HttpHeaderSyntax.isTchar;
import static io.switchboard.http.HttpHeaderSyntax.isValueChar;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * The request side of HTTP/1.x (RFC 9112) as a resumable state machine with no I/O: give it bytes as they
 * come and it returns one event at a time. Lines are consumed as soon as they are complete, so what it
 * leaves unconsumed is at most one partial line (bounded by the limits) or body bytes not yet asked for;
 * a line is searched for its end only once however it is split. Any split of the input yields the same
 * events. Violations raise {@link HttpException} with their status. Loop thread only; one per connection.
 */
final class RequestParser {
    private static final byte CR = '\r';
    private static final byte LF = '\n';
    private static final int RECENT_FIELDS = 16;

    /** What {@link #parse} found. */
    enum Event { NEED_MORE, HEAD, BODY, END }

    /** Where the parser is within a request. */
    private enum State { REQUEST_LINE, HEADERS, BODY_LENGTH, CHUNK_SIZE, CHUNK_DATA, CHUNK_DATA_END, TRAILERS, COMPLETE }

    /** How the body of the current request is framed. */
    enum Framing { NONE, LENGTH, CHUNKED }

    private final HttpConfig config;
    private State state = State.REQUEST_LINE;
    private int scanned;
    private boolean emptyLineSeen;

    private String method;
    private String target;
    /**
     * Strings made during the current read batch, by field position, reused when a later request of the
     * batch repeats the same bytes (pipelining clients send the same fields again and again). Dropped at the
     * end of each batch, so an idle connection holds none.
     */
    private String[] recent;
    private String recentTarget;
    private HttpVersion version;
    private HttpHeaders headers;
    private HttpHeaders trailers;
    private int sectionBytes;
    private Framing framing;
    private long contentLength;
    private boolean expectContinue;
    private long remaining;
    private long bodyBytes;
    /** The most bytes the current request's body may have: {@code maxBody} unless its handler said otherwise. */
    private long bodyLimit;
    private ByteBuffer bodySlice;

    RequestParser(HttpConfig config) {
        this.config = config;
    }

    /** True between requests: nothing of the next request has been consumed yet. */
    boolean atRequestStart() {
        return state == State.REQUEST_LINE && scanned == 0 && !emptyLineSeen;
    }

    /** Parses from {@code in} until it has an event or needs more bytes. */
    Event parse(ByteBuffer in) {
        while (true) {
            switch (state) {
                case REQUEST_LINE -> {
                    int end = lineEnd(in, config.maxRequestLine(), 414, "request line");
                    if (end < 0) {
                        return Event.NEED_MORE;
                    }
                    requestLine(in, end);
                }
                case HEADERS -> {
                    int end = lineEnd(in, config.maxHeaderBytes() - sectionBytes, 431, "header section");
                    if (end < 0) {
                        return Event.NEED_MORE;
                    }
                    if (headerLine(in, end, headers)) {
                        endOfHeaders();
                        return Event.HEAD;
                    }
                }
                case BODY_LENGTH, CHUNK_DATA -> {
                    if (!in.hasRemaining()) {
                        return Event.NEED_MORE;
                    }
                    int n = (int) Math.min(remaining, in.remaining());
                    bodySlice = in.slice(in.position(), n);
                    in.position(in.position() + n);
                    remaining -= n;
                    if (remaining == 0) {
                        state = state == State.BODY_LENGTH ? State.COMPLETE : State.CHUNK_DATA_END;
                    }
                    return Event.BODY;
                }
                case CHUNK_DATA_END -> {
                    if (in.remaining() < 2) {
                        if (in.hasRemaining() && in.get(in.position()) != CR) {
                            throw new HttpException(400, "chunk data not followed by CRLF");
                        }
                        return Event.NEED_MORE;
                    }
                    if (in.get(in.position()) != CR || in.get(in.position() + 1) != LF) {
                        throw new HttpException(400, "chunk data not followed by CRLF");
                    }
                    in.position(in.position() + 2);
                    state = State.CHUNK_SIZE;
                }
                case CHUNK_SIZE -> {
                    int end = lineEnd(in, config.maxChunkLine(), 400, "chunk-size line");
                    if (end < 0) {
                        return Event.NEED_MORE;
                    }
                    chunkSize(in, end);
                }
                case TRAILERS -> {
                    int end = lineEnd(in, config.maxHeaderBytes() - sectionBytes, 431, "trailer section");
                    if (end < 0) {
                        return Event.NEED_MORE;
                    }
                    if (trailers == null) {
                        trailers = new HttpHeaders(2);
                    }
                    if (headerLine(in, end, trailers)) {
                        state = State.COMPLETE;
                    }
                }
                case COMPLETE -> {
                    state = State.REQUEST_LINE;
                    emptyLineSeen = false;
                    return Event.END;
                }
                default -> throw new IllegalStateException(state.toString());
            }
        }
    }

    String method() {
        return method;
    }

    String target() {
        return target;
    }

    HttpVersion version() {
        return version;
    }

    HttpHeaders headers() {
        return headers;
    }

    /** Drops the finished request's fields so that an idle connection holds none of them. */
    void forgetMessage() {
        target = null;
        headers = null;
        trailers = null;
        bodySlice = null;
    }

    /** Trailers of the finished chunked body, or null. */
    HttpHeaders trailers() {
        return trailers;
    }

    Framing framing() {
        return framing;
    }

    /** The declared Content-Length, or -1 when the body is chunked or absent. */
    long contentLength() {
        return framing == Framing.LENGTH ? contentLength : -1;
    }

    boolean expectContinue() {
        return expectContinue;
    }

    /**
     * Sets the most bytes the current request's body may have, after its head ({@code maxBody} until then); a
     * chunked body that goes past it fails with 413. The declared {@code Content-Length} is the caller's to check.
     *
     * @param bytes the limit
     */
    void limitBody(long bytes) {
        bodyLimit = bytes;
    }

    /** The body bytes of the last BODY event: a slice of the input, valid until the input changes. */
    ByteBuffer body() {
        return bodySlice;
    }

    // Lines

    /**
     * Index of the LF ending the current line, or -1 when it has not arrived. Lines end with CRLF; a bare LF
     * is refused. A partial line longer than {@code limit} fails with {@code status}.
     */
    private int lineEnd(ByteBuffer in, int limit, int status, String what) {
        int start = in.position();
        int end = in.limit();
        int searchEnd = (int) Math.min(end, (long) start + limit + 2);
        for (int i = start + scanned; i < searchEnd; i++) {
            if (in.get(i) == LF) {
                scanned = 0;
                if (i == start || in.get(i - 1) != CR) {
                    throw new HttpException(400, "line ended by a bare LF");
                }
                if (i - 1 - start > limit) {
                    throw new HttpException(status, what + " longer than the limit");
                }
                return i;
            }
        }
        scanned = searchEnd - start;
        if (end - start > limit + 1) {
            throw new HttpException(status, what + " longer than the limit");
        }
        return -1;
    }

    private void requestLine(ByteBuffer in, int lf) {
        int start = in.position();
        int end = lf - 1;
        in.position(lf + 1);
        if (end == start) {
            if (emptyLineSeen) {
                throw new HttpException(400, "empty lines before the request line");
            }
            emptyLineSeen = true;
            return;
        }
        int sp1 = indexOf(in, start, end, (byte) ' ');
        if (sp1 <= start) {
            throw new HttpException(400, "malformed request line");
        }
        for (int i = start; i < sp1; i++) {
            if (!isTchar(in.get(i))) {
                throw new HttpException(400, "invalid method");
            }
        }
        int sp2 = indexOf(in, sp1 + 1, end, (byte) ' ');
        if (sp2 < 0) {
            throw new HttpException(400, "request line without a version (HTTP/0.9 is not supported)");
        }
        if (sp2 == sp1 + 1) {
            throw new HttpException(400, "malformed request line");
        }
        for (int i = sp1 + 1; i < sp2; i++) {
            byte b = in.get(i);
            if (b <= 0x20 || b >= 0x7F) {
                throw new HttpException(400, "invalid character in the request target");
            }
        }
        version = version(in, sp2 + 1, end);
        method = method(in, start, sp1);
        target = target(in, sp1 + 1, sp2);
        checkTargetForm();
        headers = new HttpHeaders(4);
        trailers = null;
        sectionBytes = 0;
        state = State.HEADERS;
    }

    private HttpVersion version(ByteBuffer in, int from, int end) {
        if (end - from != 8 || in.get(from) != 'H' || in.get(from + 1) != 'T' || in.get(from + 2) != 'T'
                || in.get(from + 3) != 'P' || in.get(from + 4) != '/' || in.get(from + 6) != '.') {
            throw new HttpException(400, "malformed HTTP version");
        }
        int major = in.get(from + 5) - '0';
        int minor = in.get(from + 7) - '0';
        if (major < 0 || major > 9 || minor < 0 || minor > 9) {
            throw new HttpException(400, "malformed HTTP version");
        }
        if (major == 1) {
            return minor == 0 ? HttpVersion.HTTP_1_0 : HttpVersion.HTTP_1_1;
        }
        if (major == 2 || major == 3) {
            throw new HttpException(505, "HTTP/" + major + " is not supported over HTTP/1 framing");
        }
        throw new HttpException(400, "unknown HTTP version");
    }

    private void checkTargetForm() {
        if (method.equals("CONNECT")) {
            throw new HttpException(501, "CONNECT is not supported");
        }
        if (target.charAt(0) == '/') {
            return;
        }
        if (target.equals("*")) {
            if (!method.equals("OPTIONS")) {
                throw new HttpException(400, "asterisk-form target is only for OPTIONS");
            }
            return;
        }
        int scheme = target.indexOf("://");
        if (scheme > 0 && (target.regionMatches(true, 0, "http", 0, scheme) || target.regionMatches(true, 0, "https", 0, scheme))
                && scheme <= 5 && target.length() > scheme + 3) {
            return;
        }
        throw new HttpException(400, "invalid request target");
    }

    /** Returns true at the empty line that ends the section. */
    private boolean headerLine(ByteBuffer in, int lf, HttpHeaders into) {
        int start = in.position();
        int end = lf - 1;
        in.position(lf + 1);
        sectionBytes += lf + 1 - start;
        if (end == start) {
            return true;
        }
        if (sectionBytes > config.maxHeaderBytes()) {
            throw new HttpException(431, "header section longer than the limit");
        }
        if (into.size() >= config.maxHeaderCount()) {
            throw new HttpException(431, "more than " + config.maxHeaderCount() + " header fields");
        }
        byte first = in.get(start);
        if (first == ' ' || first == '\t') {
            throw new HttpException(400, "obsolete line folding is not accepted");
        }
        int colon = indexOf(in, start, end, (byte) ':');
        if (colon <= start) {
            throw new HttpException(400, "malformed header field");
        }
        for (int i = start; i < colon; i++) {
            if (!isTchar(in.get(i))) {
                throw new HttpException(400, "invalid character in a header name");
            }
        }
        int from = colon + 1;
        int to = end;
        while (from < to && isWhitespace(in.get(from))) {
            from++;
        }
        while (to > from && isWhitespace(in.get(to - 1))) {
            to--;
        }
        for (int i = from; i < to; i++) {
            if (!isValueChar(in.get(i))) {
                throw new HttpException(400, "invalid character in a header value");
            }
        }
        String name = HeaderNames.name(in, start, colon);
        into.add(name, into == headers ? value(in, from, to, into.size()) : ascii(in, from, to));
        return false;
    }

    private void endOfHeaders() {
        int hosts = headers.count("Host");
        if (version == HttpVersion.HTTP_1_1 ? hosts != 1 : hosts > 1) {
            throw new HttpException(400, hosts == 0 ? "HTTP/1.1 request without Host" : "more than one Host");
        }
        if (hosts == 1 && headers.get("Host").indexOf(',') >= 0) {
            throw new HttpException(400, "Host holds a list");
        }
        boolean hasTe = headers.contains("Transfer-Encoding");
        boolean hasCl = headers.contains("Content-Length");
        if (hasTe) {
            if (hasCl) {
                throw new HttpException(400, "both Transfer-Encoding and Content-Length");
            }
            if (version == HttpVersion.HTTP_1_0) {
                throw new HttpException(400, "Transfer-Encoding in an HTTP/1.0 request");
            }
            checkChunkedOnly();
            framing = Framing.CHUNKED;
            state = State.CHUNK_SIZE;
        } else if (hasCl) {
            // Its limit depends on the handler, which the connection asks once the head is in.
            contentLength = declaredLength();
            framing = contentLength == 0 ? Framing.NONE : Framing.LENGTH;
            remaining = contentLength;
            state = contentLength == 0 ? State.COMPLETE : State.BODY_LENGTH;
        } else {
            framing = Framing.NONE;
            state = State.COMPLETE;
        }
        bodyBytes = 0;
        bodyLimit = config.maxBody();
        String expect = headers.get("Expect");
        expectContinue = false;
        if (expect != null) {
            if (!expect.equalsIgnoreCase("100-continue") || headers.count("Expect") > 1) {
                throw new HttpException(417, "unsupported expectation");
            }
            expectContinue = version == HttpVersion.HTTP_1_1 && framing != Framing.NONE;
        }
    }

    private void checkChunkedOnly() {
        int codings = 0;
        boolean chunkedLast = false;
        for (int i = 0; i < headers.size(); i++) {
            if (!headers.name(i).equalsIgnoreCase("Transfer-Encoding")) {
                continue;
            }
            for (String coding : headers.value(i).split(",", -1)) {
                String c = coding.strip();
                if (c.isEmpty()) {
                    throw new HttpException(400, "empty transfer coding");
                }
                if (chunkedLast) {
                    throw new HttpException(400, "chunked is not the final transfer coding");
                }
                codings++;
                if (c.equalsIgnoreCase("chunked")) {
                    chunkedLast = true;
                } else if (!isToken(c)) {
                    throw new HttpException(400, "malformed transfer coding");
                }
            }
        }
        if (!chunkedLast) {
            throw new HttpException(codings == 1 ? 501 : 400, "only the chunked transfer coding is supported");
        }
        if (codings > 1) {
            throw new HttpException(501, "only the chunked transfer coding is supported");
        }
    }

    private long declaredLength() {
        long value = -1;
        for (int i = 0; i < headers.size(); i++) {
            if (!headers.name(i).equalsIgnoreCase("Content-Length")) {
                continue;
            }
            for (String part : headers.value(i).split(",", -1)) {
                long n = digits(part.strip());
                if (value >= 0 && n != value) {
                    throw new HttpException(400, "conflicting Content-Length values");
                }
                value = n;
            }
        }
        return value;
    }

    private static long digits(String s) {
        if (s.isEmpty()) {
            throw new HttpException(400, "empty Content-Length");
        }
        long n = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') {
                throw new HttpException(400, "Content-Length is not a number");
            }
            if (n > (Long.MAX_VALUE - 9) / 10) {
                throw new HttpException(413, "Content-Length too large");
            }
            n = n * 10 + (c - '0');
        }
        return n;
    }

    private void chunkSize(ByteBuffer in, int lf) {
        int start = in.position();
        int end = lf - 1;
        in.position(lf + 1);
        long size = 0;
        int i = start;
        while (i < end) {
            int digit = Character.digit(in.get(i), 16);
            if (digit < 0) {
                break;
            }
            if (i - start >= 15) {
                throw new HttpException(413, "chunk size too large");
            }
            size = size * 16 + digit;
            i++;
        }
        if (i == start) {
            throw new HttpException(400, "malformed chunk size");
        }
        checkExtensions(in, i, end);
        if (size == 0) {
            sectionBytes = 0;
            state = State.TRAILERS;
            return;
        }
        bodyBytes += size;
        if (bodyBytes > bodyLimit) {
            throw new HttpException(413, "chunked body over the limit of " + bodyLimit + " bytes");
        }
        remaining = size;
        state = State.CHUNK_DATA;
    }

    /** chunk-ext = *( BWS ";" BWS name [ BWS "=" BWS ( token / quoted-string ) ] ) */
    private static void checkExtensions(ByteBuffer in, int i, int end) {
        while (i < end) {
            i = skipWhitespace(in, i, end);
            if (i == end) {
                throw new HttpException(400, "malformed chunk extension");
            }
            if (in.get(i) != ';') {
                throw new HttpException(400, "malformed chunk size");
            }
            i = skipWhitespace(in, i + 1, end);
            int name = i;
            while (i < end && isTchar(in.get(i))) {
                i++;
            }
            if (i == name) {
                throw new HttpException(400, "malformed chunk extension");
            }
            int afterName = skipWhitespace(in, i, end);
            if (afterName < end && in.get(afterName) == '=') {
                i = skipWhitespace(in, afterName + 1, end);
                i = extensionValue(in, i, end);
            } else if (afterName < end && in.get(afterName) != ';') {
                throw new HttpException(400, "malformed chunk extension");
            } else {
                i = afterName;
            }
        }
    }

    private static int extensionValue(ByteBuffer in, int i, int end) {
        if (i < end && in.get(i) == '"') {
            i++;
            while (i < end && in.get(i) != '"') {
                byte b = in.get(i);
                if (b == '\\') {
                    i++;
                    if (i == end || !isValueChar(in.get(i))) {
                        throw new HttpException(400, "malformed chunk extension");
                    }
                } else if (!isValueChar(b)) {
                    throw new HttpException(400, "malformed chunk extension");
                }
                i++;
            }
            if (i == end) {
                throw new HttpException(400, "unterminated quoted chunk extension");
            }
            return i + 1;
        }
        int from = i;
        while (i < end && isTchar(in.get(i))) {
            i++;
        }
        if (i == from) {
            throw new HttpException(400, "malformed chunk extension");
        }
        return i;
    }

    // Small helpers

    private static boolean isWhitespace(byte b) {
        return b == ' ' || b == '\t';
    }

    private static int skipWhitespace(ByteBuffer in, int i, int end) {
        while (i < end && isWhitespace(in.get(i))) {
            i++;
        }
        return i;
    }

    private static boolean isToken(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) > 0xFF || !isTchar(s.charAt(i))) {
                return false;
            }
        }
        return !s.isEmpty();
    }

    private static int indexOf(ByteBuffer in, int from, int end, byte b) {
        for (int i = from; i < end; i++) {
            if (in.get(i) == b) {
                return i;
            }
        }
        return -1;
    }

    private static String ascii(ByteBuffer in, int from, int to) {
        if (in.hasArray()) {
            return new String(in.array(), in.arrayOffset() + from, to - from, StandardCharsets.ISO_8859_1);
        }
        byte[] bytes = new byte[to - from];
        if (bytes.length <= 64) {
            for (int i = 0; i < bytes.length; i++) {
                bytes[i] = in.get(from + i);
            }
        } else {
            in.get(from, bytes);
        }
        return new String(bytes, StandardCharsets.ISO_8859_1);
    }

    private static String method(ByteBuffer in, int from, int to) {
        String known = HeaderNames.method(in, from, to);
        return known != null ? known : ascii(in, from, to);
    }

    /** The target, reusing the string of an earlier request of this read batch when the bytes are the same. */
    private String target(ByteBuffer in, int from, int to) {
        if (sameText(recentTarget, in, from, to)) {
            return recentTarget;
        }
        recentTarget = ascii(in, from, to);
        return recentTarget;
    }

    /** A field value, reusing the string of the same field position of an earlier request of this batch. */
    private String value(ByteBuffer in, int from, int to, int position) {
        if (position >= RECENT_FIELDS) {
            return ascii(in, from, to);
        }
        if (recent == null) {
            recent = new String[RECENT_FIELDS];
        } else if (sameText(recent[position], in, from, to)) {
            return recent[position];
        }
        String value = ascii(in, from, to);
        recent[position] = value;
        return value;
    }

    /** Forgets the strings of this read batch (see {@link #recent}). */
    void endOfBatch() {
        recent = null;
        recentTarget = null;
    }

    private static boolean sameText(String text, ByteBuffer in, int from, int to) {
        if (text == null || text.length() != to - from) {
            return false;
        }
        for (int i = 0; i < text.length(); i++) {
            if (text.charAt(i) != (in.get(from + i) & 0xFF)) {
                return false;
            }
        }
        return true;
    }
}
