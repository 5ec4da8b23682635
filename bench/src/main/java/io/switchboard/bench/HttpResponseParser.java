package io.switchboard.bench;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * The load generator's minimal HTTP/1.1 response parser: status line, header fields (only
 * {@code Content-Length} and {@code Transfer-Encoding: chunked} matter), then a body of that length or
 * chunks and trailers. Resumable: any split of the bytes gives the same responses. Bodies are skipped, not
 * kept. A response without either framing field has no body (the servers under test always frame theirs).
 *
 * <p>It runs once per response on the load generator's one thread, so it reads lines where they lie in the
 * caller's buffer (absolute reads, no copy, no allocation) and looks only at the few bytes it needs: the
 * status code at its fixed place and the two framing fields' names. Only a line split across two reads is
 * copied, into a buffer of its own, and parsed from there. Not thread-safe; one per connection.
 */
final class HttpResponseParser {
    /** Longest status line, header line or chunk-size line accepted, in bytes before its LF. */
    static final int MAX_LINE = 8192;

    private static final String CONTENT_LENGTH = "content-length:";
    private static final String TRANSFER_ENCODING = "transfer-encoding:";

    /** Receives each complete response. */
    interface Listener {
        /** A whole response arrived. */
        void response(int status);
    }

    /** Where the parser is in the current response. */
    private enum State { STATUS_LINE, HEADER_LINE, BODY, CHUNK_SIZE, CHUNK_DATA, CHUNK_END, TRAILER_LINE }

    private final Listener listener;
    /** The start of a line whose LF has not arrived yet: [0, partialLength). */
    private final byte[] partial = new byte[MAX_LINE];
    private final ByteBuffer partialView = ByteBuffer.wrap(partial);
    private int partialLength;
    private State state = State.STATUS_LINE;
    private int status;
    private long remaining;
    private boolean chunked;

    HttpResponseParser(Listener listener) {
        this.listener = listener;
    }

    /**
     * Consumes all of {@code in}, reporting each response as it completes.
     *
     * @throws IllegalStateException on bytes that are not a response; the connection should be dropped
     */
    void feed(ByteBuffer in) {
        int at = in.position();
        int end = in.limit();
        while (at < end) {
            if (state == State.BODY || state == State.CHUNK_DATA) {
                int n = (int) Math.min(remaining, end - at);
                at += n;
                remaining -= n;
                if (remaining == 0) {
                    if (state == State.BODY) {
                        complete();
                    } else {
                        state = State.CHUNK_END;
                    }
                }
                continue;
            }
            int lf = indexOfLf(in, at, end);
            if (lf < 0) {
                keep(in, at, end);
                at = end;
            } else if (partialLength == 0) {
                if (lf - at > MAX_LINE) {
                    throw new IllegalStateException("line longer than " + MAX_LINE + " bytes");
                }
                onLine(in, at, withoutCr(in, at, lf));
                at = lf + 1;
            } else {
                keep(in, at, lf);
                int length = partialLength;
                partialLength = 0;
                onLine(partialView, 0, withoutCr(partialView, 0, length));
                at = lf + 1;
            }
        }
        in.position(end);
    }

    private static int indexOfLf(ByteBuffer in, int from, int to) {
        for (int i = from; i < to; i++) {
            if (in.get(i) == '\n') {
                return i;
            }
        }
        return -1;
    }

    private static int withoutCr(ByteBuffer in, int from, int lf) {
        return lf > from && in.get(lf - 1) == '\r' ? lf - 1 : lf;
    }

    /** Appends {@code in[from, to)} to the unfinished line. */
    private void keep(ByteBuffer in, int from, int to) {
        int n = to - from;
        if (n > MAX_LINE - partialLength) {
            throw new IllegalStateException("line longer than " + MAX_LINE + " bytes");
        }
        in.get(from, partial, partialLength, n);
        partialLength += n;
    }

