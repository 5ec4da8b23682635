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
 * a heap buffer of its own size, so that stalled peers do not sit on the loop's direct memory.
 *
 * <p>{@link FileRegion}s wait in the same queue, in order: each is stood for in the queue of buffers by
 * {@link #FILE}, an empty buffer that is never pooled, so gathering stops at it as it stops at any buffer that is
 * not pooled, and a write that finds it at the head sends the region with the transport's
 * {@link Transport#transferFile}. A queue without regions pays one reference comparison per write for them. Loop
 * thread only.
 */
final class Outbound {
    /** A remainder at most this share of a chunk leaves its pooled chunk when a write stops short. */
    private static final int SMALL_REMAINDER_DIVISOR = 4;

    /** Stands in {@link #chunks} for the region at the head of {@link #files}: empty, never pooled, never written. */
    private static final ByteBuffer FILE = ByteBuffer.allocate(0);

    /** Created on the first write, so that a connection that never writes holds no queue. */
    private ArrayDeque<ByteBuffer> chunks;
    /** The regions stood for by {@link #FILE} in {@link #chunks}, in the same order; created on the first one. */
    private ArrayDeque<FileRegion> files;
    /** All bytes queued: in buffers and in regions. */
    private long queued;
    /** The bytes of {@link #queued} in regions, which hold a file and no memory. */
    private long fileBytes;

    long queued() {
        return queued;
    }

    /** {@return the bytes queued in buffers: what the queue holds in memory} */
    long memoryQueued() {
        return queued - fileBytes;
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

    /** Queues {@code region} after everything queued so far; the queue owns it from now on. */
    void add(FileRegion region) {
        if (chunks == null) {
            chunks = new ArrayDeque<>(2);
        }
        if (files == null) {
            files = new ArrayDeque<>(2);
        }
        chunks.addLast(FILE); // full (limit == capacity): bytes written after the region start a new buffer
        files.addLast(region);
        queued += region.remaining();
        fileBytes += region.remaining();
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
            if (first == FILE) {
                if (!writeFile(transport)) {
                    return false;
                }
                continue;
            }
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
                while ((head = chunks.peekFirst()) != null && !head.hasRemaining() && head != FILE) {
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

    /**
     * Sends the region at the head of the queue, as much of it as the transport takes now.
     *
     * @return true when all of it was sent (and it left the queue)
     */
    private boolean writeFile(Transport transport) throws IOException {
        FileRegion region = files.peekFirst();
        long sent = region.transferTo(transport);
        queued -= sent;
        fileBytes -= sent;
        if (region.remaining() > 0) {
            return false; // the socket is full: the connection waits until it can write again
        }
        files.pollFirst();
        chunks.pollFirst();
        region.release();
        return true;
    }

    /** Drops everything queued, gives the buffers back and releases the regions (closing their files). */
    void clear(BufferPool pool) {
        ByteBuffer chunk;
        while (chunks != null && (chunk = chunks.pollFirst()) != null) {
            pool.release(chunk);
        }
        FileRegion region;
        while (files != null && (region = files.pollFirst()) != null) {
            region.release();
        }
        pool.queued(-(queued - fileBytes));
        queued = 0;
        fileBytes = 0;
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
