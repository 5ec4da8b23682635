package io.switchboard.internal;

import io.switchboard.loop.EventLoop;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The buffers a loop owns: one read buffer shared by all its connections, a fixed pool of outbound
 * chunks, and two scratch buffers for stages that transform bytes (TLS). Idle connections hold none of
 * them. Loop thread only.
 *
 * <p>Direct memory is a fixed pool, not a cache the garbage collector drains: at most {@code maxDirect}
 * direct chunks are ever allocated, and each one goes back to the free list when released. When all of them
 * are lent out, {@link #acquire(int)} hands out heap buffers sized to what the caller needs; those are
 * dropped on release. So a burst of connections costs at most the pool in native memory, and what goes
 * beyond it lives on the heap, where the collector sees it.
 *
 * <p>The pool also counts the bytes its loop's connections have queued and their sockets have not taken yet
 * ({@link #queuedBytes()}, the one method any thread may call).
 */
public final class BufferPool {
    /** Smallest heap buffer handed out when the direct chunks are all lent. */
    private static final int MIN_HEAP_BUFFER = 256;
    private static final VarHandle QUEUED;

    static {
        try {
            QUEUED = MethodHandles.lookup().findVarHandle(BufferPool.class, "queuedBytes", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final int readBufferSize;
    private final int chunkSize;
    private final int maxDirect;
    private final boolean direct;
    private final ArrayDeque<ByteBuffer> free = new ArrayDeque<>();
    private final ByteBuffer[] gather = new ByteBuffer[64];
    private ByteBuffer readBuffer;
    private ByteBuffer inboundScratch;
    private ByteBuffer outboundScratch;
    /** Scratch state of other stages, one object per kind; created when a stage first asks for its kind. */
    private Map<Class<?>, Object> locals;
    private int directAllocated;
    /** Bytes queued on the loop's connections; written by the loop with opaque stores, read by any thread. */
    @SuppressWarnings("unused")
    private long queuedBytes;

    /**
     * A pool that allocates its buffers when first asked for them.
     *
     * @param readBufferSize bytes read from a socket at once
     * @param chunkSize      size of an outbound chunk
     * @param maxDirect      most chunks ever allocated in the pool's own kind of memory (direct when
     *                       {@code direct}); past it, chunks are heap buffers that are not kept
     * @param direct         whether the read buffer and the pooled chunks live outside the heap (true for
     *                       sockets, saving the JDK's copy)
     */
    public BufferPool(int readBufferSize, int chunkSize, int maxDirect, boolean direct) {
        if (readBufferSize <= 0 || chunkSize <= 0 || maxDirect < 0) {
            throw new IllegalArgumentException("buffer sizes must be positive");
        }
        this.readBufferSize = readBufferSize;
        this.chunkSize = chunkSize;
        this.maxDirect = maxDirect;
        this.direct = direct;
    }

    /**
     * The pool of {@code loop}: its own when it is one of the framework's loops, otherwise a small heap pool
     * made for the caller.
     *
     * @param loop a loop
     * @return the buffers to use on that loop
     */
    public static BufferPool of(EventLoop loop) {
        if (loop instanceof Owner) {
            return ((Owner) loop).buffers();
        }
        return new BufferPool(16 * 1024, 4096, 0, false);
    }

    /**
     * The loop's read buffer, cleared. Whatever is read into it is borrowed until the read callback returns.
     *
     * @return the read buffer, shared by all the loop's connections
     */
    public ByteBuffer readBuffer() {
        ByteBuffer buffer = readBuffer;
        if (buffer == null) {
            readBuffer = buffer = direct ? ByteBuffer.allocateDirect(readBufferSize) : ByteBuffer.allocate(readBufferSize);
        }
        return buffer.clear();
    }

    /**
     * A heap buffer the loop owns for a stage that turns inbound bytes into other bytes (TLS decrypts records into
     * it), cleared and at least {@code size} bytes. It is borrowed until the caller returns to the loop, and one
     * buffer serves all the loop's connections, so an idle connection holds none. On the heap whatever the pool's
     * kind: the JDK's TLS engine encrypts and decrypts heap arrays in place, and copies direct buffers.
     *
     * @param size the fewest bytes the caller needs
     * @return the loop's inbound scratch buffer
     */
    public ByteBuffer inboundScratch(int size) {
        ByteBuffer buffer = inboundScratch;
        if (buffer == null || buffer.capacity() < size) {
            inboundScratch = buffer = ByteBuffer.allocate(size);
        }
        return buffer.clear();
    }

    /**
     * As {@link #inboundScratch(int)}, for outbound bytes (TLS encrypts records into it before writing them on):
     * a second buffer, so that a stage may encrypt while the bytes it decrypted are lent to the handlers after it.
     *
     * @param size the fewest bytes the caller needs
     * @return the loop's outbound scratch buffer
     */
    public ByteBuffer outboundScratch(int size) {
        ByteBuffer buffer = outboundScratch;
        if (buffer == null || buffer.capacity() < size) {
            outboundScratch = buffer = ByteBuffer.allocate(size);
        }
        return buffer.clear();
    }

    /**
     * The loop's one object of {@code type}, for a stage that keeps scratch state per loop rather than per connection
     * (WebSocket keeps the arrays it unmasks and frames into here), so that an idle connection holds none of it.
     * Made by {@code make} when first asked for; kept for the loop's life.
     *
     * @param <T>  the kind of state
     * @param type the class of the state, its key
     * @param make makes the state the first time
     * @return the loop's object of that type
     */
    public <T> T local(Class<T> type, Supplier<? extends T> make) {
        if (locals == null) {
            locals = new HashMap<>(4);
        }
        Object value = locals.get(type);
        if (value == null) {
            value = make.get();
            locals.put(type, value);
        }
        return type.cast(value);
    }

    /** {@return the size of a pooled chunk, in bytes} */
    public int chunkSize() {
        return chunkSize;
    }

    /**
     * A cleared chunk of {@link #chunkSize()} bytes from the pool; when every pooled chunk is lent out, a heap
     * buffer of at least {@code needed} bytes (at most a chunk's size).
     *
     * @param needed the bytes the caller is about to put in it
     * @return the buffer, owned by the caller until it is {@linkplain #release released}
     */
    public ByteBuffer acquire(int needed) {
        ByteBuffer chunk = free.pollLast();
        if (chunk != null) {
            return chunk.clear();
        }
        if (directAllocated < maxDirect) {
            directAllocated++;
            return direct ? ByteBuffer.allocateDirect(chunkSize) : ByteBuffer.allocate(chunkSize);
        }
        return ByteBuffer.allocate(Math.min(chunkSize, Math.max(MIN_HEAP_BUFFER, needed)));
    }

    /**
     * Gives a buffer back: a pooled chunk returns to the free list; any other buffer is dropped.
     *
     * @param buffer a buffer from {@link #acquire(int)} the caller no longer uses
     */
    public void release(ByteBuffer buffer) {
        if (isPooled(buffer) && free.size() < directAllocated) {
            free.addLast(buffer);
        }
    }

    /**
     * {@return true when {@code buffer} is one of the pool's chunks (as opposed to a heap overflow buffer)}
     *
     * @param buffer a buffer from {@link #acquire(int)}
     */
    public boolean isPooled(ByteBuffer buffer) {
        return buffer.capacity() == chunkSize && buffer.isDirect() == direct && (direct || maxDirect > 0);
    }

    /**
     * A scratch array for gathering writes; callers clear what they put in it.
     *
     * @return the loop's array of 64 slots
     */
    public ByteBuffer[] gatherArray() {
        return gather;
    }

    /**
     * Counts bytes that joined (positive) or left (negative) a connection's outbound queue on this loop: a plain
     * add, published with an opaque store, no atomic operation.
     *
     * @param delta the bytes queued, or minus the bytes written or dropped
     */
    public void queued(long delta) {
        QUEUED.setOpaque(this, (long) QUEUED.getOpaque(this) + delta);
    }

    /** {@return the bytes queued on the loop's connections and not yet written} Thread-safe. */
    public long queuedBytes() {
        return (long) QUEUED.getOpaque(this);
    }

    /** {@return the number of chunks waiting for reuse} */
    public int pooled() {
        return free.size();
    }

    /** {@return the number of pooled chunks allocated so far; never more than the pool's bound} */
    public int allocated() {
        return directAllocated;
    }

    /** A loop that lends its buffers to its connections. */
    public interface Owner {
        /** {@return the loop's buffers} Loop thread only. */
        BufferPool buffers();
    }
}
