package io.switchboard.lifecycle;

import java.time.Duration;
import java.util.random.RandomGenerator;

/**
 * Exponential backoff with jitter, bounded: attempt {@code n} waits {@code initial * multiplier^n}, capped
 * at {@code max}, then spread by up to {@code ±jitter} of itself so that many clients cut off at once do not
 * all come back at once. Immutable.
 *
 * @param initial    the first delay (default 100 ms)
 * @param max        the largest delay (default 30 s)
 * @param multiplier growth per attempt, at least 1 (default 2)
 * @param jitter     fraction of the delay added or removed at random, 0 to 1 (default 0.2)
 */
public record Backoff(Duration initial, Duration max, double multiplier, double jitter) {

    /** 100 ms, doubling, up to 30 s, ±20 %. */
    public static final Backoff DEFAULTS = new Backoff(Duration.ofMillis(100), Duration.ofSeconds(30), 2.0, 0.2);

    /**
     * Validates the values.
     *
     * @param initial    the first delay; positive
     * @param max        the largest delay; at least {@code initial}
     * @param multiplier growth per attempt; at least 1
     * @param jitter     fraction of the delay added or removed at random; 0 to 1
     * @throws IllegalArgumentException when a value is out of range
     */
    public Backoff {
        if (initial.isNegative() || initial.isZero() || max.compareTo(initial) < 0) {
            throw new IllegalArgumentException("need 0 < initial <= max");
        }
        if (multiplier < 1 || jitter < 0 || jitter > 1) {
            throw new IllegalArgumentException("need multiplier >= 1 and 0 <= jitter <= 1");
        }
    }

    /**
     * The delay before attempt {@code attempt}.
     *
     * @param attempt the number of failed attempts so far: 0 for the first retry
     * @param random  the source of the jitter
     * @return the delay, between zero and {@code max}
     */
    public Duration delay(int attempt, RandomGenerator random) {
        double base = initial.toNanos() * Math.pow(multiplier, Math.min(attempt, 64));
        double capped = Math.min(base, max.toNanos());
        double spread = capped * jitter * (2 * random.nextDouble() - 1);
        long nanos = (long) Math.max(0, Math.min(max.toNanos(), capped + spread));
        return Duration.ofNanos(nanos);
    }
}
