package io.switchboard.loop;

import java.nio.ByteBuffer;
import java.util.ArrayDeque;

/**
 * The buffers a loop owns: one read buffer shared by all its connections, and a bounded pool of
 * fixed-size outbound chunks. Idle connections hold none of them. Loop thread only.
 */
public final class BufferPool {
    private final ByteBuffer readBuffer;
    private final int chunkSize;
    private final int maxPooled;
    private final boolean direct;
    private final ArrayDeque<ByteBuffer> free = new ArrayDeque<>();
    private final ByteBuffer[] gather = new ByteBuffer[64];

    /**
     * Allocates the read buffer; chunks are allocated on demand and kept up to {@code maxPooled}.
     *
     * @param readBufferSize bytes read from a socket at once
     * @param chunkSize size of an outbound chunk
     * @param maxPooled most chunks kept for reuse; more are left to the garbage collector
     * @param direct whether buffers live outside the heap (true for sockets, saving the JDK's copy)
     */
    public BufferPool(int readBufferSize, int chunkSize, int maxPooled, boolean direct) {
        if (readBufferSize <= 0 || chunkSize <= 0 || maxPooled < 0) {
            throw new IllegalArgumentException("buffer sizes must be positive");
        }
        this.readBuffer = allocate(readBufferSize, direct);
        this.chunkSize = chunkSize;
        this.maxPooled = maxPooled;
        this.direct = direct;
    }

    /**
     * The loop's read buffer, cleared. Whatever is read into it is borrowed until the read callback returns.
     *
     * @return the read buffer, shared by all the loop's connections
     */
    public ByteBuffer readBuffer() {
        return readBuffer.clear();
    }

    /** {@return the size of the chunks handed out by {@link #acquire()}, in bytes} */
    public int chunkSize() {
        return chunkSize;
    }

    /**
     * A cleared chunk of {@link #chunkSize()} bytes, from the pool when it has one.
     *
     * @return the chunk, now owned by the caller until it is {@linkplain #release released}
     */
    public ByteBuffer acquire() {
        ByteBuffer chunk = free.pollLast();
        return chunk != null ? chunk.clear() : allocate(chunkSize, direct);
    }

    /**
     * Gives a chunk back. Chunks of another size, and chunks past the pool's limit, are dropped.
     *
     * @param chunk a chunk the caller no longer uses
     */
    public void release(ByteBuffer chunk) {
        if (chunk.capacity() == chunkSize && free.size() < maxPooled) {
            free.addLast(chunk);
        }
    }

    /**
     * A scratch array for gathering writes; callers clear what they put in it.
     *
     * @return the loop's array of 64 slots
     */
    public ByteBuffer[] gatherArray() {
        return gather;
    }

    /** {@return the number of chunks waiting for reuse} */
    public int pooled() {
        return free.size();
    }

    private static ByteBuffer allocate(int size, boolean direct) {
        return direct ? ByteBuffer.allocateDirect(size) : ByteBuffer.allocate(size);
    }
}
