package io.switchboard.server;

import io.switchboard.loop.LoopGroup;
import io.switchboard.loop.Scheduled;
import io.switchboard.loop.Selectable;
import io.switchboard.loop.SelectorLoop;
import io.switchboard.pipeline.Connection;
import io.switchboard.pipeline.ConnectionConfig;
import io.switchboard.pipeline.MemoryBudget;
import io.switchboard.pipeline.Pipeline;
import io.switchboard.tls.TlsClientContext;
import io.switchboard.tls.TlsHandler;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Opens outbound connections with non-blocking connects onto a {@link LoopGroup}, with the same pipelines
 * and codecs as a server.
 *
 * <pre>{@code
 * try (Client client = Client.builder().pipeline(p -> p.add(new LineCodec(1024)).add(handler)).build()) {
 *     Connection c = client.connect("127.0.0.1", 7000).join();
 *     c.write("hello");
 * }
 * }</pre>
 *
 * Thread-safe.
 */
public final class Client implements AutoCloseable {
    /** How long {@link #close()} waits for the loops it created to stop (a warning names any that did not). */
    public static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(5);

    private final LoopGroup loops;
    private final boolean ownsLoops;
    private final Duration connectTimeout;
    private final SocketOptions socket;
    private final ConnectionConfig connection;
    private final MemoryBudget budget;
    private final Consumer<Pipeline> initializer;
    private final TlsClientContext tls;
    private volatile boolean closed;

    private Client(Builder b) {
        this.ownsLoops = b.loops == null;
        this.loops = ownsLoops ? new LoopGroup("switchboard-client", b.workers) : b.loops;
        this.connectTimeout = b.connectTimeout;
        this.socket = b.socket;
        this.connection = b.connection;
        this.budget = b.budget != null ? b.budget : MemoryBudget.defaults();
        this.initializer = b.initializer;
        this.tls = b.tls;
    }

    /** {@return a builder: one loop of its own, 10 s connect timeout, default socket options} */
    public static Builder builder() {
        return new Builder();
    }

    /** {@return the TLS context its connections speak TLS with, or null for a plaintext client} */
    public TlsClientContext tls() {
        return tls;
    }

    /** {@return the loops the client's connections run on} */
    public LoopGroup loops() {
        return loops;
    }

    /**
     * Connects to {@code host:port}; see {@link #connect(InetSocketAddress)}.
     *
     * @param host the server's host name or address, resolved now
     * @param port the server's port
     * @return a future of the open connection
     */
    public CompletableFuture<Connection> connect(String host, int port) {
        return connect(new InetSocketAddress(host, port));
    }

    /**
     * Starts a non-blocking connect. The future completes with the open connection after its pipeline
     * saw {@code connected}, or fails with a {@link ConnectException} (refused, not done within the connect
     * timeout, or the loop stopped while connecting), or with a {@link RejectedExecutionException} when the
     * client is closed or its loops have stopped. This method itself does not throw for those.
     *
     * @param address the server's address
     * @return a future of the open connection
     */
    public CompletableFuture<Connection> connect(InetSocketAddress address) {
        if (initializer == null) {
            return CompletableFuture.failedFuture(new IllegalStateException(
                    "this client has no pipeline: build it with pipeline(p -> p.add(...)), or connect with a pipeline"));
        }
        return connect(address, tls != null, initializer);
    }

    /**
     * Starts a non-blocking connect whose connection gets a pipeline of its own instead of the client's, and is
     * plaintext or TLS as asked, whatever the client's default: the seam a protocol client with a handshake of its
     * own per connection builds on ({@link io.switchboard.websocket.WebSocketClient} for {@code ws://} and
     * {@code wss://}). Otherwise as {@link #connect(InetSocketAddress)}.
     *
     * @param address     the server's address; its host string is the TLS server name (SNI, certificate check)
     * @param tls         true for a {@link TlsHandler} first in the pipeline, with the client's TLS context
     * @param initializer adds this connection's handlers to its pipeline (after the TLS stage), on the loop
     * @return a future of the open connection
     * @throws IllegalStateException when {@code tls} is asked of a client built without a TLS context
     */
    public CompletableFuture<Connection> connect(InetSocketAddress address, boolean tls, Consumer<Pipeline> initializer) {
        if (tls && this.tls == null) {
            throw new IllegalStateException("TLS asked of a client built without a TLS context: use Client.builder().tls(...)");
        }
        CompletableFuture<Connection> result = new CompletableFuture<>();
        if (closed) {
            result.completeExceptionally(new RejectedExecutionException("client closed; cannot connect to " + address));
            return result;
        }
        SelectorLoop loop = loops.next();
        try {
            loop.execute(() -> new Attempt(loop, address, tls, initializer, result).start());
        } catch (RejectedExecutionException e) {
            result.completeExceptionally(e);
        }
        return result;
    }

    /**
     * Refuses new connects and, if the client created its loops, stops them and waits up to
     * {@link #CLOSE_TIMEOUT} for them: a stopping loop writes what each socket takes at once, closes cleanly the
     * connections it could finish and resets the others. Loops given to the builder keep running. Blocking.
     *
     * @throws InterruptedException  when the calling thread is interrupted while it waits
     * @throws IllegalStateException on a loop thread, where it would wait for itself
     */
    @Override
    public void close() throws InterruptedException {
        SelectorLoop.refuseBlockingCall("Client.close");
        closed = true;
        if (ownsLoops) {
            loops.shutdown(CLOSE_TIMEOUT);
        }
    }

