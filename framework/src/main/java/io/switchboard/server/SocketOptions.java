package io.switchboard.server;

import java.io.IOException;
import java.net.StandardSocketOptions;
import java.nio.channels.SocketChannel;

/**
 * Options applied to each connected socket. Immutable.
 *
 * @param tcpNoDelay      disable Nagle's algorithm (default true: replies leave at once)
 * @param keepAlive       TCP keep-alive probes on silent connections (default false)
 * @param receiveBuffer   SO_RCVBUF in bytes, or 0 for the system default
 * @param sendBuffer      SO_SNDBUF in bytes, or 0 for the system default
 */
public record SocketOptions(boolean tcpNoDelay, boolean keepAlive, int receiveBuffer, int sendBuffer) {

    /** TCP_NODELAY on, keep-alive off, system buffer sizes. */
    public static final SocketOptions DEFAULTS = new SocketOptions(true, false, 0, 0);

    /**
     * Validates the sizes.
     *
     * @param tcpNoDelay    disable Nagle's algorithm
     * @param keepAlive     TCP keep-alive probes on silent connections
     * @param receiveBuffer SO_RCVBUF in bytes, or 0 for the system default
     * @param sendBuffer    SO_SNDBUF in bytes, or 0 for the system default
     * @throws IllegalArgumentException when a buffer size is negative
     */
    public SocketOptions {
        if (receiveBuffer < 0 || sendBuffer < 0) {
            throw new IllegalArgumentException("buffer sizes must be 0 (system default) or positive");
        }
    }

    void applyTo(SocketChannel channel) throws IOException {
        channel.setOption(StandardSocketOptions.TCP_NODELAY, tcpNoDelay);
        channel.setOption(StandardSocketOptions.SO_KEEPALIVE, keepAlive);
        if (receiveBuffer > 0) {
            channel.setOption(StandardSocketOptions.SO_RCVBUF, receiveBuffer);
        }
        if (sendBuffer > 0) {
            channel.setOption(StandardSocketOptions.SO_SNDBUF, sendBuffer);
        }
    }
}
