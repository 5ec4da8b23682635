package io.switchboard.lifecycle;

import io.switchboard.loop.LoopGroup;
import io.switchboard.pipeline.Connection;
import io.switchboard.server.Client;
import java.net.InetSocketAddress;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.random.RandomGenerator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps one connection to a server open: connects, and whenever the connection fails or closes, connects
 * again after a {@link Backoff} delay that grows with each failed attempt and starts over once a
 * connection succeeds. Waiting uses the client's loop timers, not a thread. Thread-safe.
 *
 * <p>An attempt is a TCP connect with the client's pipeline ({@link #Reconnector(Client, InetSocketAddress,
 * Backoff, Consumer)}), or whatever a protocol counts as connected ({@link #Reconnector(Client, Supplier, Backoff,
 * Consumer)}): a WebSocket client's attempt succeeds only once the server accepted its opening handshake
 * ({@link io.switchboard.websocket.WebSocketClient#reconnect}), so a server that refuses the handshake is retried
 * with growing delays too, not at once.
 */
public final class Reconnector implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Reconnector.class);

    private final LoopGroup loops;
    private final Object target;
    private final Supplier<? extends CompletableFuture<Connection>> attempt;
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
        this(client.loops(), address, () -> client.connect(address), backoff, onConnected, RandomGenerator.getDefault());
    }

    /**
     * Starts making connections with {@code attempt}, keeping one open; {@code onConnected} runs on the
     * connection's loop each time an attempt succeeds.
     *
     * @param client      whose loops time the delays between attempts
     * @param attempt     starts one attempt: its future completes with a connection ready for use (its handshake
     *                    done, if the protocol has one), or fails; it runs on a loop thread after the first, so it
     *                    must not block (resolve host names before)
     * @param backoff     the delays between attempts
     * @param onConnected runs on the connection's loop with each new connection
     */
    public Reconnector(Client client, Supplier<? extends CompletableFuture<Connection>> attempt, Backoff backoff,
                       Consumer<Connection> onConnected) {
        this(client.loops(), attempt, attempt, backoff, onConnected, RandomGenerator.getDefault());
    }

    Reconnector(Client client, InetSocketAddress address, Backoff backoff, Consumer<Connection> onConnected,
                RandomGenerator random) {
        this(client.loops(), address, () -> client.connect(address), backoff, onConnected, random);
    }

    private Reconnector(LoopGroup loops, Object target, Supplier<? extends CompletableFuture<Connection>> attempt,
                        Backoff backoff, Consumer<Connection> onConnected, RandomGenerator random) {
        this.loops = loops;
        this.target = target;
        this.attempt = attempt;
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
        CompletableFuture<Connection> next;
        try {
            next = attempt.get();
        } catch (RuntimeException e) {
            retry(e.toString());
            return;
        }
        next.whenComplete((connection, error) -> {
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
        log.debug("reconnecting to {} in {} ms: {}", target, TimeUnit.NANOSECONDS.toMillis(delay), why);
        loops.next().schedule(this::connect, delay, TimeUnit.NANOSECONDS);
    }
}
