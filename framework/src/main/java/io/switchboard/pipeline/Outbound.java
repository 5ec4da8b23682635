package io.switchboard.pipeline;

import io.switchboard.internal.BufferPool;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.Arrays;

/**
 * A connection's queued outbound bytes, copied into buffers borrowed from the loop's pool and written with
 * gathering writes. Each buffer holds its unwritten bytes between position and limit. An empty queue holds no
 * buffer, and a small remainder left behind by a peer that reads slowly is moved out of its pooled chunk into
 * a heap buffer of its own size, so that stalled peers do not sit on the loop's direct memory. Loop thread
 * only.
 */
final class Outbound {
    /** A remainder at most this share of a chunk leaves its pooled chunk when a write stops short. */
    private static final int SMALL_REMAINDER_DIVISOR = 4;

    /** Created on the first write, so that a connection that never writes holds no queue. */
    private ArrayDeque<ByteBuffer> chunks;
    private long queued;

    long queued() {
        return queued;
    }

    boolean isEmpty() {
        return queued == 0;
    }

    /** Copies the remaining bytes of {@code src}; its position moves to its limit. */
    void add(ByteBuffer src, BufferPool pool) {
        queued += src.remaining();
        pool.queued(src.remaining());
        while (src.hasRemaining()) {
            ByteBuffer last = tail(src.remaining(), pool);
            int readIndex = last.position();
            last.position(last.limit()).limit(last.capacity());
            int n = Math.min(last.remaining(), src.remaining());
            if (n == src.remaining()) {
                last.put(src);
            } else {
                int srcLimit = src.limit();
                src.limit(src.position() + n);
                last.put(src);
                src.limit(srcLimit);
            }
            last.limit(last.position()).position(readIndex);
        }
    }

    /** Copies {@code src}, as {@link #add(ByteBuffer, BufferPool)} does, without a buffer to wrap it in. */
    void add(byte[] src, BufferPool pool) {
        queued += src.length;
        pool.queued(src.length);
        int offset = 0;
        while (offset < src.length) {
            ByteBuffer last = tail(src.length - offset, pool);
            int readIndex = last.position();
            last.position(last.limit()).limit(last.capacity());
            int n = Math.min(last.remaining(), src.length - offset);
            last.put(src, offset, n);
            offset += n;
            last.limit(last.position()).position(readIndex);
        }
    }

    /** The last buffer when it has room left, else a new one from the pool for {@code needed} more bytes. */
    private ByteBuffer tail(int needed, BufferPool pool) {
        if (chunks == null) {
            chunks = new ArrayDeque<>(2);
        }
        ByteBuffer last = chunks.peekLast();
        if (last == null || last.limit() == last.capacity()) {
            last = pool.acquire(needed).flip();
            chunks.addLast(last);
        }
        return last;
    }

    /**
     * Writes as much as the transport takes now. Pooled chunks are gathered into one write; an overflow buffer
     * (on the heap) is written on its own, so that the JDK's per-thread direct copy of it stays one buffer's
     * size.
     *
     * @return true when the queue is empty afterwards
     */
    boolean writeTo(Transport transport, BufferPool pool) throws IOException {
        ByteBuffer[] gather = pool.gatherArray();
        while (queued > 0) {
            int count = 0;
            long offered = 0;
            ByteBuffer first = chunks.peekFirst();
            if (chunks.size() == 1 || !pool.isPooled(first)) {
                gather[count++] = first;
                offered = first.remaining();
            } else {
                for (ByteBuffer chunk : chunks) {
                    if (count == gather.length || !pool.isPooled(chunk)) {
                        break;
                    }
                    gather[count++] = chunk;
                    offered += chunk.remaining();
                }
            }
            long written = transport.write(gather, 0, count);
            Arrays.fill(gather, 0, count, null);
            if (written > 0) {
                queued -= written;
                pool.queued(-written);
                ByteBuffer head;
                while ((head = chunks.peekFirst()) != null && !head.hasRemaining()) {
                    pool.release(chunks.pollFirst());
                }
            }
            if (written < offered) {
                releaseSmallRemainder(pool);
                return false;
            }
        }
        return true;
    }

    /** Drops everything queued and gives the buffers back. */
    void clear(BufferPool pool) {
        ByteBuffer chunk;
        while (chunks != null && (chunk = chunks.pollFirst()) != null) {
            pool.release(chunk);
        }
        pool.queued(-queued);
        queued = 0;
    }

    /** The peer is slow: a small tail in a pooled chunk moves to a heap buffer of its size. */
    private void releaseSmallRemainder(BufferPool pool) {
        if (chunks.size() != 1) {
            return;
        }
        ByteBuffer only = chunks.peekFirst();
        if (!pool.isPooled(only) || only.remaining() > pool.chunkSize() / SMALL_REMAINDER_DIVISOR) {
            return;
        }
        ByteBuffer own = ByteBuffer.allocate(only.remaining());
        own.put(only).flip();
        chunks.pollFirst();
        pool.release(only);
        chunks.addLast(own);
    }
}
