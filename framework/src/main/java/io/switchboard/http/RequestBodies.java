package io.switchboard.http;

import io.switchboard.pipeline.HandlerContext;
import io.switchboard.pipeline.MemoryBudget;
import java.io.EOFException;
import java.nio.ByteBuffer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where the request bodies of an HTTP/1 connection go as the parser gives their bytes: whole into the
 * {@link BodyBuffer} (which also counts the bodies held for requests not yet answered), or streamed into an
 * {@link IncomingBody} its handler reads; through a {@link BodyInflater} first when the body is compressed and its
 * handler asked for decoding. Bytes count against the server's memory budget: a body that finds it spent is refused
 * with 503. Each byte taken is progress for the body timeout. Loop thread only; one per connection.
 */
final class RequestBodies {
    private static final Logger log = LoggerFactory.getLogger(RequestBodies.class);

    private final HandlerContext ctx;
    private final HttpDeadlines deadlines;
    /** Bodies being read and held for requests not yet answered. */
    private final BodyBuffer whole;
    /**
     * The streamed body being received, or received and not yet read to its end by its handler: until then no
     * other request is parsed. Null when bodies are read whole.
     */
    private IncomingBody streamed;
    /** Decodes the body being read when it is compressed and its handler asked for that; null otherwise. */
    private BodyInflater decoder;

    RequestBodies(HandlerContext ctx, HttpDeadlines deadlines) {
        this.ctx = ctx;
        this.deadlines = deadlines;
        this.whole = new BodyBuffer(ctx.connection().budget());
    }

    /**
     * Starts the body of {@code x}'s request.
     *
     * @param limit  the most bytes its handler takes
     * @param length the declared length, or -1
     * @param coding its content coding when the handler asked for the decoded body; null otherwise
     * @return true when the body is streamed: its handler runs now
     */
    boolean start(Exchange x, BodyPolicy policy, long limit, long length, ContentCoding coding) {
        if (coding != null) {
            // The handler reads the decoded bytes: no field describes them but the type.
            x.request.headers().remove("Content-Encoding").remove("Content-Length");
            decoder = new BodyInflater(coding, policy.streamed() ? limit : Math.min(limit, BodyPolicy.MAX_WHOLE),
                    ZlibPool.of(ctx.loop()), ctx.connection().budget());
            length = -1;
        }
        if (policy.streamed()) {
            streamed = new IncomingBody(x, ctx.connection().budget(), ctx.connection().config().highWatermark(), length,
                    x.connection);
            x.request.streamedBody(streamed);
            return true;
        }
        // No memory for the body yet: it grows as its bytes arrive, whatever the head declared.
        whole.start(length, limit);
        return false;
    }

    /** Takes body bytes from the parser. */
    void take(ByteBuffer slice) {
        if (decoder != null) {
            decoder.feed(slice);
        } else {
            give(slice);
        }
    }

    /**
     * Hands the decoded bytes of the body to it while it may take more: all of them for a whole body, up to its
     * window for a streamed one. {@return false when the streamed body holds its window and decoding waits for
     * its reader; true without a decoder}
     */
    boolean pump() {
        if (decoder == null) {
            return true;
        }
        while (streamed == null || !streamed.holdsReading()) {
            ByteBuffer piece = decoder.next();
            if (piece == null) {
                return true;
            }
            give(piece);
        }
        return false;
    }

    /** The parser reached the body's end: a compressed body cut short is a 400. */
    void ended() {
        if (decoder != null) {
            decoder.finish();
            releaseDecoder();
        }
    }

    /** {@return the whole body just ended} */
    byte[] finishWhole() {
        return whole.finish();
    }

    /** {@return the streamed body being received or read, or null} */
    IncomingBody streamed() {
        return streamed;
    }

    /**
     * {@return true when the streamed body holds as many bytes as it may, or has ended and is not read to its end}
     * Forgets it once its handler read it to its end, after its request ended ({@code requestEnded}).
     */
    boolean holdsReading(boolean requestEnded) {
        if (streamed == null) {
            return false;
        }
        if (streamed.holdsReading()) {
            return true;
        }
        if (requestEnded) {
            streamed = null; // read to its end: the next request may come
        }
        return false;
    }

    /** The body being read is dropped (cut short or refused): a streamed one is forgotten, its reader told elsewhere. */
    void drop() {
        streamed = null;
        whole.drop();
        releaseDecoder();
    }

    /** {@code bytes} of whole bodies held were answered. */
    void answered(int bytes) {
        whole.answered(bytes);
    }

    /** {@return bytes of whole bodies held, being read or waiting for their answers} */
    long held() {
        return whole.held();
    }

    /** The connection closed: a streamed body's reader gets the error, and the memory goes back. */
    void closed() {
        if (streamed != null) {
            streamed.fail(new EOFException("the connection closed before the request body was read to its end"));
            streamed = null;
        }
        release();
    }

    /** Gives the memory back: the connection closed, or this stage left it. */
    void release() {
        whole.release();
        releaseDecoder();
    }

    private void releaseDecoder() {
        if (decoder != null) {
            decoder.release();
            decoder = null;
        }
    }

    private void give(ByteBuffer slice) {
        if (streamed != null ? !streamed.push(slice) : !whole.append(slice)) {
            throw noMemory();
        }
        deadlines.bodyProgressed();
    }

    /** The memory budget has nothing for a body's bytes: a 503 (logged at most once a minute). */
    private HttpException noMemory() {
        MemoryBudget budget = ctx.connection().budget();
        if (budget.countShed()) {
            log.warn("{}: memory budget spent ({}); refusing request bodies with 503 (logged at most once a minute)",
                    ctx.connection(), budget);
        }
        return new HttpException(503, "the server has no memory left for request bodies; try again later");
    }
}