    /** One line, {@code in[from, to)} without its CRLF. */
    private void onLine(ByteBuffer in, int from, int to) {
        int length = to - from;
        switch (state) {
            case STATUS_LINE -> {
                // HTTP/1.x SP 3DIGIT ...
                if (length < 12 || in.get(from) != 'H' || in.get(from + 4) != '/' || in.get(from + 8) != ' ') {
                    throw new IllegalStateException("bad status line: " + text(in, from, to));
                }
                status = digit(in, from + 9) * 100 + digit(in, from + 10) * 10 + digit(in, from + 11);
                remaining = 0;
                chunked = false;
                state = State.HEADER_LINE;
            }
            case HEADER_LINE -> {
                if (length == 0) {
                    if (chunked) {
                        state = State.CHUNK_SIZE;
                    } else if (remaining > 0) {
                        state = State.BODY;
                    } else {
                        complete();
                    }
                } else {
                    header(in, from, to);
                }
            }
            case CHUNK_SIZE -> {
                long size = 0;
                int i = from;
                for (; i < to && in.get(i) != ';'; i++) {
                    int d = Character.digit(in.get(i), 16);
                    if (d < 0 || size > (Long.MAX_VALUE >> 4)) {
                        throw new IllegalStateException("bad chunk size: " + text(in, from, to));
                    }
                    size = size * 16 + d;
                }
                if (i == from) {
                    throw new IllegalStateException("empty chunk size");
                }
                remaining = size;
                state = size == 0 ? State.TRAILER_LINE : State.CHUNK_DATA;
            }
            case CHUNK_END -> {
                if (length != 0) {
                    throw new IllegalStateException("chunk not followed by CRLF");
                }
                state = State.CHUNK_SIZE;
            }
            case TRAILER_LINE -> {
                if (length == 0) {
                    complete();
                }
            }
            default -> throw new IllegalStateException("unexpected state " + state);
        }
    }

    private void header(ByteBuffer in, int from, int to) {
        if (startsWithLowerCase(in, from, to, CONTENT_LENGTH)) {
            remaining = contentLength(in, from + CONTENT_LENGTH.length(), to);
            return;
        }
        if (startsWithLowerCase(in, from, to, TRANSFER_ENCODING)) {
            chunked = text(in, from, to).toLowerCase(java.util.Locale.ROOT).contains("chunked");
            return;
        }
        int colon = from;
        while (colon < to && in.get(colon) != ':') {
            colon++;
        }
        if (colon == to) {
            throw new IllegalStateException("header line without a colon: " + text(in, from, to));
        }
    }

    /** Whether {@code in[from, to)} starts with {@code lower} (lower case), ignoring the case of its letters. */
    private static boolean startsWithLowerCase(ByteBuffer in, int from, int to, String lower) {
        if (to - from < lower.length()) {
            return false;
        }
        for (int i = 0; i < lower.length(); i++) {
            int c = in.get(from + i);
            if (c >= 'A' && c <= 'Z') {
                c += 'a' - 'A';
            }
            if (c != lower.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    /** The decimal value of {@code in[from, to)} between optional spaces and tabs. */
    private static long contentLength(ByteBuffer in, int from, int to) {
        while (from < to && isBlank(in.get(from))) {
            from++;
        }
        while (to > from && isBlank(in.get(to - 1))) {
            to--;
        }
        if (from == to) {
            throw new IllegalStateException("empty Content-Length");
        }
        long value = 0;
        for (int i = from; i < to; i++) {
            int d = in.get(i) - '0';
            if (d < 0 || d > 9 || value > (Long.MAX_VALUE - d) / 10) {
                throw new IllegalStateException("bad Content-Length: " + text(in, from, to));
            }
            value = value * 10 + d;
        }
        return value;
    }

    private static boolean isBlank(byte b) {
        return b == ' ' || b == '\t';
    }

    private static int digit(ByteBuffer in, int at) {
        int d = in.get(at) - '0';
        if (d < 0 || d > 9) {
            throw new IllegalStateException("bad status code");
        }
        return d;
    }

    private void complete() {
        state = State.STATUS_LINE;
        listener.response(status);
    }

    /** {@code in[from, to)} as text for a message, at most 200 bytes. */
    private static String text(ByteBuffer in, int from, int to) {
        byte[] bytes = new byte[Math.min(to - from, 200)];
        in.get(from, bytes);
        return new String(bytes, StandardCharsets.ISO_8859_1);
    }
}
