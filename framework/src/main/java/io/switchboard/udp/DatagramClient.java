package io.switchboard.udp;

import io.switchboard.loop.LoopGroup;
import io.switchboard.loop.SelectorLoop;
import io.switchboard.pipeline.MemoryBudget;
import io.switchboard.pipeline.Pipeline;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.SocketOption;
import java.nio.channels.DatagramChannel;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Consumer;

/**
 * Opens datagram endpoints that talk to servers: connected to one peer (plain bytes written go to it, and only its
 * datagrams arrive), or bound and free to send anywhere with {@link Datagram#to}.
 *
 * <pre>{@code
 * try (DatagramClient client = DatagramClient.builder().pipeline(p -> p.add(handler)).build()) {
 *     DatagramEndpoint endpoint = client.connect(new InetSocketAddress("127.0.0.1", 7002)).join();
 *     endpoint.connection().writeAndFlush("ping".getBytes(StandardCharsets.US_ASCII));
 * }
 * }</pre>
 *
 * A connected endpoint also learns of ICMP "port unreachable" answers to what it sent: they count as
 * {@link DatagramStats#sendErrors()}. Thread-safe.
 */
public final class DatagramClient implements AutoCloseable {
    /** How long {@link #close()} waits for the loops it created to stop. */
    public static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(5);

    private final LoopGroup loops;
    private final boolean ownsLoops;
    private final DatagramConfig config;
    private final MemoryBudget budget;
    private final Map<SocketOption<?>, Object> options;
    private final Consumer<Pipeline> initializer;
    private volatile boolean closed;

    private DatagramClient(Builder b) {
        this.ownsLoops = b.loops == null;
        this.loops = ownsLoops ? new LoopGroup("switchboard-udp-client", 1) : b.loops;
        this.config = b.config;
        this.budget = b.budget != null ? b.budget : MemoryBudget.defaults();
        this.options = Map.copyOf(b.options);
        this.initializer = b.initializer;
    }

    /** {@return a builder: one loop of its own, default limits} */
    public static Builder builder() {
        return new Builder();
    }

    /** {@return the loops the client's endpoints run on} */
    public LoopGroup loops() {
        return loops;
    }

    /**
     * Opens an endpoint connected to {@code remote}, bound to any local port.
     *
     * @param remote the peer
     * @return a future of the open endpoint; it fails when the socket cannot be opened, or with a
     *         {@link RejectedExecutionException} once the client is closed
     */
    public CompletableFuture<DatagramEndpoint> connect(InetSocketAddress remote) {
        return open(Sockets.anyLocal(remote), Objects.requireNonNull(remote, "remote"));
    }

    /**
     * Opens an endpoint connected to {@code remote}, bound to {@code local}.
     *
     * @param remote the peer
     * @param local  the local address and port to bind
     * @return a future of the open endpoint, as for {@link #connect(InetSocketAddress)}
     */
    public CompletableFuture<DatagramEndpoint> connect(InetSocketAddress remote, InetSocketAddress local) {
        return open(Objects.requireNonNull(local, "local"), Objects.requireNonNull(remote, "remote"));
    }

    /**
     * Opens an endpoint bound to {@code local} and connected to no one: it sends with {@link Datagram#to} (or
     * answers the datagram being handled) and receives from anyone.
     *
     * @param local the local address and port to bind (port 0: any free one)
     * @return a future of the open endpoint, as for {@link #connect(InetSocketAddress)}
     */
    public CompletableFuture<DatagramEndpoint> bind(InetSocketAddress local) {
        return open(Objects.requireNonNull(local, "local"), null);
    }

    private CompletableFuture<DatagramEndpoint> open(InetSocketAddress local, InetSocketAddress remote) {
        if (closed) {
            return CompletableFuture.failedFuture(new RejectedExecutionException("datagram client closed"));
        }
        SelectorLoop loop = loops.next();
        try {
            return CompletableFuture.supplyAsync(() -> {
                try {
                    DatagramChannel channel = Sockets.open(local, remote, config, false, false, options);
                    return DatagramServer.openOn(loop, channel, config, budget, initializer);
                } catch (IOException e) {
                    throw new UncheckedIOException("cannot open a datagram endpoint on " + local
                            + (remote != null ? " to " + remote : "") + ": " + e.getMessage(), e);
                }
            }, loop::execute);
        } catch (RejectedExecutionException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    /**
     * Refuses new endpoints and, if the client created its loops, stops them (closing their endpoints) and waits
     * up to {@link #CLOSE_TIMEOUT}. Endpoints on loops given to the builder stay open. Blocking.
     *
     * @throws InterruptedException  when the calling thread is interrupted while it waits
     * @throws IllegalStateException on a loop thread, where it would wait for itself
     */
    @Override
    public void close() throws InterruptedException {
        SelectorLoop.refuseBlockingCall("DatagramClient.close");
        closed = true;
        if (ownsLoops) {
            loops.shutdown(CLOSE_TIMEOUT);
        }
    }

    /** Builds a {@link DatagramClient}. Not thread-safe. */
    public static final class Builder {
        private DatagramConfig config = DatagramConfig.DEFAULTS;
        private LoopGroup loops;
        private MemoryBudget budget;
        private final Map<SocketOption<?>, Object> options = new LinkedHashMap<>();
        private Consumer<Pipeline> initializer;

        private Builder() {
        }

        /**
         * Limits and socket buffer options of each endpoint (default {@link DatagramConfig#DEFAULTS}).
         *
         * @param config the configuration
         * @return this builder
         */
        public Builder config(DatagramConfig config) {
            this.config = Objects.requireNonNull(config, "config");
            return this;
        }

        /**
         * Any other socket option, set before binding.
         *
         * @param <T>    the option's type
         * @param option the option
         * @param value  its value
         * @return this builder
         */
        public <T> Builder option(SocketOption<T> option, T value) {
            options.put(option, value);
            return this;
        }

        /**
         * Runs endpoints on an existing group instead of a loop of the client's own; the client will not stop it.
         *
         * @param loops the group
         * @return this builder
         */
        public Builder loops(LoopGroup loops) {
            this.loops = loops;
            return this;
        }

        /**
         * The budget queued datagrams count against (default {@link MemoryBudget#defaults()}).
         *
         * @param budget the budget
         * @return this builder
         */
        public Builder memoryBudget(MemoryBudget budget) {
            this.budget = budget;
            return this;
        }

        /**
         * Builds each endpoint's pipeline, on its loop. Required.
         *
         * @param initializer adds the handlers to each endpoint's pipeline
         * @return this builder
         */
        public Builder pipeline(Consumer<Pipeline> initializer) {
            this.initializer = initializer;
            return this;
        }

        /**
         * The client, ready to open endpoints.
         *
         * @return the client
         * @throws IllegalStateException when no {@linkplain #pipeline pipeline} was set
         */
        public DatagramClient build() {
            if (initializer == null) {
                throw new IllegalStateException("no pipeline: call pipeline(p -> p.add(...)) first");
            }
            return new DatagramClient(this);
        }
    }
}
