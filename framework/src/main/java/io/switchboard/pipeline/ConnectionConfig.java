package io.switchboard.pipeline;

import java.time.Duration;

/**
 * Per-connection limits on the outbound queue. Immutable.
 *
 * @param highWatermark queued bytes above which the connection becomes unwritable and stops reading
 *                      from its peer (default 64 KiB)
 * @param lowWatermark  queued bytes below which it becomes writable and reads again (default 32 KiB)
 * @param maxQueued     queued bytes past which the connection is aborted, because the peer is not
 *                      reading and a handler kept writing regardless (default 64 MiB)
 * @param closeTimeout  how long {@link Connection#close()} waits for queued bytes to drain before it
 *                      resets the connection (default 5 s)
 */
public record ConnectionConfig(int highWatermark, int lowWatermark, long maxQueued, Duration closeTimeout) {

    /** The defaults listed above. */
    public static final ConnectionConfig DEFAULTS =
            new ConnectionConfig(64 * 1024, 32 * 1024, 64L * 1024 * 1024, Duration.ofSeconds(5));

    /** Validates the limits. */
    public ConnectionConfig {
        if (lowWatermark < 0 || highWatermark < lowWatermark) {
            throw new IllegalArgumentException("need 0 <= lowWatermark <= highWatermark, got "
                    + lowWatermark + " and " + highWatermark);
        }
        if (maxQueued < highWatermark) {
            throw new IllegalArgumentException("maxQueued " + maxQueued + " is below highWatermark " + highWatermark);
        }
        if (closeTimeout == null || closeTimeout.isNegative()) {
            throw new IllegalArgumentException("closeTimeout must be zero or positive");
        }
    }

    /** A copy with other watermarks. */
    public ConnectionConfig withWatermarks(int low, int high) {
        return new ConnectionConfig(high, low, Math.max(maxQueued, high), closeTimeout);
    }

    /** A copy with another hard limit on queued bytes. */
    public ConnectionConfig withMaxQueued(long bytes) {
        return new ConnectionConfig(highWatermark, lowWatermark, bytes, closeTimeout);
    }

    /** A copy with another close timeout. */
    public ConnectionConfig withCloseTimeout(Duration timeout) {
        return new ConnectionConfig(highWatermark, lowWatermark, maxQueued, timeout);
    }
}
