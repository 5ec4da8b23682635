package io.switchboard.http2;

/**
 * Counts the frames of each flood kind in fixed windows of the loop's clock (see {@link Http2Limits}). Loop
 * thread only; one per connection.
 */
final class FloodBudget {
    /** What is counted. */
    enum Kind { RESET, PING, SETTINGS, EMPTY_FRAME, USELESS_WINDOW_UPDATE }

    private final long windowNanos;
    private final int[] limits;
    private final int[] counts = new int[Kind.values().length];
    private long windowStart;
    private boolean started;

    FloodBudget(Http2Limits limits) {
        this.windowNanos = limits.budgetWindow().toNanos();
        this.limits = new int[] {limits.maxResets(), limits.maxPings(), limits.maxSettings(), limits.maxEmptyFrames(),
                limits.maxUselessWindowUpdates()};
    }

    /**
     * Counts one frame of {@code kind} at {@code now}. {@return false when that takes the kind past its budget}
     */
    boolean spend(Kind kind, long now) {
        if (!started || now - windowStart >= windowNanos) {
            started = true;
            windowStart = now;
            java.util.Arrays.fill(counts, 0);
        }
        return ++counts[kind.ordinal()] <= limits[kind.ordinal()];
    }

    /** {@return the budget of {@code kind} per window} */
    int limit(Kind kind) {
        return limits[kind.ordinal()];
    }
}
