package io.switchboard.http;

import java.util.Arrays;
import java.util.concurrent.TimeUnit;

/**
 * A snapshot of request durations in the fixed buckets of the OpenTelemetry HTTP server conventions
 * ({@code http.server.request.duration}): upper bounds 0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5,
 * 5, 7.5 and 10 seconds, and a last bucket for longer ones. Immutable.
 */
public final class DurationHistogram {
    /** The buckets' upper bounds in seconds, inclusive; a last bucket holds what is longer than the last bound. */
    private static final double[] BOUNDS_SECONDS = {0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10};
    /** The same bounds in nanoseconds. */
    static final long[] BOUNDS_NANOS = Arrays.stream(BOUNDS_SECONDS).mapToLong(s -> Math.round(s * 1e9)).toArray();
    /** The number of buckets: one per bound and the last, unbounded one. */
    public static final int BUCKETS = BOUNDS_SECONDS.length + 1;

    private final long[] counts;
    private final long sumNanos;

    DurationHistogram(long[] counts, long sumNanos) {
        if (counts.length != BUCKETS) {
            throw new IllegalArgumentException("a duration histogram has " + BUCKETS + " buckets, got " + counts.length);
        }
        this.counts = counts.clone();
        this.sumNanos = sumNanos;
    }

    /** {@return the buckets' upper bounds in seconds (a copy), without the last, unbounded bucket's} */
    public static double[] boundsSeconds() {
        return BOUNDS_SECONDS.clone();
    }

    /** {@return the index of the bucket a duration of {@code nanos} falls in} */
    static int bucket(long nanos) {
        for (int i = 0; i < BOUNDS_NANOS.length; i++) {
            if (nanos <= BOUNDS_NANOS[i]) {
                return i;
            }
        }
        return BOUNDS_NANOS.length;
    }

    /**
     * {@return the requests that fell in bucket {@code i} alone (not cumulative)}
     *
     * @param i 0 to {@link #BUCKETS} - 1; the last is everything longer than 10 s
     */
    public long count(int i) {
        return counts[i];
    }

    /**
     * {@return the requests that took at most bound {@code i}, as a Prometheus {@code le} bucket counts them}
     *
     * @param i 0 to {@link #BUCKETS} - 1; the last is every request ({@code +Inf})
     */
    public long cumulativeCount(int i) {
        long total = 0;
        for (int k = 0; k <= i; k++) {
            total += counts[k];
        }
        return total;
    }

    /** {@return the requests counted} */
    public long count() {
        return cumulativeCount(BUCKETS - 1);
    }

    /** {@return the durations added up, in nanoseconds} */
    public long sumNanos() {
        return sumNanos;
    }

    /** {@return the durations added up, in seconds} */
    public double sumSeconds() {
        return sumNanos / (double) TimeUnit.SECONDS.toNanos(1);
    }

    /** {@return the field-by-field sum of this and {@code other}} */
    DurationHistogram plus(DurationHistogram other) {
        long[] sum = counts.clone();
        for (int i = 0; i < BUCKETS; i++) {
            sum[i] += other.counts[i];
        }
        return new DurationHistogram(sum, sumNanos + other.sumNanos);
    }

    @Override
    public String toString() {
        return "count=" + count() + ", sum=" + sumSeconds() + " s, buckets=" + Arrays.toString(counts);
    }
}
