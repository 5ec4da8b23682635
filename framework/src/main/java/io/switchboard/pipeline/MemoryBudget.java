package io.switchboard.pipeline;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The bytes a process holds for its peers, added up across connections and loops: output queued for peers
 * that read slowly (or not at all), writes from other threads on their way to a loop, and input decoded but
 * not yet answered (HTTP request bodies). One budget serves a whole server (or several, if shared).
 *
 * <p>Per-connection limits ({@link ConnectionConfig}) stop one peer; the budget stops many. Holders reserve
 * bytes as they take them and release them as they let go. What happens at the budget is decided by the
 * holder and documented there: a connection that writes past its high watermark while the budget is spent is
 * reset (the largest holders are the ones writing past their watermark); an HTTP request whose body would
 * take the budget past its limit is refused with 503. Small holders are not counted at all: a connection's
 * first {@link #UNCOUNTED} queued bytes are free, so the budget costs the common small reply nothing.
 *
 * <p>Thread-safe.
 */
public final class MemoryBudget {
    /** Bytes a connection may queue before they count against the budget (one outbound chunk). */
    public static final int UNCOUNTED = 16 * 1024;
    /** The default budget's share of the maximum heap. */
    public static final double DEFAULT_HEAP_FRACTION = 0.25;
    private static final long WARNING_INTERVAL_NANOS = TimeUnit.MINUTES.toNanos(1);

    private final long limit;
    private final AtomicLong used = new AtomicLong();
    private final AtomicLong shed = new AtomicLong();
    private final AtomicLong lastWarning = new AtomicLong(System.nanoTime() - WARNING_INTERVAL_NANOS);

    /**
     * A budget of {@code limit} bytes.
     *
     * @param limit the most bytes held at once; positive
     */
    public MemoryBudget(long limit) {
        if (limit <= 0) {
            throw new IllegalArgumentException("a memory budget must be positive, got " + limit);
        }
        this.limit = limit;
    }

    /**
     * {@return a budget of {@code fraction} of the maximum heap ({@link Runtime#maxMemory()})}
     *
     * @param fraction a share of the heap, above 0 and at most 1
     */
    public static MemoryBudget ofHeap(double fraction) {
        if (!(fraction > 0 && fraction <= 1)) {
            throw new IllegalArgumentException("fraction must be in (0, 1], got " + fraction);
        }
        return new MemoryBudget(Math.max(1, (long) (Runtime.getRuntime().maxMemory() * fraction)));
    }

    /** {@return a new budget of {@link #DEFAULT_HEAP_FRACTION} of the maximum heap} */
    public static MemoryBudget defaults() {
        return ofHeap(DEFAULT_HEAP_FRACTION);
    }

    /** {@return the most bytes held at once} */
    public long limit() {
        return limit;
    }

    /** {@return the bytes held now} */
    public long used() {
        return used.get();
    }

    /** {@return the number of holders refused or reset at the budget so far} */
    public long shedCount() {
        return shed.get();
    }

    /**
     * Takes {@code bytes} if they fit within the limit.
     *
     * @param bytes the bytes to take; not negative
     * @return true when they were taken; false (and nothing taken) when they would exceed the limit
     */
    public boolean tryReserve(long bytes) {
        long now;
        do {
            now = used.get();
            if (now + bytes > limit) {
                return false;
            }
        } while (!used.compareAndSet(now, now + bytes));
        return true;
    }

    /**
     * Takes {@code bytes} whether or not they fit (the bytes exist already; the caller decides what to do).
     *
     * @param bytes the bytes to take; not negative
     * @return true when the total is still within the limit
     */
    public boolean reserve(long bytes) {
        return used.addAndGet(bytes) <= limit;
    }

    /**
     * Gives back {@code bytes} taken earlier.
     *
     * @param bytes the bytes to give back
     */
    public void release(long bytes) {
        used.addAndGet(-bytes);
    }

    /**
     * Counts a holder refused or reset at the budget.
     *
     * @return true when the caller should log it at warn: at most once a minute for the whole budget
     */
    public boolean countShed() {
        shed.incrementAndGet();
        long now = System.nanoTime();
        long last = lastWarning.get();
        return now - last >= WARNING_INTERVAL_NANOS && lastWarning.compareAndSet(last, now);
    }

    @Override
    public String toString() {
        return "MemoryBudget[" + used.get() + " of " + limit + " bytes]";
    }
}
