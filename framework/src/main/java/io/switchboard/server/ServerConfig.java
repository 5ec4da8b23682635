package io.switchboard.server;

import io.switchboard.pipeline.ConnectionConfig;

/**
 * Everything a {@link Server} is started with, apart from its pipeline. Immutable; build one with
 * {@link Server#builder()}.
 *
 * @param host         address to bind; {@code 0.0.0.0} for all IPv4 interfaces (default 127.0.0.1)
 * @param port         port to bind; 0 picks a free one (default 0)
 * @param backlog      accept queue length asked of the kernel (default 1024; capped by somaxconn)
 * @param workers      worker loops (default: available processors)
 * @param maxConnections connections open at once (default 100,000); past it a new connection is accepted
 *                     and closed at once, counted in {@link Server#rejectedConnections()}, and logged at
 *                     warn at most once a minute
 * @param reuseAddress SO_REUSEADDR on the listening socket (default true)
 * @param reusePort    SO_REUSEPORT on the listening socket, so several processes can listen on one port and
 *                     the kernel spreads connections over them (default false; Linux and BSDs)
 * @param socket       options of each accepted socket
 * @param connection   limits of each connection's outbound queue
 */
public record ServerConfig(String host, int port, int backlog, int workers, int maxConnections, boolean reuseAddress, boolean reusePort,
                           SocketOptions socket, ConnectionConfig connection) {

    /**
     * Validates the values.
     *
     * @param host           address to bind; not empty
     * @param port           port to bind, 0 to 65535
     * @param backlog        accept queue length; positive
     * @param workers        worker loops; positive
     * @param maxConnections connections open at once; positive
     * @param reuseAddress   SO_REUSEADDR on the listening socket
     * @param reusePort      SO_REUSEPORT on the listening socket
     * @param socket         options of each accepted socket; required
     * @param connection     limits of each connection's outbound queue; required
     * @throws IllegalArgumentException when a value is out of range
     * @throws NullPointerException     when {@code socket} or {@code connection} is null
     */
    public ServerConfig {
        if (host == null || host.isEmpty()) {
            throw new IllegalArgumentException("host must not be empty");
        }
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port must be 0..65535, got " + port);
        }
        if (backlog < 1) {
            throw new IllegalArgumentException("backlog must be positive, got " + backlog);
        }
        if (maxConnections < 1) {
            throw new IllegalArgumentException("maxConnections must be positive, got " + maxConnections);
        }
        if (workers < 1) {
            throw new IllegalArgumentException("workers must be positive, got " + workers);
        }
        if (socket == null || connection == null) {
            throw new NullPointerException("socket and connection options are required");
        }
    }

    /** {@return the defaults listed above} */
    public static ServerConfig defaults() {
        return new ServerConfig("127.0.0.1", 0, 1024, Runtime.getRuntime().availableProcessors(), 100_000, true, false,
                SocketOptions.DEFAULTS, ConnectionConfig.DEFAULTS);
    }
}
