package io.switchboard.udp;

import io.switchboard.loop.LoopGroup;
import io.switchboard.pipeline.ConnectionConfig;
import java.time.Duration;

/**
 * The limits and socket options of each datagram endpoint. Immutable.
 *
 * @param maxDatagramSize    the largest datagram taken, in bytes (default 65,527, the largest UDP payload outside
 *                           IPv6 jumbograms, so nothing an ordinary network delivers is dropped); a larger one is
 *                           dropped and counted ({@link DatagramStats#oversized()}); at most 65,535
 * @param receiveBatch       datagrams read per readiness event before the loop turns to its other work (default 64)
 * @param maxQueuedDatagrams datagrams waiting to leave when the socket's send buffer is full (default 1,024); past
 *                           it, or past {@code maxQueuedBytes}, a datagram written is dropped and counted
 *                           ({@link DatagramStats#dropped()})
 * @param maxQueuedBytes     bytes of those datagrams (default 1 MiB); also the most bytes (at least 64 KiB) that
 *                           writes from other threads may have waiting for the loop, each counted with 64 bytes for
 *                           its task, past which they are dropped and counted too
 * @param receiveBuffer      SO_RCVBUF in bytes, or 0 for the system default (Linux: {@code net.core.rmem_default},
 *                           capped by {@code net.core.rmem_max})
 * @param sendBuffer         SO_SNDBUF in bytes, or 0 for the system default
 * @param broadcast          SO_BROADCAST: may send to broadcast addresses (default false)
 */
public record DatagramConfig(int maxDatagramSize, int receiveBatch, int maxQueuedDatagrams, int maxQueuedBytes,
                             int receiveBuffer, int sendBuffer, boolean broadcast) {

    /** The largest datagram an endpoint can take: one byte less than the loop's read buffer. */
    public static final int MAX_DATAGRAM_SIZE = LoopGroup.READ_BUFFER_SIZE - 1;

    /** The defaults listed above. */
    public static final DatagramConfig DEFAULTS = new DatagramConfig(65_527, 64, 1024, 1024 * 1024, 0, 0, false);

    /**
     * Validates the values.
     *
     * @param maxDatagramSize    the largest datagram taken; 1 to {@link #MAX_DATAGRAM_SIZE}
     * @param receiveBatch       datagrams read per readiness event; positive
     * @param maxQueuedDatagrams datagrams waiting to leave; not negative
     * @param maxQueuedBytes     bytes waiting to leave; not negative
     * @param receiveBuffer      SO_RCVBUF, or 0
     * @param sendBuffer         SO_SNDBUF, or 0
     * @param broadcast          SO_BROADCAST
     * @throws IllegalArgumentException when a value is out of range
     */
    public DatagramConfig {
        if (maxDatagramSize < 1 || maxDatagramSize > MAX_DATAGRAM_SIZE) {
            throw new IllegalArgumentException("maxDatagramSize must be 1.." + MAX_DATAGRAM_SIZE + ", got " + maxDatagramSize);
        }
        if (receiveBatch < 1) {
            throw new IllegalArgumentException("receiveBatch must be positive, got " + receiveBatch);
        }
        if (maxQueuedDatagrams < 0 || maxQueuedBytes < 0) {
            throw new IllegalArgumentException("queue limits must not be negative");
        }
        if (receiveBuffer < 0 || sendBuffer < 0) {
            throw new IllegalArgumentException("buffer sizes must be 0 (system default) or positive");
        }
    }

    /**
     * A copy with another largest datagram.
     *
     * @param bytes the new {@code maxDatagramSize}
     * @return the copy
     */
    public DatagramConfig withMaxDatagramSize(int bytes) {
        return new DatagramConfig(bytes, receiveBatch, maxQueuedDatagrams, maxQueuedBytes, receiveBuffer, sendBuffer,
                broadcast);
    }

    /**
     * A copy with another batch size.
     *
     * @param datagrams the new {@code receiveBatch}
     * @return the copy
     */
    public DatagramConfig withReceiveBatch(int datagrams) {
        return new DatagramConfig(maxDatagramSize, datagrams, maxQueuedDatagrams, maxQueuedBytes, receiveBuffer,
                sendBuffer, broadcast);
    }

    /**
     * A copy with other bounds on the datagrams waiting to leave.
     *
     * @param datagrams the new {@code maxQueuedDatagrams}
     * @param bytes     the new {@code maxQueuedBytes}
     * @return the copy
     */
    public DatagramConfig withQueue(int datagrams, int bytes) {
        return new DatagramConfig(maxDatagramSize, receiveBatch, datagrams, bytes, receiveBuffer, sendBuffer, broadcast);
    }

    /**
     * A copy with other socket buffer sizes.
     *
     * @param receive the new SO_RCVBUF, or 0 for the system default
     * @param send    the new SO_SNDBUF, or 0 for the system default
     * @return the copy
     */
    public DatagramConfig withBuffers(int receive, int send) {
        return new DatagramConfig(maxDatagramSize, receiveBatch, maxQueuedDatagrams, maxQueuedBytes, receive, send,
                broadcast);
    }

    /**
     * A copy with SO_BROADCAST on or off.
     *
     * @param on whether the endpoint may send to broadcast addresses
     * @return the copy
     */
    public DatagramConfig withBroadcast(boolean on) {
        return new DatagramConfig(maxDatagramSize, receiveBatch, maxQueuedDatagrams, maxQueuedBytes, receiveBuffer,
                sendBuffer, on);
    }

    /**
     * The limits of the connection an endpoint runs as: writes from other threads may have at most
     * {@code maxQueuedBytes}, and at least 64 KiB, waiting for the loop.
     */
    ConnectionConfig connection() {
        int bytes = Math.max(maxQueuedBytes, 64 * 1024);
        return new ConnectionConfig(bytes, bytes / 2, bytes, Duration.ZERO);
    }
}
