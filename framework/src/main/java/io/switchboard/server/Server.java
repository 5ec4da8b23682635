package io.switchboard.server;

import io.switchboard.loop.EventLoop;
import io.switchboard.loop.LoopGroup;
import io.switchboard.loop.SelectorLoop;
import io.switchboard.pipeline.Connection;
import io.switchboard.pipeline.ConnectionConfig;
import io.switchboard.pipeline.MemoryBudget;
import io.switchboard.pipeline.Pipeline;
import io.switchboard.proxy.ProxyProtocol;
import io.switchboard.proxy.ProxyProtocolHandler;
import io.switchboard.tls.TlsHandler;
import io.switchboard.tls.TlsServerContext;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A listening server: one boss loop accepts connections and hands each to a worker loop, where the
 * pipeline built by the server's initializer handles it for its whole life.
 *
 * <pre>{@code
 * Server server = Server.builder()
 *         .port(7000)
 *         .pipeline(p -> p.add(new EchoHandler()))
 *         .start();
 * }</pre>
 *
 * Thread-safe.
 */
public final class Server implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Server.class);
    /** How long {@link #close()} lets connections finish. */
    public static final Duration DEFAULT_CLOSE_TIMEOUT = Duration.ofSeconds(5);
    /**
     * How much longer than its timeout {@link #closeGracefully(Duration)} may take, at most (500 ms): the time
     * for the loops to reset what is left at the deadline and to stop.
     */
    public static final Duration CLOSE_MARGIN = Duration.ofMillis(500);

    private final ServerConfig config;
    private final Consumer<Pipeline> initializer;
    private final MemoryBudget budget;
    private final LoopGroup workers;
    private final boolean ownsWorkers;
    private final SelectorLoop boss;
    private final Acceptor acceptor;
    private final InetSocketAddress localAddress;
    /** Connections accepted and not yet closed, counted on the boss before the hand-off. */
    private final AtomicInteger admitted = new AtomicInteger();
    /** Run by each socket when it closes: one object for the whole server, none per connection. */
    private final Runnable released = admitted::decrementAndGet;
    private final AtomicLong rejected = new AtomicLong();
    private long lastRejectionWarning;
    private long rejectedAtLastWarning;
    private final CompletableFuture<Void> closed = new CompletableFuture<>();
    /** What the close that did the work returned, for the calls that waited for it. */
    private final CompletableFuture<Boolean> outcome = new CompletableFuture<>();
    private final AtomicBoolean closing = new AtomicBoolean();
    private final ServerMetrics metrics;

    private Server(ServerConfig config, Consumer<Pipeline> initializer, MemoryBudget budget, LoopGroup sharedWorkers,
                   boolean countMetrics) throws IOException {
        this.config = config;
        this.initializer = initializer;
        this.budget = budget;
        ServerSocketChannel listener = ServerSocketChannel.open();
        try {
            listener.setOption(StandardSocketOptions.SO_REUSEADDR, config.reuseAddress());
            if (config.reusePort()) {
                listener.setOption(StandardSocketOptions.SO_REUSEPORT, true);
            }
            listener.bind(new InetSocketAddress(config.host(), config.port()), config.backlog());
            listener.configureBlocking(false);
        } catch (IOException e) {
            listener.close();
            String where = config.host() + ":" + config.port();
            if (e instanceof BindException) {
                BindException clear = new BindException("cannot listen on " + where + ": " + e.getMessage());
                clear.initCause(e);
                throw clear;
            }
            throw new IOException("cannot listen on " + where + ": " + e.getMessage(), e);
        }
        this.localAddress = (InetSocketAddress) listener.getLocalAddress();
        this.ownsWorkers = sharedWorkers == null;
        this.workers = ownsWorkers ? new LoopGroup("switchboard-worker", config.workers()) : sharedWorkers;
        this.metrics = new ServerMetrics(countMetrics, workers.loops(), admitted, rejected);
        this.boss = new SelectorLoop("switchboard-boss");
        this.acceptor = new Acceptor(boss, listener, this::handOff);
        CompletableFuture<Void> registered = new CompletableFuture<>();
        boss.execute(() -> {
            try {
                acceptor.start();
                registered.complete(null);
            } catch (Throwable t) {
                registered.completeExceptionally(t);
            }
        });
        try {
            registered.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while starting", e);
        } catch (ExecutionException e) {
            shutdownLoops();
            throw new IOException("cannot register the listener", e.getCause());
        }
        log.debug("listening on {} with {} worker loops", localAddress, workers.loops().size());
    }

    /** {@return a builder with the defaults of {@link ServerConfig#defaults()}} */
    public static Builder builder() {
        return new Builder();
    }

    /** {@return the bound address (with the real port when 0 was asked for)} */
    public InetSocketAddress localAddress() {
        return localAddress;
    }

    /** {@return the configuration the server runs with} */
    public ServerConfig config() {
        return config;
    }

    /** {@return the budget the bytes held for this server's peers count against} */
    public MemoryBudget memoryBudget() {
        return budget;
    }

    /**
     * The worker loops the server's connections live on (shared with others when given through
     * {@link Builder#loops}): schedule timers on them ({@link EventLoop#scheduleAtFixedRate}, say) or run work on
     * the loop of the connections it concerns. The boss loop, which only accepts, is not among them.
     *
     * @return the worker loops, in the order connections are spread over them; unmodifiable
     */
    public List<EventLoop> loops() {
        return List.copyOf(workers.loops());
    }

    /** {@return the number of connections open right now} */
    public int connectionCount() {
        return admitted.get();
    }

    /**
     * {@return the number of connections refused because {@link ServerConfig#maxConnections()} were open}
     */
    public long rejectedConnections() {
        return rejected.get();
    }

    /** {@return what the server counts of its connections (see {@link Builder#metrics(boolean)})} */
    public ServerMetrics metrics() {
        return metrics;
    }

    /**
     * {@return a future that completes when {@link #closeGracefully(Duration)} returns: the server has closed
     * and its loops have stopped, or a stalled loop was given up on (see there)}
     */
    public CompletableFuture<Void> closeFuture() {
        return closed;
    }

    /**
     * {@code closeGracefully(DEFAULT_CLOSE_TIMEOUT)}: returns within {@link #DEFAULT_CLOSE_TIMEOUT} plus
     * {@link #CLOSE_MARGIN}.
     *
     * @throws IllegalStateException on a loop thread, where it would wait for itself
     */
    @Override
    public void close() {
        closeGracefully(DEFAULT_CLOSE_TIMEOUT);
    }

    /**
     * Closes the server and lets every connection finish what it owes its peer, for up to {@code timeout}:
     * <ol>
     *   <li>stops accepting (the listener closes; connections accepted but not yet opened on a worker are
     *       closed);</li>
     *   <li>calls {@link Connection#closeGracefully()} on every open connection: a protocol handler that owes
     *       answers (HTTP) finishes them, and the connection closes once its queued bytes are written;</li>
     *   <li>waits until every connection has closed, or until {@code timeout};</li>
     *   <li>resets ({@link Connection#abort()}) the connections still open then;</li>
     *   <li>stops the loops (the worker loops only if the server created them) and waits for their threads.</li>
     * </ol>
     * The call returns within {@code timeout} plus {@link #CLOSE_MARGIN}, even when a handler blocks a loop or
     * never returns: that loop is named in a warning, with where it is stuck, and keeps its connections until
     * it runs again (it stops then). When the call returns, {@link #closeFuture()} is complete.
     *
     * <p>Only the first call does the work; a call made meanwhile (from another thread) or later waits for the
     * first to finish and returns its result.
     *
     * @param timeout how long connections may take to finish; zero resets those that cannot close at once
     * @return true when every connection closed by itself within {@code timeout} and every loop to stop stopped;
     *         false when some were reset (logged at info with their number) or a loop did not finish (a warning
     *         names it)
     * @throws IllegalStateException    on a loop thread, where it would wait for itself (call it from another
     *                                  thread)
     * @throws IllegalArgumentException when {@code timeout} is negative
     */
    public boolean closeGracefully(Duration timeout) {
        SelectorLoop.refuseBlockingCall("Server.closeGracefully");
        if (timeout.isNegative()) {
            throw new IllegalArgumentException("timeout must not be negative, got " + timeout);
        }
        if (!closing.compareAndSet(false, true)) {
            return outcome.join();
        }
        boolean result = false;
        try {
            result = new Shutdown(this, boss, acceptor, workers.loops(), ownsWorkers).run(timeout);
        } finally {
            outcome.complete(result);
            closed.complete(null);
        }
        return result;
    }

    private void shutdownLoops() {
        boss.shutdown();
        if (ownsWorkers) {
            workers.shutdown();
        }
    }

    private void handOff(SocketChannel channel) {
        if (admitted.incrementAndGet() > config.maxConnections()) {
            admitted.decrementAndGet();
            reject(channel);
            return;
        }
        SelectorLoop worker = workers.next();
        try {
            channel.configureBlocking(false);
            config.socket().applyTo(channel);
        } catch (IOException e) {
            log.debug("dropping accepted socket: {}", e.toString());
            admitted.decrementAndGet();
            closeQuietly(channel);
            return;
        }
        try {
            worker.execute(() -> open(worker, channel));
        } catch (RejectedExecutionException e) {
            log.debug("dropping accepted socket: {}", e.getMessage());
            admitted.decrementAndGet();
            closeQuietly(channel);
        }
    }

    /** On the worker: a close that has begun finds the connection registered, or this finds the close begun. */
    private void open(SelectorLoop worker, SocketChannel channel) {
        if (closing.get()) {
            admitted.decrementAndGet();
            closeQuietly(channel);
            return;
        }
        SocketTransport transport;
        try {
            transport = new SocketTransport(worker, channel, this, released, metrics.on(worker));
        } catch (IOException e) {
            log.debug("dropping accepted socket: {}", e.toString());
            admitted.decrementAndGet();
            closeQuietly(channel);
            return;
        }
        transport.connection = Connection.open(worker, transport, config.connection(), budget, initializer);
    }

    /** Over the connection limit: accept and close at once, count, and warn at most once a minute. Boss loop only. */
    private void reject(SocketChannel channel) {
        long count = rejected.incrementAndGet();
        closeQuietly(channel);
        long now = System.nanoTime();
        if (lastRejectionWarning == 0 || now - lastRejectionWarning >= TimeUnit.MINUTES.toNanos(1)) {
            log.warn("{} connections open, the limit: closing new ones ({} refused since the last warning;"
                    + " logged at most once a minute)", config.maxConnections(), count - rejectedAtLastWarning);
            lastRejectionWarning = now == 0 ? 1 : now;
            rejectedAtLastWarning = count;
        }
    }

    private static void closeQuietly(SocketChannel channel) {
        try {
            channel.close();
        } catch (IOException e) {
            log.debug("closing socket", e);
        }
    }

    /**
     * The one place a server's pipeline is assembled: the PROXY stage first (its header comes before anything else,
     * a TLS ClientHello included), then the TLS stage, then the user's handlers.
     */
    private static Consumer<Pipeline> stages(ProxyProtocol proxy, TlsServerContext tls, Consumer<Pipeline> initializer) {
        if (proxy == null && tls == null) {
            return initializer;
        }
        return p -> {
            if (proxy != null) {
                p.add(proxy.newHandler());
            }
            if (tls != null) {
                p.add(TlsHandler.server(tls));
            }
            initializer.accept(p);
        };
    }

    /** Builds and starts a {@link Server}. Not thread-safe. */
    public static final class Builder {
        private String host = "127.0.0.1";
        private int port;
        private int backlog = 1024;
        private int workers = Runtime.getRuntime().availableProcessors();
        private int maxConnections = 100_000;
        private boolean reuseAddress = true;
        private boolean reusePort;
        private SocketOptions socket = SocketOptions.DEFAULTS;
        private ConnectionConfig connection = ConnectionConfig.DEFAULTS;
        private Consumer<Pipeline> initializer;
        private LoopGroup loops;
        private MemoryBudget budget;
        private TlsServerContext tls;
        private boolean metrics = true;
        private ProxyProtocol proxy;

        private Builder() {
        }

        /**
         * Whether the worker loops count the server's connections opened and closed and the bytes they read and write
         * ({@link Server#metrics()}; default true). Counting is a plain add per read and per write on the loop that
         * owns the connection, no atomic operation; false leaves even that out.
         *
         * @param metrics whether to count
         * @return this builder
         */
        public Builder metrics(boolean metrics) {
            this.metrics = metrics;
            return this;
        }

        /**
         * Requires HAProxy's PROXY protocol header (v1 or v2) on every accepted connection: each gets a
         * {@link ProxyProtocolHandler} first in its pipeline, before the TLS stage, which closes connections from
         * outside {@code protocol}'s trusted ranges, waits for the header with a deadline, and makes the connection
         * report the client's addresses ({@link Connection#remoteAddress()}) before the handlers after it see
         * {@code connected}. Default: none (the socket's addresses).
         *
         * @param protocol the trusted proxies and limits, or null for none
         * @return this builder
         */
        public Builder proxyProtocol(ProxyProtocol protocol) {
            this.proxy = protocol;
            return this;
        }

        /**
         * Serves TLS: every accepted connection gets a {@link TlsHandler} first in its pipeline (nearest the
         * socket), with an engine from {@code context}'s current certificates, and the {@linkplain #pipeline
         * pipeline} built after it reads and writes plaintext. Default: none (plaintext).
         *
         * @param context the server's TLS context, or null for plaintext
         * @return this builder
         */
        public Builder tls(TlsServerContext context) {
            this.tls = context;
            return this;
        }

        /**
         * The budget for bytes held for peers across all connections: output queued for slow readers, writes
         * from other threads on their way to a loop, HTTP request bodies (default
         * {@link MemoryBudget#defaults()}, a quarter of the maximum heap, new for each server). Pass one budget
         * to several servers to bound them together.
         *
         * @param budget the budget
         * @return this builder
         */
        public Builder memoryBudget(MemoryBudget budget) {
            this.budget = budget;
            return this;
        }

        /**
         * Address to bind (default 127.0.0.1; {@code 0.0.0.0} for every interface).
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
            this.port = port;
            return this;
        }

        /**
         * Kernel accept queue length (default 1024).
         *
         * @param backlog the length asked of the kernel; positive
         * @return this builder
         */
        public Builder backlog(int backlog) {
            this.backlog = backlog;
            return this;
        }

        /**
         * Number of worker loops the server creates (default: available processors).
         *
         * @param workers the number of loops; positive
         * @return this builder
         */
        public Builder workers(int workers) {
            this.workers = workers;
            return this;
        }

        /**
         * Connections open at once (default 100,000); more are accepted and closed at once.
         *
         * @param maxConnections the limit; positive
         * @return this builder
         */
        public Builder maxConnections(int maxConnections) {
            this.maxConnections = maxConnections;
            return this;
        }

        /**
         * Runs connections on an existing group instead of creating one; the server will not stop it.
         *
         * @param loops the group
         * @return this builder
         */
        public Builder loops(LoopGroup loops) {
            this.loops = loops;
            return this;
        }

        /**
         * SO_REUSEADDR on the listening socket (default true).
         *
         * @param reuseAddress whether to set it
         * @return this builder
         */
        public Builder reuseAddress(boolean reuseAddress) {
            this.reuseAddress = reuseAddress;
            return this;
        }

        /**
         * SO_REUSEPORT on the listening socket (default false): several processes may share the port.
         *
         * @param reusePort whether to set it
         * @return this builder
         */
        public Builder reusePort(boolean reusePort) {
            this.reusePort = reusePort;
            return this;
        }

        /**
         * Options of each accepted socket (default {@link SocketOptions#DEFAULTS}).
         *
         * @param socket the options
         * @return this builder
         */
        public Builder socket(SocketOptions socket) {
            this.socket = socket;
            return this;
        }

        /**
         * Outbound limits of each connection (default {@link ConnectionConfig#DEFAULTS}).
         *
         * @param connection the limits
         * @return this builder
         */
        public Builder connection(ConnectionConfig connection) {
            this.connection = connection;
            return this;
        }

        /**
         * Builds each connection's pipeline, on its loop. Required.
         *
         * @param initializer adds the handlers to each new connection's pipeline
         * @return this builder
         */
        public Builder pipeline(Consumer<Pipeline> initializer) {
            this.initializer = initializer;
            return this;
        }

        /**
         * The configuration set so far.
         *
         * @return the configuration
         * @throws IllegalArgumentException when a value set is out of range
         */
        public ServerConfig config() {
            return new ServerConfig(host, port, backlog, loops != null ? loops.loops().size() : workers,
                    maxConnections, reuseAddress, reusePort, socket, connection);
        }

        /**
         * Binds and starts accepting.
         *
         * @return the running server
         * @throws UncheckedIOException     when the address cannot be bound; its cause is a
         *                                  {@link BindException} when the port is taken
         * @throws IllegalStateException    when no {@linkplain #pipeline pipeline} was set
         * @throws IllegalArgumentException when a value set is out of range
         */
        public Server start() {
            if (initializer == null) {
                throw new IllegalStateException("no pipeline: call pipeline(p -> p.add(...)) first");
            }
            try {
                return new Server(config(), stages(proxy, tls, initializer), budget != null ? budget : MemoryBudget.defaults(),
                        loops, metrics);
            } catch (IOException e) {
                throw new UncheckedIOException(e.getMessage(), e);
            }
        }
    }
}
