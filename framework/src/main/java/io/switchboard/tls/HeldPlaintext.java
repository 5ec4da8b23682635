package io.switchboard.tls;

import io.switchboard.internal.BufferPool;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.Arrays;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLException;

/**
 * Plaintext written to a TLS stage and not yet encrypted, copied into chunks borrowed from the loop's pool and
 * given back as soon as they are encrypted, so a connection holds chunks only between a write and the flush that
 * follows it in the same turn of the loop (or until its handshake completes). Each chunk holds its bytes between
 * position and limit. Loop thread only; one per connection.
 */
final class HeldPlaintext {
    /** Created on the first write, so that a connection that never writes holds no queue. */
    private ArrayDeque<ByteBuffer> chunks;
    private long size;

    /** {@return the bytes held} */
    long size() {
        return size;
    }

    /**
     * Copies {@code n} bytes of {@code src}; its position moves past them.
     *
     * @param src  the written bytes
     * @param n    how many to copy, at most {@code src.remaining()}
     * @param pool the loop's pool to borrow chunks from
     */
    void add(ByteBuffer src, int n, BufferPool pool) {
        if (chunks == null) {
            chunks = new ArrayDeque<>(2);
        }
        size += n;
        int end = src.position() + n;
        int srcLimit = src.limit();
        ByteBuffer last = chunks.peekLast();
        while (src.position() < end) {
            if (last == null || last.limit() == last.capacity()) {
                last = pool.acquire(end - src.position()).flip();
                chunks.addLast(last);
            }
            int readIndex = last.position();
            last.position(last.limit()).limit(last.capacity());
            src.limit(Math.min(end, src.position() + last.remaining()));
            last.put(src);
            src.limit(srcLimit);
            last.limit(last.position()).position(readIndex);
        }
    }

    /**
     * Encrypts one record of the held bytes (up to {@link TlsRecords#MAX_PLAINTEXT}, gathered from as many chunks
     * as that takes) into {@code packet}, and gives back the chunks used up.
     *
     * @param engine the connection's engine, its handshake done
     * @param packet where the record goes, with room for the engine's largest packet
     * @param pool   the loop's pool, whose gathering array and free list are used
     * @return the engine's result
     * @throws SSLException when the engine fails
     */
    SSLEngineResult wrap(SSLEngine engine, ByteBuffer packet, BufferPool pool) throws SSLException {
        ByteBuffer[] gather = pool.gatherArray();
        int count = 0;
        long gathered = 0;
        for (ByteBuffer chunk : chunks) {
            if (count == gather.length || gathered >= TlsRecords.MAX_PLAINTEXT) {
                break;
            }
            gather[count++] = chunk;
            gathered += chunk.remaining();
        }
        SSLEngineResult result;
        try {
            result = engine.wrap(gather, 0, count, packet);
        } finally {
            Arrays.fill(gather, 0, count, null);
        }
        size -= result.bytesConsumed();
        ByteBuffer head;
        while ((head = chunks.peekFirst()) != null && !head.hasRemaining()) {
            pool.release(chunks.pollFirst());
        }
        return result;
    }

    /**
     * Drops everything held and gives the chunks back.
     *
     * @param pool the loop's pool
     */
    void clear(BufferPool pool) {
        ByteBuffer chunk;
        while (chunks != null && (chunk = chunks.pollFirst()) != null) {
            pool.release(chunk);
        }
        size = 0;
    }
}
