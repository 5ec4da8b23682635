package io.switchboard.http2;

import io.switchboard.http.HttpConfig;
import io.switchboard.http.HttpHeaders;
import io.switchboard.http.HttpResponse;
import io.switchboard.http.HttpService;
import io.switchboard.http2.hpack.HeaderBlock;
import io.switchboard.http2.hpack.HpackEncoder;
import io.switchboard.internal.BodyCompressor;
import io.switchboard.internal.HttpAccess;
import io.switchboard.pipeline.HandlerContext;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;

/**
 * The sending side of an {@link Http2Connection}: encodes answer heads with HPACK, and sends the answers' DATA within
 * the client's connection and stream windows, in turns of at most {@link #QUANTUM} bytes a stream while the
 * connection is under its outbound high watermark. Past the watermark the rest waits for the connection to turn
 * writable, so a client that opens its windows wide and reads nothing holds the server to about a watermark and a
 * turn (CVE-2019-9517).
 *
 * <p>A head carries {@code :status}, the response's fields but the connection-specific ones, {@code content-length}
 * of a whole body, and {@code date} and {@code server} as over HTTP/1; a head over the client's
 * {@code SETTINGS_MAX_HEADER_LIST_SIZE} resets the stream with {@code INTERNAL_ERROR} instead, before anything of it
 * is encoded. With the service's {@code CompressionOptions}, an answer that qualifies is compressed by the HTTP
 * package's deflater ({@link BodyCompressor}) as over HTTP/1.1: a whole body at once, with its compressed length; a
 * stream as it is written, each write flushed. File answers are sent as they are. Loop thread only; one per
 * connection.
 */
final class Http2Sender {
    /** The most bytes of one answer written in one turn, so that streams share the connection. */
    static final int QUANTUM = 64 * 1024;

    private final Http2Connection connection;
    private final Http2FrameWriter writer;
    private final HandlerContext ctx;
    private final HttpService service;
    private final HttpConfig http;
    private final Http2Receiver receiver;
    private final HpackEncoder encoder = new HpackEncoder();
    private final HeaderBlock out = new HeaderBlock();
    /** Streams with DATA waiting for window or for their turn, in the order they began to wait. */
    private final ArrayDeque<Http2Stream> waiting = new ArrayDeque<>();
    /** The client's connection window: what may still be sent before its WINDOW_UPDATE. */
    private int window = 65_535;
    private long peerMaxHeaderList = Http2Settings.UNLIMITED;
    private boolean stopped;
    /** The service's {@code Date} line last seen, and its value. */
    private byte[] dateLine;
    private String dateValue;

    Http2Sender(Http2Connection connection, Http2FrameWriter writer, HandlerContext ctx, HttpService service,
            Http2Receiver receiver) {
        this.connection = connection;
        this.receiver = receiver;
        this.writer = writer;
        this.ctx = ctx;
        this.service = service;
        this.http = service.config();
    }

    /** The client's {@code SETTINGS_HEADER_TABLE_SIZE}. */
    void peerTableSize(int size) {
        encoder.setMaxTableSize(size);
    }

    /** The client's {@code SETTINGS_MAX_HEADER_LIST_SIZE}. */
    void peerMaxHeaderListSize(long size) {
        peerMaxHeaderList = size;
    }

    /** A WINDOW_UPDATE on stream 0. {@return false when it takes the window past 2^31-1} */
    boolean openWindow(int increment) {
        if ((long) window + increment > Http2Settings.MAX_WINDOW_SIZE) {
            return false;
        }
        window += increment;
        return true;
    }

    /** The connection closes: nothing more is sent. */
    void stop() {
        stopped = true;
        waiting.clear();
    }

    // Answers, on the loop

    /**
     * Sends the head of an answer, and its body when whole ({@code body} null) or starts the streamed one; a head
     * over the client's header list limit resets the stream with {@code INTERNAL_ERROR} instead.
     *
     * @param length the announced length of a streamed body, or -1
     */
    void answer(Http2Exchange x, HttpResponse response, Http2ResponseStream body, long length) {
        assert ctx.loop().inLoop();
        Http2Stream s = x.stream;
        if (x.dead || s.gone) {
            if (body != null) {
                body.cut();
            }
            return;
        }
        byte[] bytes = body == null ? response.body() : null;
        boolean hasBody = hasBody(response.status()) && !s.head;
        long contentLength = body == null ? bytes.length : length;
        BodyCompressor coder = null;
        boolean vary = false;
        if (http.compression() != null && !x.fileAnswer) {
            vary = HttpAccess.get().varies(service, response, contentLength);
            coder = HttpAccess.get().compressor(service, x.request, response, contentLength, ctx.loop(),
                    ctx.connection().budget());
        }
        String coding = coder == null ? null : coder.coding();
        if (coder != null && body == null) {
            bytes = compressWhole(coder, bytes); // a HEAD answer too: it gets the length its GET would
            contentLength = bytes.length;
        } else if (coder != null) {
            contentLength = -1; // checked against what is written still, by the stream
        }
        boolean empty = body == null && (!hasBody || bytes.length == 0);
        if (!head(s.id, response, hasBody || s.head ? contentLength : -1, empty, coding, vary)) {
            if (body != null) {
                body.cut();
            }
            if (coder != null) {
                coder.release();
            }
            connection.resetStream(s.id, Http2Error.INTERNAL_ERROR,
                    "the answer's head is over the client's header list limit");
            return;
        }
        s.headersSent = true;
        s.status = response.status();
        s.responseBytes = hasBody && body == null ? response.body().length : 0;
        receiver.release(s);
        if (body != null) {
            s.stream = body;
            if (coder != null && !s.head) {
                s.coder = coder;
                s.codedOut = (b, from, to) -> append(s, b, from, to);
            } else if (coder != null) {
                coder.release();
            }
        } else if (empty) {
            connection.localEnd(s);
        } else {
            s.pending = ByteBuffer.wrap(bytes);
            s.pendingEnd = true;
            queue(s);
            send();
        }
    }

