package io.switchboard.udp;

import io.switchboard.loop.LoopGroup;
import io.switchboard.loop.SelectorLoop;
import io.switchboard.pipeline.MemoryBudget;
import io.switchboard.pipeline.Pipeline;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.SocketOption;
import java.nio.channels.DatagramChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Datagram endpoints bound to one address and port, each on a loop, with the pipeline the initializer builds.
 *
 * <pre>{@code
 * DatagramServer server = DatagramServer.builder()
 *         .port(7002)
 *         .pipeline(p -> p.add(new Handler() {
 *             public void read(HandlerContext ctx, Object message) {
 *                 ctx.write(((Datagram) message).content()); // back to its sender
 *             }
 *         }))
 *         .start();
 * }</pre>
 *
 * <p>With {@linkplain Builder#endpoints several endpoints}, each is its own socket bound to the same port with
 * SO_REUSEPORT, on its own loop: the kernel spreads datagrams over them by a hash of the sender's address and port,
 * so one peer's datagrams all reach the same endpoint, in order, and several loops share the load.
 *
 * <p>Thread-safe.
 */
public final class DatagramServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(DatagramServer.class);
    /** How long {@link #close()} waits for the endpoints and loops to stop. */
    public static final Duration DEFAULT_CLOSE_TIMEOUT = Duration.ofSeconds(5);

    private final List<DatagramEndpoint> endpoints;
    private final LoopGroup loops;
    private final boolean ownsLoops;
    private final InetSocketAddress localAddress;
    private final CompletableFuture<Void> closed = new CompletableFuture<>();
    private final CompletableFuture<Boolean> outcome = new CompletableFuture<>();
    private final AtomicBoolean closing = new AtomicBoolean();

    private DatagramServer(Builder b) throws IOException {
        this.ownsLoops = b.loops == null;
        this.loops = ownsLoops ? new LoopGroup("switchboard-udp", b.endpoints) : b.loops;
        MemoryBudget budget = b.budget != null ? b.budget : MemoryBudget.defaults();
        List<DatagramChannel> channels = new ArrayList<>();
        List<DatagramEndpoint> opened = new ArrayList<>();
        try {
            InetSocketAddress bind = new InetSocketAddress(b.host, b.port);
            boolean reusePort = b.endpoints > 1 || b.reusePort;
            for (int i = 0; i < b.endpoints; i++) {
                channels.add(bind(bind, b, reusePort));
                if (i == 0) {
                    bind = (InetSocketAddress) channels.get(0).getLocalAddress(); // the real port, for the others
                }
            }
            this.localAddress = bind;
            for (int i = 0; i < channels.size(); i++) {
                SelectorLoop loop = loops.loops().get(i % loops.loops().size());
                opened.add(openOn(loop, channels.get(i), b.config, budget, b.initializer));
            }
        } catch (IOException | RuntimeException e) {
            for (DatagramEndpoint endpoint : opened) {
                endpoint.close();
            }
            for (DatagramChannel channel : channels) {
                channel.close();
            }
            if (ownsLoops) {
                loops.shutdown();
            }
            throw e;
        }
        this.endpoints = List.copyOf(opened);
        log.debug("datagram server on {} with {} endpoints", localAddress, endpoints.size());
    }

    private static DatagramChannel bind(InetSocketAddress address, Builder b, boolean reusePort) throws IOException {
        try {
            return Sockets.open(address, null, b.config, b.reuseAddress, reusePort, b.options);
        } catch (IOException e) {
            String where = address.getHostString() + ":" + address.getPort();
            if (e instanceof BindException) {
                BindException clear = new BindException("cannot bind " + where + ": " + e.getMessage());
                clear.initCause(e);
                throw clear;
            }
            throw new IOException("cannot bind " + where + ": " + e.getMessage(), e);
        }
    }

    /** Opens an endpoint on its loop and waits for it (a few microseconds: nothing blocks there). */
    static DatagramEndpoint openOn(SelectorLoop loop, DatagramChannel channel, DatagramConfig config,
                                   MemoryBudget budget, Consumer<Pipeline> initializer) throws IOException {
        CompletableFuture<DatagramEndpoint> result = new CompletableFuture<>();
        Runnable open = () -> {
            try {
                DatagramEndpoint endpoint = DatagramEndpoint.open(loop, new ChannelPort(loop, channel), config, budget,
                        initializer);
                if (endpoint.connection().isOpen()) {
                    result.complete(endpoint);
                } else {
                    result.completeExceptionally(new IOException("endpoint " + endpoint + " closed while opening"));
                }
            } catch (Throwable t) {
                result.completeExceptionally(t);
            }
        };
        if (loop.inLoop()) {
            open.run();
        } else {
            loop.execute(open);
        }
        try {
            return result.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while opening a datagram endpoint", e);
        } catch (ExecutionException e) {
            channel.close();
            throw new IOException("cannot open a datagram endpoint: " + e.getCause(), e.getCause());
        }
    }

    /** {@return a builder: 127.0.0.1, any free port, one endpoint on a loop of its own} */
    public static Builder builder() {
        return new Builder();
    }

    /** {@return the bound address (with the real port when 0 was asked for)} */
    public InetSocketAddress localAddress() {
        return localAddress;
    }

    /** {@return the endpoints, one per socket, as an unmodifiable list} */
    public List<DatagramEndpoint> endpoints() {
        return endpoints;
    }

    /** {@return the stats of all endpoints added up} */
    public DatagramStats stats() {
        List<DatagramStats> all = new ArrayList<>(endpoints.size());
        for (DatagramEndpoint endpoint : endpoints) {
            all.add(endpoint.stats());
        }
        return DatagramStats.sum(all);
    }

    /**
     * Joins the multicast {@code group} on {@code networkInterface}.
     *
     * @param group            a multicast address of the server's protocol family
     * @param networkInterface the interface to join on (the loopback interface works on Linux)
     * @throws IOException           when the system refuses
     * @throws IllegalStateException when the server has several endpoints: each socket bound to the port would
     *                               receive its own copy of every datagram sent to the group (Linux delivers
     *                               multicast to every socket on the port), so a multicast server has one
     */
    public void join(InetAddress group, NetworkInterface networkInterface) throws IOException {
        onlyEndpoint().join(group, networkInterface);
    }

    /**
     * Leaves a group joined with {@link #join}.
     *
     * @param group            the multicast address
     * @param networkInterface the interface it was joined on
     */
    public void leave(InetAddress group, NetworkInterface networkInterface) {
        onlyEndpoint().leave(group, networkInterface);
    }

    private DatagramEndpoint onlyEndpoint() {
        if (endpoints.size() != 1) {
            throw new IllegalStateException("multicast needs a server with one endpoint, this one has "
                    + endpoints.size() + ": each would receive a copy of every datagram");
        }
        return endpoints.get(0);
    }

    /** {@return a future that completes once the server has closed} */
    public CompletableFuture<Void> closeFuture() {
        return closed;
    }

    /**
     * {@code closeGracefully(DEFAULT_CLOSE_TIMEOUT)}.
     *
     * @throws IllegalStateException on a loop thread, where it would wait for itself
     */
    @Override
    public void close() {
        closeGracefully(DEFAULT_CLOSE_TIMEOUT);
    }

    /**
     * Closes every endpoint (each sends what its socket takes of its queue at once and drops the rest: UDP has
     * nothing else to finish), then stops the loops if the server created them, waiting up to {@code timeout} in
     * all. Only the first call does the work; the others wait for it and return its result.
     *
     * @param timeout the longest wait
     * @return true when everything stopped within {@code timeout}
     * @throws IllegalStateException on a loop thread, where it would wait for itself
     */
    public boolean closeGracefully(Duration timeout) {
        SelectorLoop.refuseBlockingCall("DatagramServer.closeGracefully");
        if (!closing.compareAndSet(false, true)) {
            return outcome.join();
        }
        boolean result = false;
        try {
            long until = System.nanoTime() + timeout.toNanos();
            CompletableFuture<?>[] all = new CompletableFuture<?>[endpoints.size()];
            for (int i = 0; i < all.length; i++) {
                endpoints.get(i).close();
                all[i] = endpoints.get(i).closeFuture();
            }
            result = await(CompletableFuture.allOf(all), until);
            if (ownsLoops) {
                result &= loops.shutdown(Duration.ofNanos(Math.max(0, until - System.nanoTime())));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            outcome.complete(result);
            closed.complete(null);
        }
        return result;
    }

    private static boolean await(CompletableFuture<?> future, long until) throws InterruptedException {
        try {
            future.get(Math.max(0, until - System.nanoTime()), TimeUnit.NANOSECONDS);
            return true;
        } catch (ExecutionException | TimeoutException e) {
            return false;
        }
    }

    /** Builds and starts a {@link DatagramServer}. Not thread-safe. */
    public static final class Builder {
        private String host = "127.0.0.1";
        private int port;
        private int endpoints = 1;
        private boolean reuseAddress;
        private boolean reusePort;
        private DatagramConfig config = DatagramConfig.DEFAULTS;
        private LoopGroup loops;
        private MemoryBudget budget;
        private final Map<SocketOption<?>, Object> options = new LinkedHashMap<>();
        private Consumer<Pipeline> initializer;

        private Builder() {
        }

        /**
         * Address to bind (default 127.0.0.1; {@code 0.0.0.0} for every IPv4 interface, {@code ::} for every
         * interface, IPv4 and IPv6; {@code ::1} for IPv6 loopback).
         *
         * @param host a host name or address
         * @return this builder
         */
        public Builder host(String host) {
            this.host = host;
            return this;
        }

        /**
         * Port to bind (default 0: any free port).
         *
         * @param port 0 to 65535
         * @return this builder
         */
        public Builder port(int port) {
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("port must be 0..65535, got " + port);
            }
            this.port = port;
            return this;
        }

        /**
         * Sockets bound to the port (default 1). More than one sets SO_REUSEPORT on each and spreads them over the
         * loops, one per loop (the server creates as many loops, unless given a group).
         *
         * @param endpoints the number of sockets; positive
         * @return this builder
         */
        public Builder endpoints(int endpoints) {
            if (endpoints < 1) {
                throw new IllegalArgumentException("endpoints must be positive, got " + endpoints);
            }
            this.endpoints = endpoints;
            return this;
        }

        /**
         * SO_REUSEADDR (default false). On Linux it lets several sockets, in this process or others, bind the same
         * address and port; the last one bound then takes the unicast datagrams. Multicast receivers that share a
         * group's port set it.
         *
         * @param reuseAddress whether to set it
         * @return this builder
         */
        public Builder reuseAddress(boolean reuseAddress) {
            this.reuseAddress = reuseAddress;
            return this;
        }

        /**
         * SO_REUSEPORT even with one endpoint (default: only with several), so that other processes may bind the
         * port too and share its datagrams.
         *
         * @param reusePort whether to set it
         * @return this builder
         */
        public Builder reusePort(boolean reusePort) {
            this.reusePort = reusePort;
            return this;
        }

        /**
         * Limits and socket buffer options of each endpoint (default {@link DatagramConfig#DEFAULTS}).
         *
         * @param config the configuration
         * @return this builder
         */
        public Builder config(DatagramConfig config) {
            this.config = java.util.Objects.requireNonNull(config, "config");
            return this;
        }

        /**
         * Any other socket option, set before binding ({@code IP_MULTICAST_IF}, {@code IP_MULTICAST_TTL},
         * {@code IP_TOS}, say).
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
         * Runs the endpoints on an existing group (round-robin over its loops) instead of creating one; the server
         * will not stop it.
         *
         * @param loops the group
         * @return this builder
         */
        public Builder loops(LoopGroup loops) {
            this.loops = loops;
            return this;
        }

        /**
         * The budget the datagrams queued for a full send buffer count against (default
         * {@link MemoryBudget#defaults()}, new for each server).
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
         * Binds every endpoint and starts receiving.
         *
         * @return the running server
         * @throws UncheckedIOException  when the address cannot be bound; its cause is a {@link BindException}
         *                               when the port is taken
         * @throws IllegalStateException when no {@linkplain #pipeline pipeline} was set
         */
        public DatagramServer start() {
            if (initializer == null) {
                throw new IllegalStateException("no pipeline: call pipeline(p -> p.add(...)) first");
            }
            try {
                return new DatagramServer(this);
            } catch (IOException e) {
                throw new UncheckedIOException(e.getMessage(), e);
            }
        }
    }
}
