package io.switchboard.http;

import io.switchboard.internal.BufferPool;
import io.switchboard.pipeline.HandlerContext;
import java.io.IOException;
import java.nio.ByteBuffer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes the answer of one exchange at a time to the connection's pipeline (the connection picks which, in
 * request order): the head with {@code Date}, {@code Server} and {@code Connection}; a whole body with its
 * head when it is small, and in slices while the connection is writable when it is large, so that the
 * outbound limits count the bytes queued, never the size of an answer; a streamed body in chunks, by its
 * announced {@code Content-Length}, or until the close; a file body ({@link FileBody}) as file regions or
 * chunks read from the file, never compressed; and {@code 100 Continue}. With
 * {@link HttpConfig#compression()} set, an answer that qualifies is compressed on its way
 * ({@link CompressionOptions} has the rules; {@link BodyDeflater} the bytes). Loop thread only; one per
 * connection.
 */
final class ResponseWriter {
    private static final Logger log = LoggerFactory.getLogger(ResponseWriter.class);
    private static final byte[] NO_BODY = new byte[0];

    private final HttpService service;
    private final HandlerContext ctx;
    /** Bodies up to this size leave with their head; larger ones in slices of this size while the connection is writable. */
    private final int slice;
    /** How answers are compressed; null when they are not. */
    private final CompressionOptions compression;
    private final BodyDeflater.Sink pieces = this::piece;
    /** Bytes of the large whole body being written (only the oldest exchange writes, one at a time). */
    private int bodySent;
    /** The compressor of the answer being written, while it is compressed. */
    private BodyDeflater deflating;
    /** The exchange whose chunked head goes out before the first compressed piece; null once it has. */
    private Exchange headBeforePiece;
    /** Whether compressed pieces are written (false for a {@code HEAD} answer, which only needs its head). */
    private boolean piecesSent;

    ResponseWriter(HttpService service, HandlerContext ctx) {
        this.service = service;
        this.ctx = ctx;
        this.slice = Math.max(ctx.connection().config().highWatermark(), BufferPool.of(ctx.loop()).chunkSize());
        this.compression = service.config().compression();
    }

    /**
     * Writes what {@code x}, the oldest exchange, has ready.
     *
     * @return true once its whole answer is written (the connection may have closed meanwhile)
     */
    boolean write(Exchange x) {
        assert ctx.loop().inLoop();
        if (x.body != null) {
            return writeStream(x);
        }
        if (x.file != null) {
            return writeFile(x);
        }
        if (x.response != null) {
            return writeResponse(x, x.response);
        }
        if (x.continuePending) {
            x.continuePending = false;
            ctx.write(ByteBuffer.wrap(ResponseEncoder.CONTINUE));
        }
        return false;
    }

    /** Writes the {@code 101} of an upgrade. */
    void writeSwitch(Exchange x) {
        writeHead(x, ResponseEncoder.ownHead(x.response), null, NO_BODY, 0, 0);
    }

    /** Gives back what an answer cut short holds (its deflater): the connection closed, or this stage left it. */
    void release() {
        endCompressed();
    }

    private boolean writeResponse(Exchange x, HttpResponse response) {
        if (deflating != null) {
            return writeCompressed(x, response);
        }
        byte[] body = x.head || !ResponseEncoder.hasBody(response.status()) ? NO_BODY : response.body();
        if (!x.headWritten) {
            byte[] vary = null;
            if (compression != null) {
                if (qualifies(x, response, response.body().length)) {
                    ContentCoding coding = negotiate(x);
                    if (coding != null && startCompressed(coding)) {
                        return writeCompressed(x, response);
                    }
                    vary = varyLine(response);
                } else if (varies304(response)) {
                    vary = ResponseEncoder.VARY_ACCEPT_ENCODING;
                }
            }
            byte[] own = ResponseEncoder.ownHead(response);
            if (response.headers().containsToken("Connection", "close")) {
                x.closeAfter = true;
            }
            closeIfBodyUnread(x);
            if (body.length <= slice) {
                writeHead(x, own, vary, body, 0, body.length);
                return true;
            }
            writeHead(x, own, vary, NO_BODY, 0, 0);
            x.headWritten = true;
            bodySent = 0;
        }
        while (bodySent < body.length) {
            if (!ctx.connection().isWritable()) {
                return false; // the connection's writabilityChanged(true) brings us back
            }
            int n = Math.min(slice, body.length - bodySent);
            ctx.write(ByteBuffer.wrap(body, bodySent, n));
            bodySent += n;
        }
        x.written = true;
        return true;
    }

    /**
     * Writes a whole body compressed. The first call compresses up to a slice; a body of at most a slice whose
     * compressed form fits in one piece leaves at once with its {@code Content-Length}. Any other goes out
     * chunked, a slice of input at a time while the connection is writable. A {@code HEAD} answer gets the head
     * only, the same head as its {@code GET}.
     */
    private boolean writeCompressed(Exchange x, HttpResponse response) {
        BodyDeflater d = deflating;
        byte[] body = response.body();
        if (!x.headWritten && headBeforePiece == null) {
            ResponseEncoder.ownHead(response); // freezes the response, as every answer sent is
            if (response.headers().containsToken("Connection", "close")) {
                x.closeAfter = true;
            }
            closeIfBodyUnread(x);
            piecesSent = !x.head;
            headBeforePiece = x;
            bodySent = Math.min(body.length, slice);
            d.write(body, 0, bodySent, pieces);
            if (bodySent == body.length) {
                d.finish(pieces);
            }
            if (deflating == null) {
                return true; // a write closed the connection
            }
            if (d.pieces() == 0 && bodySent == body.length) {
                int n = d.pending();
                headBeforePiece = null;
                writeHead(x, ResponseEncoder.codedHead(response, d.coding(), n, varies(response)), null, d.array(),
                        ZlibPool.FRAME_ROOM, piecesSent ? n : 0);
                d.taken();
                endCompressed();
                return true;
            }
            if (!piecesSent) {
                d.taken();
                if (headBeforePiece != null) {
                    writeChunkedHead();
                }
                endCompressed();
                return true;
            }
        }
        while (bodySent < body.length) {
            if (!ctx.connection().isWritable()) {
                d.emitRest(pieces);
                return false; // the connection's writabilityChanged(true) brings us back
            }
            int n = Math.min(slice, body.length - bodySent);
            d.write(body, bodySent, n, pieces);
            bodySent += n;
            if (bodySent == body.length) {
                d.finish(pieces);
            }
            if (deflating == null) {
                return true; // a write closed the connection
            }
        }
        d.emitRest(pieces);
        if (deflating == null) {
            return true;
        }
        ctx.write(ByteBuffer.wrap(ResponseEncoder.LAST_CHUNK_EMPTY));
        x.written = true;
        endCompressed();
        return true;
    }

    /** Writes what the stream has; returns true once it has ended. */
    private boolean writeStream(Exchange x) {
        StreamedBody body = x.body;
        boolean sendsBody = !x.head && ResponseEncoder.hasBody(x.response.status());
        if (!x.headWritten) {
            x.headWritten = true;
            ContentCoding coding = null;
            boolean vary = false;
            if (compression != null) {
                if (qualifies(x, x.response, body.length())) {
                    vary = ResponseEncoder.needsVary(x.response.headers());
                    coding = negotiate(x);
                    if (coding != null && sendsBody && !startCompressed(coding)) {
                        coding = null;
                    }
                } else {
                    vary = varies304(x.response);
                }
            }
            boolean chunked = coding != null || chunked(x, body);
            ResponseEncoder.Framing framing = !ResponseEncoder.hasBody(x.response.status()) ? ResponseEncoder.Framing.NONE
                    : chunked ? ResponseEncoder.Framing.CHUNKED
                    : body.length() >= 0 ? ResponseEncoder.Framing.LENGTH : ResponseEncoder.Framing.UNTIL_CLOSE;
            if (framing == ResponseEncoder.Framing.UNTIL_CLOSE) {
                x.closeAfter = true;
            }
            closeIfBodyUnread(x);
            byte[] head = coding != null ? ResponseEncoder.codedHead(x.response, coding, -1, vary)
                    : ResponseEncoder.streamHead(x.response, framing, body.length(), vary);
            writeHead(x, head, null, NO_BODY, 0, 0);
            piecesSent = sendsBody;
            body.flowing();
        }
        BodyDeflater d = deflating;
        boolean chunked = d != null || chunked(x, body);
        byte[] bytes;
        while ((bytes = body.poll()) != null) {
            if (!sendsBody) {
                continue;
            }
            if (d != null) {
                d.write(bytes, 0, bytes.length, pieces);
            } else if (chunked) {
                ctx.write(ResponseEncoder.chunkHeader(bytes.length));
                ctx.write(bytes);
                ctx.write(ByteBuffer.wrap(ResponseEncoder.CRLF));
            } else {
                ctx.write(bytes);
            }
        }
        if (d != null) {
            // What the stream had is compressed together and flushed, so the client gets it now.
            if (body.finished()) {
                d.finish(pieces);
                d.emitRest(pieces);
            } else {
                d.flush(pieces);
            }
            if (deflating == null) {
                return false; // a write closed the connection
            }
        }
        body.notifyWritable();
        if (!body.finished()) {
            return false;
        }
        if (sendsBody && body.length() >= 0 && body.written() != body.length()) {
            log.debug("{}: the streamed answer to {} ended after {} of its {} announced bytes; resetting",
                    ctx.connection(), x.request, body.written(), body.length());
            ctx.connection().abort();
            return false;
        }
        x.written = true;
        endCompressed();
        if (chunked && sendsBody) {
            ctx.write(ResponseEncoder.lastChunk(body.trailers()));
        }
        return true;
    }

    /** {@return true when a stream of unknown length goes out chunked: to an HTTP/1.1 client} */
    private static boolean chunked(Exchange x, StreamedBody body) {
        return body.length() < 0 && (x.request == null || x.request.version() == HttpVersion.HTTP_1_1);
    }

    // Compression

    /**
     * {@return true when compression applies to the answer {@code response} of {@code x}, whatever the client
     * accepts: it then varies with {@code Accept-Encoding}} See {@link CompressionOptions} for the rules.
     *
     * @param length the body's length, or -1 when it is not known (a stream without a length)
     */
    private boolean qualifies(Exchange x, HttpResponse response, long length) {
        return x.request != null && compression.applies(response, length);
    }

    /** {@return true when a 304 carries Vary: it stands for a 200 that could have been compressed} */
    private boolean varies304(HttpResponse response) {
        return compression.varies304(response);
    }

    private static boolean varies(HttpResponse response) {
        return ResponseEncoder.needsVary(response.headers());
    }

    private static byte[] varyLine(HttpResponse response) {
        return varies(response) ? ResponseEncoder.VARY_ACCEPT_ENCODING : null;
    }

    /** {@return the coding the client of {@code x} accepts best; null for none, and for HTTP/1.0 clients} */
    private static ContentCoding negotiate(Exchange x) {
        return x.request.version() == HttpVersion.HTTP_1_1 ? AcceptEncoding.choose(x.request.headers()) : null;
    }

    /** Takes a deflater for the answer; {@return false when the memory budget has none to give (sent as it is)} */
    private boolean startCompressed(ContentCoding coding) {
        deflating = BodyDeflater.start(coding, compression.level(), ZlibPool.of(ctx.loop()), ctx.connection().budget());
        return deflating != null;
    }

    private void endCompressed() {
        if (deflating != null) {
            deflating.release();
            deflating = null;
        }
        headBeforePiece = null;
    }

    /** Takes a piece of compressed bytes: writes it as a chunk, after the chunked head if that is still owed. */
    private void piece(byte[] out, int from, int to) {
        if (headBeforePiece != null) {
            writeChunkedHead();
        }
        if (!piecesSent) {
            return;
        }
        // The chunk-size line goes in the room before the piece, its CRLF after: one write for the chunk.
        out[from - 2] = '\r';
        out[from - 1] = '\n';
        int start = from - 2;
        int n = to - from;
        do {
            out[--start] = ResponseEncoder.hexDigit(n & 0xF);
            n >>>= 4;
        } while (n != 0);
        out[to] = '\r';
        out[to + 1] = '\n';
        ctx.write(ByteBuffer.wrap(out, start, to + 2 - start));
    }

    private void writeChunkedHead() {
        Exchange x = headBeforePiece;
        headBeforePiece = null;
        HttpResponse response = x.response;
        writeHead(x, ResponseEncoder.codedHead(response, deflating.coding(), -1, varies(response)), null, NO_BODY, 0, 0);
        x.headWritten = true;
    }

    /**
     * Writes what a file answer has ready: its head with {@code Content-Length} once the connection is writable (the
     * file is opened then, so that answers waiting their turn hold no file open), then its body as file regions (zero
     * copy) where the pipeline passes them to the socket, or in chunks read from the file while the connection is
     * writable. A file that cannot be opened turns the answer into an error answer; one that fails or ends early
     * after the head left resets the connection, as any body cut short does.
     *
     * @return true once the whole answer is written
     */
    private boolean writeFile(Exchange x) {
        FileBody file = x.file;
        if (!x.headWritten) {
            if (!x.head) {
                if (!ctx.connection().isWritable()) {
                    return false; // the connection's writabilityChanged(true) brings us back
                }
                try {
                    file.open();
                } catch (HttpException e) {
                    return answerInstead(x, e.status(), e.getMessage());
                } catch (IOException | RuntimeException e) {
                    log.debug("{}: cannot open the file to answer {}: {}", ctx.connection(), x.request, e.toString());
                    return answerInstead(x, 500, "the file cannot be read");
                }
            }
            if (x.response.headers().containsToken("Connection", "close")) {
                x.closeAfter = true;
            }
            closeIfBodyUnread(x);
            writeHead(x, ResponseEncoder.streamHead(x.response, ResponseEncoder.Framing.LENGTH, file.length(), false), null,
                    NO_BODY, 0, 0);
            x.headWritten = true;
            if (x.head) {
                file.close();
                x.written = true;
                return true;
            }
            file.start(ctx.canWriteFileRegion());
        }
        boolean done;
        try {
            done = file.write(ctx);
        } catch (IOException e) {
            log.debug("{}: the file answering {} failed after its head left; resetting: {}", ctx.connection(), x.request,
                    e.toString());
            file.close();
            ctx.connection().abort();
            return false;
        }
        if (done) {
            x.written = true;
        }
        return done;
    }

    /** A file answer whose file cannot be opened: the error answer goes in its place. */
    private boolean answerInstead(Exchange x, int status, String reason) {
        x.file.close();
        x.file = null;
        x.response = service.errorAnswer(x.request, status, reason);
        return writeResponse(x, x.response);
    }

    /**
     * An answer that leaves before its streamed request body was read to the end closes the connection after
     * it: the rest of that body is never read, so the next request could not be found.
     */
    private static void closeIfBodyUnread(Exchange x) {
        IncomingBody bodyIn = x.bodyIn();
        if (bodyIn != null && !bodyIn.isDrained()) {
            x.closeAfter = true;
        }
    }

    private void writeHead(Exchange x, byte[] own, byte[] extra, byte[] body, int offset, int length) {
        byte[] connection = x.closeAfter ? ResponseEncoder.CONNECTION_CLOSE
                : x.request != null && x.request.version() == HttpVersion.HTTP_1_0 ? ResponseEncoder.CONNECTION_KEEP_ALIVE : null;
        byte[] date = service.dateLine();
        byte[] server = service.serverLine();
        int headSize = ResponseEncoder.headSize(own, extra, date, server);
        BufferPool pool = BufferPool.of(ctx.loop());
        boolean together = headSize + length <= pool.chunkSize();
        ByteBuffer out = headSize <= pool.chunkSize() ? pool.acquire(together ? headSize + length : headSize)
                : ByteBuffer.allocate(headSize);
        try {
            ResponseEncoder.head(out, own, extra, date, server, connection);
            if (together) {
                out.put(body, offset, length);
            }
            ctx.write(out.flip());
            if (!together && length > 0) {
                ctx.write(ByteBuffer.wrap(body, offset, length));
            }
        } finally {
            pool.release(out);
        }
    }
}
