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
 * after which the client can decode everything so far) or ends the body ({@link #finish}). Its native memory is
 * reserved from the budget when the answer starts; the deflater itself is taken from the loop's {@link ZlibPool}
 * with the first bytes, and goes back to it in {@link #release}, with the reservation, which the answer's writer
 * calls when the answer ends and when its connection closes. Loop thread only; one per answer being compressed.
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
    /** Taken with the first bytes to compress; null before, and after {@link #release}. */
    private Deflater deflater;
    private boolean released;
    private long totalIn;
    /** Bytes of the current piece in {@link #out}, from {@link #START}. */
    private int filled;
    private int pieces;
    private boolean started;
    /** Bytes were compressed since the last flush. */
    private boolean dirty;

    private BodyDeflater(ContentCoding coding, int level, ZlibPool pool, MemoryBudget budget) {
        this.coding = coding;
        this.level = level;
        this.pool = pool;
        this.budget = budget;
        this.out = pool.out;
        this.checksum = coding == ContentCoding.GZIP ? new CRC32() : new Adler32();
    }

    /**
     * A compressor for one answer, a deflater's memory reserved for it.
     *
     * @return the compressor; null when the memory budget has no room for a deflater
     */
    static BodyDeflater start(ContentCoding coding, int level, ZlibPool pool, MemoryBudget budget) {
        return pool.reserveDeflater(budget) ? new BodyDeflater(coding, level, pool, budget) : null;
    }

    /** Compresses {@code len} bytes of {@code b} from {@code off}; full pieces go to {@code sink}. */
    void write(byte[] b, int off, int len, Sink sink) {
        if (len == 0 || released) {
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
        if (dirty && !released) {
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
        if (released) {
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
        if (filled > 0 && !released) {
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

    /** Gives the deflater back to the loop's pool, and the reservation to the budget (once; later calls do nothing). */
    void release() {
        if (!released) {
            released = true;
            if (deflater != null) {
                pool.giveBackDeflater(deflater, level);
                deflater = null;
            }
            pool.unreserveDeflater(budget);
            filled = 0;
        }
    }

    /** The wrapper's header, before the first bytes; the deflater is taken from the pool now. */
    private void header() {
        if (!started) {
            started = true;
            deflater = pool.takeDeflater(level);
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
        return !released;
    }
}
