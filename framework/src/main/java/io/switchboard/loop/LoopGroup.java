package io.switchboard.loop;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A fixed set of {@link SelectorLoop}s; connections are spread over them round-robin and stay on the
 * loop they were given for their whole life. A server and its clients may share one group. Thread-safe.
 */
public final class LoopGroup implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(LoopGroup.class);
    /** Bytes read from a socket at once by each loop. */
    public static final int READ_BUFFER_SIZE = 64 * 1024;
    /** Size of one outbound chunk. */
    public static final int CHUNK_SIZE = 16 * 1024;
    /**
     * Direct chunks a loop allocates at most (4 MiB): with its read buffer, the bound on the direct memory a
     * loop holds. Outbound bytes beyond them wait in heap buffers.
     */
    public static final int MAX_POOLED_CHUNKS = 256;
    /**
     * How long one turn of a loop's work (a read, a timer, a task) may hold it before it is logged with the loop
     * thread's stack and counted as a stall: 2 s, as Vert.x's blocked-thread checker.
     */
    public static final Duration DEFAULT_STALL_LIMIT = Duration.ofSeconds(2);

    private final List<SelectorLoop> loops;
    private final AtomicInteger next = new AtomicInteger();

    /**
     * Starts {@code count} loops named {@code namePrefix-1 .. namePrefix-count}.
     *
     * @param namePrefix the start of each loop thread's name
     * @param count      the number of loops; at least 1
     */
    public LoopGroup(String namePrefix, int count) {
        this(namePrefix, count, DEFAULT_STALL_LIMIT);
    }

    /**
     * Starts {@code count} loops named {@code namePrefix-1 .. namePrefix-count}, with another stall limit (see
     * {@link SelectorLoop#stalls()}).
     *
     * @param namePrefix the start of each loop thread's name
     * @param count      the number of loops; at least 1
     * @param stallLimit how long one turn of work may hold a loop before it counts as a stall; {@link Duration#ZERO}
     *                   turns the detection off
     */
    public LoopGroup(String namePrefix, int count, Duration stallLimit) {
        if (count < 1) {
            throw new IllegalArgumentException("a loop group needs at least one loop, got " + count);
        }
        SelectorLoop[] started = new SelectorLoop[count];
        for (int i = 0; i < count; i++) {
            started[i] = new SelectorLoop(namePrefix + "-" + (i + 1), stallLimit);
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
     * Stops every loop and waits up to {@code timeout}, in all, for their threads to finish. A loop whose thread
     * is still running then (a handler that blocks it or never returns) is named in a warning; it stops once
     * the handler returns.
     *
     * @param timeout how long to wait, in all
     * @return true when every loop finished in time
     * @throws InterruptedException  when the calling thread is interrupted while it waits
     * @throws IllegalStateException on a loop thread, where the wait could never end
     *                               (see {@link SelectorLoop#refuseBlockingCall})
     */
    public boolean shutdown(Duration timeout) throws InterruptedException {
        SelectorLoop.refuseBlockingCall("LoopGroup.shutdown(Duration)");
        long until = System.nanoTime() + timeout.toNanos();
        shutdown();
        boolean all = true;
        for (SelectorLoop loop : loops) {
            if (!loop.awaitTermination(until - System.nanoTime(), TimeUnit.NANOSECONDS)) {
                all = false;
                log.warn("event loop {} did not stop within {}: a task or handler on it is blocked or never"
                        + " returns", loop, timeout);
            }
        }
        return all;
    }

    /**
     * Same as {@code shutdown(Duration.ofSeconds(5))}, without a checked exception, so that it fits a shutdown hook
     * or a try-with-resources block as it is: a caller interrupted while it waits stops waiting (the loops stop
     * all the same) and keeps its interrupt status. (Before, this declared {@link InterruptedException}; code that
     * catches it around {@code close()} alone no longer needs to.)
     *
     * @throws IllegalStateException on a loop thread
     */
    @Override
    public void close() {
        try {
            shutdown(Duration.ofSeconds(5));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
