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
 * chunks read from the file; and {@code 100 Continue}. Loop thread only; one per connection.
 */
final class ResponseWriter {
    private static final Logger log = LoggerFactory.getLogger(ResponseWriter.class);
    private static final byte[] NO_BODY = new byte[0];

    private final HttpService service;
    private final HandlerContext ctx;
    /** Bodies up to this size leave with their head; larger ones in slices of this size while the connection is writable. */
    private final int slice;
    /** Bytes of the large whole body being written (only the oldest exchange writes, one at a time). */
    private int bodySent;

    ResponseWriter(HttpService service, HandlerContext ctx) {
        this.service = service;
        this.ctx = ctx;
        this.slice = Math.max(ctx.connection().config().highWatermark(), BufferPool.of(ctx.loop()).chunkSize());
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
        writeHead(x, ResponseEncoder.ownHead(x.response), NO_BODY);
    }

    private boolean writeResponse(Exchange x, HttpResponse response) {
        byte[] body = x.head || !ResponseEncoder.hasBody(response.status()) ? NO_BODY : response.body();
        if (!x.headWritten) {
            byte[] own = ResponseEncoder.ownHead(response);
            if (response.headers().containsToken("Connection", "close")) {
                x.closeAfter = true;
            }
            closeIfBodyUnread(x);
            if (body.length <= slice) {
                writeHead(x, own, body);
                return true;
            }
            writeHead(x, own, NO_BODY);
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

    /** Writes what the stream has; returns true once it has ended. */
    private boolean writeStream(Exchange x) {
        StreamedBody body = x.body;
        boolean sendsBody = !x.head && ResponseEncoder.hasBody(x.response.status());
        boolean chunked = body.length() < 0 && (x.request == null || x.request.version() == HttpVersion.HTTP_1_1);
        if (!x.headWritten) {
            x.headWritten = true;
            ResponseEncoder.Framing framing = !ResponseEncoder.hasBody(x.response.status()) ? ResponseEncoder.Framing.NONE
                    : body.length() >= 0 ? ResponseEncoder.Framing.LENGTH
                    : chunked ? ResponseEncoder.Framing.CHUNKED : ResponseEncoder.Framing.UNTIL_CLOSE;
            if (framing == ResponseEncoder.Framing.UNTIL_CLOSE) {
                x.closeAfter = true;
            }
            closeIfBodyUnread(x);
            writeHead(x, ResponseEncoder.streamHead(x.response, framing, body.length()), NO_BODY);
            body.flowing();
        }
        byte[] bytes;
        while ((bytes = body.poll()) != null) {
            if (!sendsBody) {
                continue;
            }
            if (chunked) {
                ctx.write(ResponseEncoder.chunkHeader(bytes.length));
                ctx.write(bytes);
                ctx.write(ByteBuffer.wrap(ResponseEncoder.CRLF));
            } else {
                ctx.write(bytes);
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
        if (chunked && sendsBody) {
            ctx.write(ResponseEncoder.lastChunk(body.trailers()));
        }
        return true;
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
            writeHead(x, ResponseEncoder.streamHead(x.response, ResponseEncoder.Framing.LENGTH, file.length()), NO_BODY);
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

    private void writeHead(Exchange x, byte[] own, byte[] body) {
        byte[] connection = x.closeAfter ? ResponseEncoder.CONNECTION_CLOSE
                : x.request != null && x.request.version() == HttpVersion.HTTP_1_0 ? ResponseEncoder.CONNECTION_KEEP_ALIVE : null;
        byte[] date = service.dateLine();
        byte[] server = service.serverLine();
        int headSize = ResponseEncoder.headSize(own, date, server);
        BufferPool pool = BufferPool.of(ctx.loop());
        boolean together = headSize + body.length <= pool.chunkSize();
        ByteBuffer out = headSize <= pool.chunkSize() ? pool.acquire(together ? headSize + body.length : headSize)
                : ByteBuffer.allocate(headSize);
        try {
            ResponseEncoder.head(out, own, date, server, connection);
            if (together) {
                out.put(body);
            }
            ctx.write(out.flip());
            if (!together && body.length > 0) {
                ctx.write(ByteBuffer.wrap(body));
            }
        } finally {
            pool.release(out);
        }
    }
}
