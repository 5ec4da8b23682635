package io.switchboard.http;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * The HTTP counts of one service on one loop: for each status class, a {@link DurationHistogram}'s buckets and sum;
 * requests started and requests that left without an answer. The loop writes them with plain (opaque) stores, no
 * atomic operation per request; {@link HttpMetrics} adds the loops up. Loop thread only, except the reads.
 */
final class RequestCounters {
    /** Status classes 1xx to 5xx. */
    static final int CLASSES = 5;
    private static final int SUMS = CLASSES * DurationHistogram.BUCKETS;
    private static final int STARTED = SUMS + CLASSES;
    private static final int DROPPED = STARTED + 1;
    private static final VarHandle SLOT = MethodHandles.arrayElementVarHandle(long[].class);

    private final long[] slots = new long[DROPPED + 1];

    private void add(int slot, long n) {
        SLOT.setOpaque(slots, slot, (long) SLOT.getOpaque(slots, slot) + n);
    }

    private long get(int slot) {
        return (long) SLOT.getOpaque(slots, slot);
    }

    /** A request's head was read (or refused input became an exchange). Loop thread only. */
    void started() {
        add(STARTED, 1);
    }

    /** {@code n} requests left without an answer: their connection closed first. Loop thread only. */
    void dropped(int n) {
        add(DROPPED, n);
    }

    /** A request was answered with {@code status} after {@code nanos}. Loop thread only. */
    void answered(int status, long nanos) {
        int c = statusClass(status) - 1;
        add(c * DurationHistogram.BUCKETS + DurationHistogram.bucket(nanos), 1);
        add(SUMS + c, nanos);
    }

    /** {@return 1 to 5: the status's class, with anything outside 100 to 599 counted as 5xx} */
    static int statusClass(int status) {
        int c = status / 100;
        return c >= 1 && c <= CLASSES ? c : CLASSES;
    }

    /** {@return the histogram of class {@code c} (1 to 5), as last published} Thread-safe. */
    DurationHistogram histogram(int c) {
        long[] counts = new long[DurationHistogram.BUCKETS];
        int base = (c - 1) * DurationHistogram.BUCKETS;
        for (int i = 0; i < counts.length; i++) {
            counts[i] = get(base + i);
        }
        return new DurationHistogram(counts, get(SUMS + c - 1));
    }

    /** {@return requests started} Thread-safe. */
    long startedCount() {
        return get(STARTED);
    }

    /** {@return requests dropped unanswered} Thread-safe. */
    long droppedCount() {
        return get(DROPPED);
    }
}
