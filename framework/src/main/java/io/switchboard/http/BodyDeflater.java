package io.switchboard.http;

import io.switchboard.pipeline.MemoryBudget;
import java.util.zip.Adler32;
import java.util.zip.CRC32;
import java.util.zip.Checksum;
import java.util.zip.Deflater;

/**
 * Compresses the body of one answer in {@code gzip} or {@code deflate}: the wrapper's header, the deflate stream
 * and the wrapper's trailer, in pieces of at most {@link ZlibPool#PIECE} bytes built in the loop's
 * {@link ZlibPool#out} array and handed to a {@link Sink} as soon as one is full. The array is the loop's, shared
 * by its connections, so every call that may have left bytes in it ends with {@link #emitRest}. Bytes written
 * are compressed without a flush ({@link #write}) until the writer asks for one ({@link #flush}: a sync flush,
 * after which the client can decode everything so far) or ends the body ({@link #finish}). The deflater is lent
 * by the loop's {@link ZlibPool} and goes back to it in {@link #release}, which the answer's writer calls when the
 * answer ends and when its connection closes. Loop thread only; one per answer being compressed.
 */
final class BodyDeflater {
    /** Takes a full piece of compressed bytes: {@code out[from, to)}, with room for framing around it. */
    interface Sink {
        /**
         * Takes {@code out[from, to)}; the {@link ZlibPool#FRAME_ROOM} bytes before {@code from} and the two after
         * {@code to} are free for framing. The array is reused once this returns.
         */
        void piece(byte[] out, int from, int to);
    }

    private static final int START = ZlibPool.FRAME_ROOM;

    private final ContentCoding coding;
    private final int level;
    private final ZlibPool pool;
    private final MemoryBudget budget;
    private final byte[] out;
    private final Checksum checksum;
    private Deflater deflater;
    private long totalIn;
    /** Bytes of the current piece in {@link #out}, from {@link #START}. */
    private int filled;
    private int pieces;
    private boolean started;
    /** Bytes were compressed since the last flush. */
    private boolean dirty;

    private BodyDeflater(ContentCoding coding, int level, Deflater deflater, ZlibPool pool, MemoryBudget budget) {
        this.coding = coding;
        this.level = level;
        this.deflater = deflater;
        this.pool = pool;
        this.budget = budget;
        this.out = pool.out;
        this.checksum = coding == ContentCoding.GZIP ? new CRC32() : new Adler32();
    }

    /**
     * A compressor for one answer, with a deflater from the loop's pool.
     *
     * @return the compressor; null when the memory budget has no room for a deflater
     */
    static BodyDeflater start(ContentCoding coding, int level, ZlibPool pool, MemoryBudget budget) {
        Deflater d = pool.acquireDeflater(level, budget);
        return d == null ? null : new BodyDeflater(coding, level, d, pool, budget);
    }

    /** Compresses {@code len} bytes of {@code b} from {@code off}; full pieces go to {@code sink}. */
    void write(byte[] b, int off, int len, Sink sink) {
        if (len == 0 || deflater == null) {
            return;
        }
        header();
        checksum.update(b, off, len);
        totalIn += len;
        deflater.setInput(b, off, len);
        while (!deflater.needsInput()) {
            if (filled == ZlibPool.PIECE && !emit(sink)) {
                return;
            }
            filled += deflater.deflate(out, START + filled, ZlibPool.PIECE - filled, Deflater.NO_FLUSH);
        }
        dirty = true;
    }

    /** Flushes what was written so far, so that the client can decode all of it, and emits every piece. */
    void flush(Sink sink) {
        if (dirty && deflater != null) {
            dirty = false;
            while (true) {
                if (filled == ZlibPool.PIECE && !emit(sink)) {
                    return;
                }
                int room = ZlibPool.PIECE - filled;
                int n = deflater.deflate(out, START + filled, room, Deflater.SYNC_FLUSH);
                filled += n;
                if (n < room) {
                    break; // with room to spare, the flush is complete
                }
            }
        }
        emitRest(sink);
    }

    /**
     * Ends the stream: the rest of the deflate stream and the wrapper's trailer. Full pieces go to {@code sink}; the
     * last one stays in the array ({@link #pending()}) for the caller to take or {@link #emitRest emit}.
     */
    void finish(Sink sink) {
        if (deflater == null) {
            return;
        }
        header();
        deflater.finish();
        while (!deflater.finished()) {
            if (filled == ZlibPool.PIECE && !emit(sink)) {
                return;
            }
            filled += deflater.deflate(out, START + filled, ZlibPool.PIECE - filled);
        }
        if (ZlibPool.PIECE - filled < coding.trailerLength() && !emit(sink)) {
            return;
        }
        coding.trailer(out, START + filled, checksum.getValue(), totalIn);
        filled += coding.trailerLength();
        dirty = false;
    }

    /** Hands the piece being filled to {@code sink}, if it has any bytes. */
    void emitRest(Sink sink) {
        if (filled > 0 && deflater != null) {
            emit(sink);
        }
    }

    /** {@return the coding it compresses in} */
    ContentCoding coding() {
        return coding;
    }

    /** {@return the bytes of the piece being filled, at {@code out[ZlibPool.FRAME_ROOM]}} */
    int pending() {
        return filled;
    }

    /** The caller took the piece being filled itself. */
    void taken() {
        filled = 0;
    }

    /** {@return the pieces handed to a sink so far} */
    int pieces() {
        return pieces;
    }

    /** {@return the loop's array the pieces are built in} */
    byte[] array() {
        return out;
    }

    /** Gives the deflater back to the loop's pool (once; later calls do nothing). */
    void release() {
        if (deflater != null) {
            pool.releaseDeflater(deflater, level, budget);
            deflater = null;
            filled = 0;
        }
    }

    private void header() {
        if (!started) {
            started = true;
            coding.header(out, START + filled, level);
            filled += coding.headerLength();
        }
    }

    /** Hands the piece over; {@return false when that closed the connection, which released the deflater} */
    private boolean emit(Sink sink) {
        int n = filled;
        filled = 0;
        pieces++;
        sink.piece(out, START, START + n);
        return deflater != null;
    }
}
