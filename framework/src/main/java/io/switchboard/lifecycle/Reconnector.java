package io.switchboard.lifecycle;

import io.switchboard.pipeline.Connection;
import io.switchboard.server.Client;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.random.RandomGenerator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps one connection to a server open: connects, and whenever the connection fails or closes, connects
 * again after a {@link Backoff} delay that grows with each failed attempt and starts over once a
 * connection succeeds. Waiting uses the client's loop timers, not a thread. Thread-safe.
 */
public final class Reconnector implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Reconnector.class);

    private final Client client;
    private final InetSocketAddress address;
    private final Backoff backoff;
    private final Consumer<Connection> onConnected;
    private final RandomGenerator random;
    private final AtomicReference<Connection> current = new AtomicReference<>();
    private volatile boolean stopped;
    private int failures;

    /**
     * Starts connecting to {@code address} with {@code client}; {@code onConnected} runs on the connection's
     * loop each time a connection opens.
     *
     * @param client      makes the connections
     * @param address     the server's address
     * @param backoff     the delays between attempts
     * @param onConnected runs on the connection's loop with each new connection
     */
    public Reconnector(Client client, InetSocketAddress address, Backoff backoff, Consumer<Connection> onConnected) {
        this(client, address, backoff, onConnected, RandomGenerator.getDefault());
    }

    Reconnector(Client client, InetSocketAddress address, Backoff backoff, Consumer<Connection> onConnected,
                RandomGenerator random) {
        this.client = client;
        this.address = address;
        this.backoff = backoff;
        this.onConnected = onConnected;
        this.random = random;
        connect();
    }

    /** {@return the open connection, or null while reconnecting} */
    public Connection connection() {
        Connection c = current.get();
        return c != null && c.isOpen() ? c : null;
    }

    /** Stops reconnecting and closes the current connection. */
    @Override
    public void close() {
        stopped = true;
        Connection c = current.getAndSet(null);
        if (c != null) {
            c.close();
        }
    }

    private void connect() {
        if (stopped) {
            return;
        }
        client.connect(address).whenComplete((connection, error) -> {
            if (error != null) {
                retry(error.getMessage());
                return;
            }
            synchronized (this) {
                failures = 0;
            }
            current.set(connection);
            if (stopped) {
                connection.close();
                return;
            }
            connection.loop().execute(() -> onConnected.accept(connection));
            connection.closeFuture().thenRun(() -> {
                current.compareAndSet(connection, null);
                retry("connection closed");
            });
        });
    }

    private void retry(String why) {
        if (stopped) {
            return;
        }
        long delay;
        synchronized (this) {
            delay = backoff.delay(failures++, random).toNanos();
        }
        log.debug("reconnecting to {} in {} ms: {}", address, TimeUnit.NANOSECONDS.toMillis(delay), why);
        client.loops().next().schedule(this::connect, delay, TimeUnit.NANOSECONDS);
    }
}
