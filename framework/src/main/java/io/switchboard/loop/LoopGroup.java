package io.switchboard.loop;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A fixed set of {@link SelectorLoop}s; connections are spread over them round-robin and stay on the
 * loop they were given for their whole life. A server and its clients may share one group. Thread-safe.
 */
public final class LoopGroup implements AutoCloseable {
    /** Bytes read from a socket at once by each loop. */
    public static final int READ_BUFFER_SIZE = 64 * 1024;
    /** Size of one outbound chunk. */
    public static final int CHUNK_SIZE = 16 * 1024;
    /**
     * Direct chunks a loop allocates at most (4 MiB): with its read buffer, the bound on the direct memory a
     * loop holds. Outbound bytes beyond them wait in heap buffers.
     */
    public static final int MAX_POOLED_CHUNKS = 256;

    private final List<SelectorLoop> loops;
    private final AtomicInteger next = new AtomicInteger();

    /**
     * Starts {@code count} loops named {@code namePrefix-1 .. namePrefix-count}.
     *
     * @param namePrefix the start of each loop thread's name
     * @param count      the number of loops; at least 1
     */
    public LoopGroup(String namePrefix, int count) {
        if (count < 1) {
            throw new IllegalArgumentException("a loop group needs at least one loop, got " + count);
        }
        SelectorLoop[] started = new SelectorLoop[count];
        for (int i = 0; i < count; i++) {
            started[i] = new SelectorLoop(namePrefix + "-" + (i + 1));
        }
        this.loops = List.of(started);
    }

    /** {@return the next loop in round-robin order} */
    public SelectorLoop next() {
        return loops.get(Math.floorMod(next.getAndIncrement(), loops.size()));
    }

    /** {@return the loops of this group, as an unmodifiable list} */
    public List<SelectorLoop> loops() {
        return loops;
    }

    /**
     * Stops every loop.
     *
     * @return a future that completes when all loop threads have finished
     */
    public CompletableFuture<Void> shutdown() {
        CompletableFuture<?>[] all = new CompletableFuture<?>[loops.size()];
        for (int i = 0; i < all.length; i++) {
            loops.get(i).shutdown();
            all[i] = loops.get(i).terminated();
        }
        return CompletableFuture.allOf(all);
    }

    /**
     * Stops every loop and waits up to {@code timeout} for their threads to finish.
     *
     * @param timeout how long to wait
     * @return true when every loop finished in time
     * @throws InterruptedException when the calling thread is interrupted while it waits
     */
    public boolean shutdown(Duration timeout) throws InterruptedException {
        try {
            shutdown().get(timeout.toNanos(), TimeUnit.NANOSECONDS);
            for (SelectorLoop loop : loops) {
                loop.thread().join();
            }
            return true;
        } catch (java.util.concurrent.TimeoutException e) {
            return false;
        } catch (java.util.concurrent.ExecutionException e) {
            throw new IllegalStateException(e.getCause());
        }
    }

    /** Same as {@code shutdown(Duration.ofSeconds(5))}. */
    @Override
    public void close() throws InterruptedException {
        shutdown(Duration.ofSeconds(5));
    }
}
