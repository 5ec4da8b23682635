package io.switchboard.pipeline;

import java.time.Duration;

/**
 * Per-connection limits on the outbound queue. Immutable.
 *
 * @param highWatermark queued bytes above which the connection becomes unwritable and stops reading
 *                      from its peer (default 64 KiB); the bytes of queued {@link FileRegion}s count
 * @param lowWatermark  queued bytes below which it becomes writable and reads again (default 32 KiB)
 * @param maxQueued     queued bytes in memory past which the connection is aborted, because the peer is not
 *                      reading and a handler kept writing regardless (default 64 MiB); file regions hold no
 *                      memory and do not count
 * @param closeTimeout  how long {@link Connection#close()} waits for queued bytes to drain before it
 *                      resets the connection (default 5 s)
 */
public record ConnectionConfig(int highWatermark, int lowWatermark, long maxQueued, Duration closeTimeout) {

    /** The defaults listed above. */
    public static final ConnectionConfig DEFAULTS =
            new ConnectionConfig(64 * 1024, 32 * 1024, 64L * 1024 * 1024, Duration.ofSeconds(5));

    /**
     * Validates the limits.
     *
     * @param highWatermark queued bytes above which the connection becomes unwritable
     * @param lowWatermark  queued bytes below which it becomes writable again; at most {@code highWatermark}
     * @param maxQueued     queued bytes past which the connection is aborted; at least {@code highWatermark}
     * @param closeTimeout  how long a close waits for queued bytes to drain; not negative
     * @throws IllegalArgumentException when a limit is out of range
     */
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

    /**
     * A copy with other watermarks; {@code maxQueued} is raised to {@code high} if it is below it.
     *
     * @param low  the new low watermark
     * @param high the new high watermark
     * @return the copy
     */
    public ConnectionConfig withWatermarks(int low, int high) {
        return new ConnectionConfig(high, low, Math.max(maxQueued, high), closeTimeout);
    }

    /**
     * A copy with another hard limit on queued bytes.
     *
     * @param bytes the new {@code maxQueued}
     * @return the copy
     */
    public ConnectionConfig withMaxQueued(long bytes) {
        return new ConnectionConfig(highWatermark, lowWatermark, bytes, closeTimeout);
    }

    /**
     * A copy with another close timeout.
     *
     * @param timeout the new {@code closeTimeout}
     * @return the copy
     */
    public ConnectionConfig withCloseTimeout(Duration timeout) {
        return new ConnectionConfig(highWatermark, lowWatermark, maxQueued, timeout);
    }
}