    /** A chunk of a streamed answer. */
    void streamData(Http2Exchange x, byte[] bytes) {
        assert ctx.loop().inLoop();
        Http2Stream s = x.stream;
        if (x.dead || s.stream == null) {
            return;
        }
        if (s.head) {
            s.stream.left(bytes.length);
            return;
        }
        s.responseBytes += bytes.length;
        if (s.coder != null) {
            // Compressed and flushed at each write, so the client gets it now; the stream's count moves from the
            // bytes written to the compressed bytes that wait.
            int before = s.pending == null ? 0 : s.pending.remaining();
            s.coder.write(bytes, 0, bytes.length, s.codedOut);
            s.coder.flush(s.codedOut);
            s.stream.held((s.pending == null ? 0 : s.pending.remaining()) - before);
            s.stream.left(bytes.length);
            queue(s);
            send();
            return;
        }
        ByteBuffer chunk = ByteBuffer.wrap(bytes);
        if (s.pending == null) {
            s.pending = chunk;
        } else {
            ByteBuffer joined = ByteBuffer.allocate(s.pending.remaining() + bytes.length);
            joined.put(s.pending).put(chunk).flip();
            s.pending = joined;
        }
        queue(s);
        send();
    }

    /** The end of a streamed answer, with its trailers. */
    void streamEnd(Http2Exchange x, HttpHeaders trailers) {
        assert ctx.loop().inLoop();
        Http2Stream s = x.stream;
        if (x.dead || s.stream == null) {
            return;
        }
        if (trailers != null && trailers.size() > 0 && !s.head) {
            s.trailers = trailers;
        }
        if (s.coder != null) {
            int before = s.pending == null ? 0 : s.pending.remaining();
            s.coder.finish(s.codedOut);
            s.coder.release();
            s.coder = null;
            s.stream.held((s.pending == null ? 0 : s.pending.remaining()) - before);
        }
        s.pendingEnd = true;
        if (s.pending == null) {
            s.pending = ByteBuffer.allocate(0);
        }
        queue(s);
        send();
    }

