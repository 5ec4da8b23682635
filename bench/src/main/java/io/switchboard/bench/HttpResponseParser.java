package io.switchboard.bench;

import java.nio.ByteBuffer;

/**
 * The load generator's minimal HTTP/1.1 response parser: status line, header fields (only
 * {@code Content-Length} and {@code Transfer-Encoding: chunked} matter), then a body of that length or
 * chunks and trailers. Resumable: any split of the bytes gives the same responses. Bodies are skipped, not
 * kept. A response without either framing field has no body (the servers under test always frame theirs).
 * Not thread-safe; one per connection.
 */
final class HttpResponseParser {
    /** Longest status line, header line or chunk-size line accepted. */
    static final int MAX_LINE = 8192;

    /** Receives each complete response. */
    interface Listener {
        /** A whole response arrived. */
        void response(int status);
    }

    /** Where the parser is in the current response. */
    private enum State { STATUS_LINE, HEADER_LINE, BODY, CHUNK_SIZE, CHUNK_DATA, CHUNK_END, TRAILER_LINE }

    private final Listener listener;
    private final byte[] line = new byte[MAX_LINE];
    private int lineLength;
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
        while (in.hasRemaining()) {
            switch (state) {
                case BODY, CHUNK_DATA -> {
                    int n = (int) Math.min(remaining, in.remaining());
                    in.position(in.position() + n);
                    remaining -= n;
                    if (remaining == 0) {
                        if (state == State.BODY) {
                            complete();
                        } else {
                            state = State.CHUNK_END;
                        }
                    }
                }
                default -> {
                    if (readLine(in)) {
                        onLine();
                    }
                }
            }
        }
    }

    /** Appends bytes up to and including LF; true when a whole line (without CRLF) is in {@link #line}. */
    private boolean readLine(ByteBuffer in) {
        while (in.hasRemaining()) {
            byte b = in.get();
            if (b == '\n') {
                if (lineLength > 0 && line[lineLength - 1] == '\r') {
                    lineLength--;
                }
                return true;
            }
            if (lineLength == MAX_LINE) {
                throw new IllegalStateException("line longer than " + MAX_LINE + " bytes");
            }
            line[lineLength++] = b;
        }
        return false;
    }

    private void onLine() {
        int length = lineLength;
        lineLength = 0;
        switch (state) {
            case STATUS_LINE -> {
                // HTTP/1.x SP 3DIGIT ...
                if (length < 12 || line[0] != 'H' || line[4] != '/' || line[8] != ' ') {
                    throw new IllegalStateException("bad status line: " + text(length));
                }
                status = digit(9) * 100 + digit(10) * 10 + digit(11);
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
                    header(length);
                }
            }
            case CHUNK_SIZE -> {
                long size = 0;
                int i = 0;
                for (; i < length && line[i] != ';'; i++) {
                    int d = Character.digit(line[i], 16);
                    if (d < 0 || size > (Long.MAX_VALUE >> 4)) {
                        throw new IllegalStateException("bad chunk size: " + text(length));
                    }
                    size = size * 16 + d;
                }
                if (i == 0) {
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

    private void header(int length) {
        int colon = 0;
        while (colon < length && line[colon] != ':') {
            colon++;
        }
        if (colon == length) {
            throw new IllegalStateException("header line without a colon: " + text(length));
        }
        if (nameIs("content-length", colon)) {
            String value = new String(line, colon + 1, length - colon - 1, java.nio.charset.StandardCharsets.US_ASCII).trim();
            try {
                remaining = Long.parseLong(value);
            } catch (NumberFormatException e) {
                throw new IllegalStateException("bad Content-Length: " + value, e);
            }
        } else if (nameIs("transfer-encoding", colon)) {
            chunked = text(length).toLowerCase(java.util.Locale.ROOT).contains("chunked");
        }
    }

    private boolean nameIs(String name, int colon) {
        if (colon != name.length()) {
            return false;
        }
        for (int i = 0; i < colon; i++) {
            if (Character.toLowerCase(line[i]) != name.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    private int digit(int at) {
        int d = line[at] - '0';
        if (d < 0 || d > 9) {
            throw new IllegalStateException("bad status code");
        }
        return d;
    }

    private void complete() {
        state = State.STATUS_LINE;
        listener.response(status);
    }

    private String text(int length) {
        return new String(line, 0, Math.min(length, 200), java.nio.charset.StandardCharsets.ISO_8859_1);
    }
}
