package io.switchboard.http;

import io.switchboard.internal.BufferPool;
import io.switchboard.pipeline.FileRegion;
import io.switchboard.pipeline.HandlerContext;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The body of an answer sent from a file: one or more parts, each some bytes of its own (the head of a
 * {@code multipart/byteranges} part; none for a single range) followed by a range of the file, then closing bytes.
 * Its {@code Content-Length} is their sum.
 *
 * <p>The file is opened when the answer's turn comes ({@link #open}), not when it is decided, so that a connection
 * with many pipelined file answers waiting holds one file open at a time, not one each. Where the connection passes
 * {@link FileRegion}s to the socket, each range goes as a region (zero copy; the last region closes the file once
 * sent, or once dropped with the connection); elsewhere (TLS) the range is read in pooled chunks while the connection
 * is writable, and the file is closed after the last one. {@link #close} closes a file not yet handed over, whatever
 * ended the answer: every path closes the file exactly once. Loop thread only once handed to the connection.
 */
final class FileBody {
    private static final Logger log = LoggerFactory.getLogger(FileBody.class);
    private static final byte[] NONE = new byte[0];

    /** Opens the file when the answer's turn comes. */
    @FunctionalInterface
    interface Source {
        /**
         * Opens the file.
         *
         * @return the file, open for reading
         * @throws HttpException to answer with its status instead (404: the file is gone; 503: it changed since the
         *                       answer was decided)
         * @throws IOException   any other failure, answered 500
         */
        FileChannel open() throws IOException;
    }

    private final Source source;
    private final long[] starts;
    private final long[] counts;
    /** The bytes before each part's range: a multipart part's head, or empty. */
    private final byte[][] heads;
    /** The bytes after the last part: a multipart body's closing boundary, or empty. */
    private final byte[] tail;
    private final long length;

    private FileChannel channel;
    /** Whether the ranges go as file regions; decided when sending starts. */
    private boolean regions;
    private int part;
    private boolean partHeadSent;
    /** Bytes of the current part's range read and written (buffered sending only). */
    private long partSent;
    /** The file now belongs to the connection's queue (its last region), or was closed: not ours to close. */
    private boolean released;

    private FileBody(Source source, long[] starts, long[] counts, byte[][] heads, byte[] tail) {
        this.source = source;
        this.starts = starts;
        this.counts = counts;
        this.heads = heads;
        this.tail = tail;
        long total = tail.length;
        for (int i = 0; i < counts.length; i++) {
            total += heads[i].length + counts[i];
        }
        this.length = total;
    }

    /** One range of the file, with nothing around it. */
    static FileBody range(Source source, long start, long count) {
        return new FileBody(source, new long[] {start}, new long[] {count}, new byte[][] {NONE}, NONE);
    }

    /** One range of a file the caller opened: it is closed like a file this body opened itself. */
    static FileBody range(FileChannel file, long start, long count) {
        FileBody body = range(() -> file, start, count);
        body.channel = file;
        return body;
    }

    /** Several ranges, each after its own head bytes, then {@code tail}: a {@code multipart/byteranges} body. */
    static FileBody parts(Source source, long[] starts, long[] counts, byte[][] heads, byte[] tail) {
        if (starts.length == 0 || starts.length != counts.length || counts.length != heads.length) {
            throw new IllegalArgumentException("one head, start and count per part");
        }
        return new FileBody(source, starts.clone(), counts.clone(), heads.clone(), tail);
    }

    /** {@return the body's length: its {@code Content-Length}} */
    long length() {
        return length;
    }

    /** Opens the file, unless the caller gave it open; the writer answers otherwise when this throws. */
    void open() throws IOException {
        if (channel == null) {
            channel = source.open();
        }
    }

    /**
     * Starts sending: as file regions when {@code zeroCopy} (the pipeline passes them to the socket), else in
     * chunks read from the file.
     */
    void start(boolean zeroCopy) {
        this.regions = zeroCopy;
    }

    /**
     * Writes as much of the body to {@code ctx} as the connection takes before it turns unwritable; the connection's
     * writability brings the writer back for the rest.
     *
     * @return true once all of it was written
     * @throws IOException when reading the file fails, or the file ended before the range did
     */
    boolean write(HandlerContext ctx) throws IOException {
        assert ctx.loop().inLoop();
        while (part < counts.length) {
            if (!partHeadSent) {
                if (part > 0 && !ctx.connection().isWritable()) {
                    return false;
                }
                if (heads[part].length > 0) {
                    ctx.write(ByteBuffer.wrap(heads[part]));
                }
                partHeadSent = true;
            }
            if (regions) {
                boolean last = part == counts.length - 1;
                ctx.write(new FileRegion(channel, starts[part], counts[part], last));
                if (last) {
                    released = true; // the last region closes the file once sent, or once dropped
                }
            } else if (!writeChunks(ctx)) {
                return false;
            }
            part++;
            partHeadSent = false;
            partSent = 0;
        }
        if (tail.length > 0) {
            ctx.write(ByteBuffer.wrap(tail));
        }
        close();
        return true;
    }

    /** Reads the current part's range in pooled chunks and writes them while the connection is writable. */
    private boolean writeChunks(HandlerContext ctx) throws IOException {
        BufferPool pool = BufferPool.of(ctx.loop());
        while (partSent < counts[part]) {
            if (!ctx.connection().isWritable()) {
                return false;
            }
            ByteBuffer chunk = pool.acquire(pool.chunkSize());
            try {
                chunk.limit((int) Math.min(chunk.capacity(), counts[part] - partSent));
                long at = starts[part] + partSent;
                while (chunk.hasRemaining()) {
                    if (channel.read(chunk, at + chunk.position()) < 0) {
                        throw new EOFException("the file ended at " + channel.size() + " bytes, before the "
                                + (starts[part] + counts[part]) + " it was to be sent to (truncated while it was being sent)");
                    }
                }
                partSent += chunk.position();
                ctx.write(chunk.flip()); // borrowed: the stage before copies or encrypts it before this returns
            } finally {
                pool.release(chunk);
            }
        }
        return true;
    }

    /**
     * Hands the one range of this body, its file open, to {@code responder}'s public {@link HttpResponder#sendFile},
     * which owns the file from then on.
     */
    void sendAsOneRange(HttpResponder responder, HttpResponse head) {
        if (counts.length != 1 || heads[0].length > 0 || tail.length > 0 || channel == null) {
            close();
            throw new IllegalStateException("only an open file of one range goes through HttpResponder.sendFile");
        }
        released = true;
        responder.sendFile(head, channel, starts[0], counts[0]);
    }

    /** Closes the file unless it was handed to the connection's queue or closed already. Any path; idempotent. */
    void close() {
        if (released) {
            return;
        }
        released = true;
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException e) {
                log.debug("closing a file answered from", e);
            }
        }
    }

    /** {@return true once the file was handed over or closed (for tests)} */
    boolean released() {
        return released;
    }
}