    /** {@return {@code bytes} compressed whole} The compressor is released. */
    private static byte[] compressWhole(BodyCompressor coder, byte[] bytes) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(Math.max(64, bytes.length / 4));
        BodyCompressor.Output take = (b, from, to) -> out.write(b, from, to - from);
        try {
            coder.write(bytes, 0, bytes.length, take);
            coder.finish(take);
        } finally {
            coder.release();
        }
        return out.toByteArray();
    }

    /** Appends compressed bytes to what {@code s} has waiting. */
    private static void append(Http2Stream s, byte[] b, int from, int to) {
        int n = to - from;
        if (n == 0) {
            return;
        }
        ByteBuffer waiting = s.pending;
        ByteBuffer joined = ByteBuffer.allocate((waiting == null ? 0 : waiting.remaining()) + n);
        if (waiting != null) {
            joined.put(waiting);
        }
        joined.put(b, from, n).flip();
        s.pending = joined;
    }

    /** Sends an informational head ({@code 100}) on stream {@code id}. */
    void informational(int id, int status) {
        encoder.startBlock(out);
        encoder.status(out, status);
        writer.headers(id, out.asBuffer(), false);
        out.clear();
    }

    /**
     * Sends the head of an answer: {@code :status}, its fields but the connection-specific ones, {@code content-length}
     * when given and the status has a body, {@code date} and {@code server}. Checked against the client's
     * {@code SETTINGS_MAX_HEADER_LIST_SIZE} before anything is encoded, since an encoded block must be sent.
     *
     * @param contentLength the body's length, or -1 for none to announce
     * @param coding        the {@code content-encoding} of a compressed body, or null
     * @param vary          adds {@code vary: accept-encoding}
     * @return false, with nothing sent, when the head is over the client's header list limit
     */
    boolean head(int id, HttpResponse response, long contentLength, boolean endStream, String coding, boolean vary) {
        HttpHeaders h = response.headers();
        long size = 32 + 7 + 3 + 32 + 4 + 29 + 32 + 14 + 20 + (coding != null ? 55 : 0) + (vary ? 51 : 0);
        for (int i = 0; i < h.size(); i++) {
            size += 32 + h.name(i).length() + h.value(i).length();
        }
        if (http.serverName() != null) {
            size += 32 + 6 + http.serverName().length();
        }
        if (size > peerMaxHeaderList) {
            return false;
        }
        encoder.startBlock(out);
        encoder.status(out, response.status());
        boolean lengthSent = false;
        for (int i = 0; i < h.size(); i++) {
            String name = h.name(i);
            if (isConnectionSpecific(name)) {
                continue;
            }
            String value = h.value(i);
            if (coding != null) {
                // A compressed body: its own length (below), no ranges of it, and a strong ETag made weak.
                if (name.equalsIgnoreCase("content-length") || name.equalsIgnoreCase("accept-ranges")) {
                    continue;
                }
                if (name.equalsIgnoreCase("etag") && value.startsWith("\"")) {
                    value = "W/" + value;
                }
            }
            if (name.equalsIgnoreCase("content-length")) {
                lengthSent = true;
            }
            encoder.field(out, name, value);
        }
        if (coding != null) {
            encoder.field(out, "content-encoding", coding);
        }
        if (vary) {
            encoder.field(out, "vary", "accept-encoding");
        }
        if (!lengthSent && contentLength >= 0 && hasBody(response.status())) {
            encoder.contentLength(out, contentLength);
        }
        if (!h.contains("date")) {
            encoder.field(out, "date", date());
        }
        if (http.serverName() != null && !h.contains("server")) {
            encoder.field(out, "server", http.serverName());
        }
        writer.headers(id, out.asBuffer(), endStream);
        out.clear();
        return true;
    }

    /**
     * Puts {@code s}, which has DATA pending, in the queue of streams waiting to send; a stream that was not waiting
     * starts its send timeout from now ({@link Http2Stream#progress}).
     */
    void queue(Http2Stream s) {
        if (!s.queued) {
            s.progress = ctx.loop().nanoTime();
            requeue(s);
        }
    }

    private void requeue(Http2Stream s) {
        s.queued = true;
        waiting.add(s);
    }

    /** Sends what the windows allow of the answers waiting, in turns, while the connection takes more. */
    void send() {
        int idle = 0; // streams in a row that could send nothing: a whole pass of them ends the loop
        while (!waiting.isEmpty() && idle < waiting.size() && !stopped && ctx.connection().isWritable()) {
            Http2Stream s = waiting.poll();
            s.queued = false;
            if (s.gone || s.pending == null) {
                continue;
            }
            int n = Math.min(Math.min(s.pending.remaining(), QUANTUM), Math.min(s.sendWindow, window));
            boolean all = n == s.pending.remaining();
            boolean endNow = all && s.pendingEnd && s.trailers == null;
            if (n > 0 || endNow) {
                ByteBuffer slice = s.pending.slice();
                slice.limit(n);
                writer.data(s.id, slice, endNow);
                s.pending.position(s.pending.position() + n);
                s.sendWindow -= n;
                window -= n;
                s.progress = ctx.loop().nanoTime();
                if (s.stream != null) {
                    s.stream.left(n);
                }
                idle = 0;
            } else {
                idle++;
            }
            if (!all) {
                requeue(s); // its next turn, or a WINDOW_UPDATE of the stream or of the connection
                continue;
            }
            s.pending = null;
            if (s.pendingEnd) {
                if (s.trailers != null) {
                    encoder.startBlock(out);
                    for (int i = 0; i < s.trailers.size(); i++) {
                        encoder.field(out, s.trailers.name(i), s.trailers.value(i));
                    }
                    writer.headers(s.id, out.asBuffer(), true);
                    out.clear();
                }
                connection.localEnd(s);
            }
        }
    }

    /** {@return the {@code date} field's value for the current second, made once a second per connection} */
    private String date() {
        byte[] line = HttpAccess.get().dateLine(service);
        if (line != dateLine) {
            dateLine = line;
            dateValue = new String(line, 6, line.length - 8, StandardCharsets.US_ASCII); // "Date: " ... "\r\n"
        }
        return dateValue;
    }

    private static boolean isConnectionSpecific(String name) {
        return name.equalsIgnoreCase("connection") || name.equalsIgnoreCase("keep-alive")
                || name.equalsIgnoreCase("proxy-connection") || name.equalsIgnoreCase("transfer-encoding")
                || name.equalsIgnoreCase("upgrade");
    }

    /** {@return true when a response of {@code status} has a body} */
    static boolean hasBody(int status) {
        return status >= 200 && status != 204 && status != 304;
    }
}
