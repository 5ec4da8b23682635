package io.switchboard.pipeline;

import io.switchboard.loop.BufferPool;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;

/**
 * A connection's queued outbound bytes, copied into chunks borrowed from the loop's pool and written with
 * gathering writes. Each chunk holds its unwritten bytes between position and limit. An empty queue
 * holds no chunk. Loop thread only.
 */
final class Outbound {
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
        int length = src.remaining();
        queued += length;
        if (chunks == null) {
            chunks = new ArrayDeque<>(2);
        }
        ByteBuffer last = chunks.peekLast();
        while (src.hasRemaining()) {
            if (last == null || last.limit() == last.capacity()) {
                last = pool.acquire().flip();
                chunks.addLast(last);
            }
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

    /**
     * Writes as much as the transport takes now.
     *
     * @return true when the queue is empty afterwards
     */
    boolean writeTo(Transport transport, BufferPool pool) throws IOException {
        ByteBuffer[] gather = pool.gatherArray();
        while (queued > 0) {
            int count = 0;
            if (chunks.size() == 1) {
                gather[count++] = chunks.peekFirst();
            } else {
                for (ByteBuffer chunk : chunks) {
                    if (count == gather.length) {
                        break;
                    }
                    gather[count++] = chunk;
                }
            }
            long written = transport.write(gather, 0, count);
            java.util.Arrays.fill(gather, 0, count, null);
            if (written <= 0) {
                return false;
            }
            queued -= written;
            ByteBuffer head;
            while ((head = chunks.peekFirst()) != null && !head.hasRemaining()) {
                pool.release(chunks.pollFirst());
            }
            if (count < gather.length && queued > 0) {
                return false;
            }
        }
        return true;
    }

    /** Drops everything queued and gives the chunks back. */
    void clear(BufferPool pool) {
        ByteBuffer chunk;
        while (chunks != null && (chunk = chunks.pollFirst()) != null) {
            pool.release(chunk);
        }
        queued = 0;
    }
}