    /** One connect in progress on its loop. */
    private final class Attempt implements Selectable {
        private final SelectorLoop loop;
        private final InetSocketAddress address;
        private final boolean secure;
        private final Consumer<Pipeline> pipeline;
        private final CompletableFuture<Connection> result;
        private SocketChannel channel;
        private Scheduled timeout;

        Attempt(SelectorLoop loop, InetSocketAddress address, boolean secure, Consumer<Pipeline> pipeline,
                CompletableFuture<Connection> result) {
            this.loop = loop;
            this.address = address;
            this.secure = secure;
            this.pipeline = pipeline;
            this.result = result;
        }

        void start() {
            try {
                channel = SocketChannel.open();
                channel.configureBlocking(false);
                socket.applyTo(channel);
                if (channel.connect(address)) {
                    connected();
                    return;
                }
                loop.register(channel, SelectionKey.OP_CONNECT, this);
                timeout = loop.schedule(this::timedOut, connectTimeout.toNanos(), TimeUnit.NANOSECONDS);
            } catch (IOException | RuntimeException e) {
                fail(e);
            }
        }

        @Override
        public void ready(SelectionKey key) {
            try {
                if (channel.finishConnect()) {
                    key.interestOps(0);
                    connected();
                }
            } catch (IOException e) {
                fail(e);
            }
        }

        @Override
        public void loopClosing() {
            fail(new IOException("client closed"));
        }

        private void connected() throws IOException {
            cancelTimeout();
            if (result.isDone()) {
                close();
                return;
            }
            Connection c = Connection.open(loop, new SocketTransport(loop, channel, null, null, null), connection, budget,
                    !secure ? pipeline : p -> {
                        p.add(TlsHandler.client(tls, address.getHostString(), address.getPort()));
                        pipeline.accept(p);
                    });
            if (c.isOpen()) {
                result.complete(c);
            } else {
                result.completeExceptionally(new ConnectException("connection to " + address + " closed while opening"));
            }
        }

        private void timedOut() {
            if (!result.isDone()) {
                fail(new IOException("not connected within " + connectTimeout));
            }
        }

        private void fail(Exception e) {
            cancelTimeout();
            close();
            ConnectException failure = new ConnectException("cannot connect to " + address + ": " + e.getMessage());
            failure.initCause(e);
            result.completeExceptionally(failure);
        }

        private void cancelTimeout() {
            if (timeout != null) {
                timeout.cancel();
                timeout = null;
            }
        }

        private void close() {
            if (channel != null) {
                try {
                    channel.close();
                } catch (IOException ignored) {
                    // already failing; nothing more to tell
                }
            }
        }
    }

    /** Builds a {@link Client}. Not thread-safe. */
    public static final class Builder {
        private LoopGroup loops;
        private int workers = 1;
        private Duration connectTimeout = Duration.ofSeconds(10);
        private SocketOptions socket = SocketOptions.DEFAULTS;
        private ConnectionConfig connection = ConnectionConfig.DEFAULTS;
        private Consumer<Pipeline> initializer;
        private MemoryBudget budget;
        private TlsClientContext tls;

        private Builder() {
        }

        /**
         * Speaks TLS: every connection gets a {@link TlsHandler} first in its pipeline, for the host and port
         * connected to (sent in SNI and, unless the context's configuration turned it off, checked against the
         * server's certificate: connect with the host name the certificate names). The {@linkplain #pipeline
         * pipeline} built after it reads and writes plaintext; a {@link io.switchboard.lifecycle.Reconnector}
         * reconnects through it the same way. Default: none (plaintext).
         *
         * @param context the client's TLS context, or null for plaintext
         * @return this builder
         */
        public Builder tls(TlsClientContext context) {
            this.tls = context;
            return this;
        }

        /**
         * The budget for bytes held for the client's connections (default {@link MemoryBudget#defaults()}).
         *
         * @param budget the budget
         * @return this builder
         */
        public Builder memoryBudget(MemoryBudget budget) {
            this.budget = budget;
            return this;
        }

        /**
         * Runs connections on an existing group (a server's, say); the client will not stop it.
         *
         * @param loops the group
         * @return this builder
         */
        public Builder loops(LoopGroup loops) {
            this.loops = loops;
            return this;
        }

        /**
         * Loops the client creates when none are given (default 1).
         *
         * @param workers the number of loops; at least 1
         * @return this builder
         * @throws IllegalArgumentException when {@code workers} is below 1
         */
        public Builder workers(int workers) {
            if (workers < 1) {
                throw new IllegalArgumentException("workers must be positive");
            }
            this.workers = workers;
            return this;
        }

        /**
         * How long a connect may take (default 10 s).
         *
         * @param timeout the longest wait for a connect to complete
         * @return this builder
         */
        public Builder connectTimeout(Duration timeout) {
            this.connectTimeout = timeout;
            return this;
        }

        /**
         * Options of each socket (default {@link SocketOptions#DEFAULTS}).
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
         * Builds each connection's pipeline, on its loop, for {@link Client#connect(InetSocketAddress)}. Needed
         * unless every connection gets a pipeline of its own ({@link Client#connect(InetSocketAddress, boolean,
         * Consumer)}, as a {@link io.switchboard.websocket.WebSocketClient} does); without it
         * {@code connect(address)} fails its future with an {@link IllegalStateException}.
         *
         * @param initializer adds the handlers to each new connection's pipeline
         * @return this builder
         */
        public Builder pipeline(Consumer<Pipeline> initializer) {
            this.initializer = initializer;
            return this;
        }

        /**
         * Creates the client (and its loops, unless given a group).
         *
         * @return the client
         */
        public Client build() {
            return new Client(this);
        }
    }
}
