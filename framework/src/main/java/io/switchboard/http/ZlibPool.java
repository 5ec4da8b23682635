package io.switchboard.http;

import io.switchboard.internal.BufferPool;
import io.switchboard.loop.EventLoop;
import io.switchboard.pipeline.MemoryBudget;
import java.util.ArrayDeque;
import java.util.zip.Deflater;
import java.util.zip.Inflater;

/**
 * A loop's zlib state for HTTP: the deflaters its connections compress answers with, a few kept idle for the next
 * answer (reset, not ended: making one costs four 64 KiB allocations), and the arrays compressed and inflated bytes
 * pass through on their way to the connection, shared by the loop's connections since each is used within one
 * call. Counts what exists, for tests and for the bound.
 *
 * <p>Native memory is the cost (measured for the WebSocket stage, docs/websocket.md): a deflater is 256 KiB of
 * zlib state (window, hash chains, hash heads, pending output), an inflater about 40 KiB (7 KiB of state and a
 * 32 KiB window). An answer that compresses reserves a deflater's bytes from the connection's {@link MemoryBudget}
 * when it decides to (its head names the coding), and takes the deflater itself only with its first bytes, so a
 * compressed stream that has sent nothing yet (an event stream waiting for events) holds no native memory;
 * {@link #reserveDeflater} says no when the budget has no room (the answer then goes out uncompressed),
 * {@link #newInflater} likewise (the request is refused with 503). The idle ones, at most
 * {@link CompressionOptions#POOLED_PER_LOOP} per level, are the loop's own fixed cost, as its buffer pool is. A
 * deflater is never left to the garbage collector: whoever takes one gives it back or ends it, also when its
 * connection closes in the middle of an answer. Loop thread only; one per loop.
 */
final class ZlibPool {
    /** zlib's deflate state at the default memory level: four 64 KiB arrays. */
    static final long DEFLATER_BYTES = 256 * 1024;
    /** zlib's inflate state and its 32 KiB window. */
    static final long INFLATER_BYTES = 40 * 1024;
    /** The most compressed bytes put in one piece (a chunk, or a whole compressed body sent with its length). */
    static final int PIECE = 32 * 1024;
    /** Room before a piece for its chunk-size line (eight hex digits and CRLF). */
    static final int FRAME_ROOM = 10;

    @SuppressWarnings("unchecked")
    private final ArrayDeque<Deflater>[] idle = new ArrayDeque[Deflater.BEST_COMPRESSION + 1];
    /** Compressed bytes: {@link #FRAME_ROOM}, a piece, and its CRLF. */
    final byte[] out = new byte[FRAME_ROOM + PIECE + 2];
    /** Inflated bytes on their way to a request body. */
    final byte[] inflated = new byte[16 * 1024];
    private int deflaters;
    private int lent;
    private int inflaters;

    /** {@return the pool of {@code loop}} Loop thread only. */
    static ZlibPool of(EventLoop loop) {
        return BufferPool.of(loop).local(ZlibPool.class, ZlibPool::new);
    }

    /**
     * Reserves a deflater's native memory from {@code budget}, for an answer that will compress: the deflater itself
     * is taken only when the first bytes are ({@link #takeDeflater}).
     *
     * @return false when the budget has no room for it
     */
    boolean reserveDeflater(MemoryBudget budget) {
        return budget.tryReserve(DEFLATER_BYTES);
    }

    /** Gives back a reservation made by {@link #reserveDeflater}. */
    void unreserveDeflater(MemoryBudget budget) {
        budget.release(DEFLATER_BYTES);
    }

    /** {@return a deflater (raw deflate, no wrapper) at {@code level}, ready for a new stream: an idle one, or a new one} */
    Deflater takeDeflater(int level) {
        ArrayDeque<Deflater> free = idle[level];
        Deflater d = free == null ? null : free.pollLast();
        if (d == null) {
            d = new Deflater(level, true);
            deflaters++;
        }
        lent++;
        return d;
    }

    /** Takes back a deflater lent at {@code level}: kept for the next answer (reset), or ended when enough are idle. */
    void giveBackDeflater(Deflater d, int level) {
        lent--;
        ArrayDeque<Deflater> free = idle[level];
        if (free == null) {
            free = idle[level] = new ArrayDeque<>(CompressionOptions.POOLED_PER_LOOP);
        }
        if (free.size() < CompressionOptions.POOLED_PER_LOOP) {
            d.reset();
            free.addLast(d);
        } else {
            d.end();
            deflaters--;
        }
    }

    /**
     * A new inflater for a request body, its native memory reserved from {@code budget}.
     *
     * @param nowrap true for raw deflate (gzip's wrapper is read by the caller), false for the zlib format
     * @return the inflater; null when the budget has no room for it
     */
    Inflater newInflater(boolean nowrap, MemoryBudget budget) {
        if (!budget.tryReserve(INFLATER_BYTES)) {
            return null;
        }
        inflaters++;
        return new Inflater(nowrap);
    }

    /** Ends an inflater from {@link #newInflater} and gives its reservation back. */
    void endInflater(Inflater inflater, MemoryBudget budget) {
        inflater.end();
        inflaters--;
        budget.release(INFLATER_BYTES);
    }

    /** {@return the deflaters that exist now, idle or lent} */
    int deflaters() {
        return deflaters;
    }

    /** {@return the deflaters lent now} */
    int lent() {
        return lent;
    }

    /** {@return the inflaters that exist now} */
    int inflaters() {
        return inflaters;
    }
}
