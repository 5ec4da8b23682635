package io.switchboard.pipeline;

import io.switchboard.internal.BufferPool;
import io.switchboard.loop.EventLoop;
import io.switchboard.loop.Scheduled;
import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One connection: its pipeline, its outbound queue and its life from open to closed, on one loop.
 *
 * <p>{@link #write}, {@link #flush}, {@link #close}, {@link #closeGracefully}, {@link #abort},
 * {@link #shutdownOutput}, {@link #suspendRead}, {@link #resumeRead} and the attribute methods are
 * thread-safe: called from another thread they are queued to the loop, and the calls of each thread keep
 * their order. A write from another thread copies the caller's bytes before it returns, and counts against
 * the connection's limits at once: {@link #isWritable()} turns false while such writes wait for the loop, and
 * past {@link ConnectionConfig#maxQueued()} of them the connection is reset. Once the loop has stopped, calls
 * from other threads do nothing (the connection is closed by then).
 *
 * <p>Writes made while the connection handles a read batch leave in one system call when the batch ends, so
 * all replies to pipelined requests share one write and the loop's chunks go back to its pool before the next
 * connection reads. Writes made at other times (timers, tasks) are flushed at the end of the loop's turn.
 * Everything else is loop thread only.
 *
 * <p>Over a {@link MessageTransport} (a datagram endpoint, {@code io.switchboard.udp}) the connection is the
 * endpoint: each inbound message travels the pipeline on its own, a message written leaves through the transport
 * at once (the transport bounds and counts its own queue), a write from another thread that finds
 * {@link ConnectionConfig#maxQueued()} bytes already waiting is dropped and counted instead of resetting, and an
 * error the transport absorbs leaves it open.
 */
public final class Connection {
    private static final Logger log = LoggerFactory.getLogger(Connection.class);
    /** Reads per readiness event before the loop turns to other connections (fairness). */
    private static final int MAX_READS_PER_EVENT = 16;
    /** What a write from another thread counts for at the least: its task and its message object. */
    private static final int FOREIGN_WRITE_OVERHEAD = 64;
    private static final VarHandle FOREIGN_PENDING;

    static {
        try {
            FOREIGN_PENDING = MethodHandles.lookup().findVarHandle(Connection.class, "foreignPending", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** The connection's life. */
    private enum State { OPEN, CLOSING, CLOSED }

    private final EventLoop loop;
    private final Transport transport;
    /** The transport when it moves whole messages (datagrams), else null: a stream. */
    final MessageTransport messages;
    /** Where a message transport hands inbound messages; null for a stream. */
    private final MessageTransport.Inbound inbound;
    private final ConnectionConfig config;
    private final MemoryBudget budget;
    private final BufferPool buffers;
    private final Pipeline pipeline;
    private final Outbound outbound = new Outbound();
    /** Created when first asked for, so that connections nobody waits on carry none. */
    private volatile CompletableFuture<Void> closeFuture;
    private final Runnable flushTask = this::batchFlush;

    private volatile State state = State.OPEN;
    private volatile boolean writable = true;
    private boolean inputClosed;
    private boolean outputShutdown;
    private boolean outputShutdownRequested;
    private boolean readSuspended;
    private boolean writeBlocked;
    private boolean flushScheduled;
    private boolean failureLogged;
    /** True while this connection handles a read batch: its writes are flushed when the batch ends. */
    private boolean inReadBatch;
    /** True when something was written into the pipeline during the current read batch. */
    private boolean wroteInBatch;
    /** Queued bytes reserved from the budget (0 while the queue is small). */
    private long counted;
    /** Bytes a stage holds on their way out and cannot queue yet ({@link #holdOutbound}). */
    private long held;
    /** Bytes written from other threads and not yet taken by the loop (a VarHandle: no object per connection). */
    @SuppressWarnings("unused")
    private volatile long foreignPending;
    private volatile boolean foreignOverflowLogged;
    private Scheduled closeTimer;
    private long lastReadNanos;
    private long lastWriteNanos;
    private volatile Map<AttributeKey<?>, Object> attributes;
    /** The client's and our addresses as a proxy relayed them ({@link #relayAddresses}); null for the socket's. */
    private volatile SocketAddress relayedRemote;
    private volatile SocketAddress relayedLocal;

    private Connection(EventLoop loop, Transport transport, ConnectionConfig config, MemoryBudget budget) {
        this.loop = loop;
        this.transport = transport;
        this.messages = transport instanceof MessageTransport ? (MessageTransport) transport : null;
        this.inbound = messages == null ? null : this::deliver;
        this.config = config;
        this.budget = budget;
        this.buffers = BufferPool.of(loop);
        this.pipeline = new Pipeline(this);
        this.lastReadNanos = loop.nanoTime();
        this.lastWriteNanos = lastReadNanos;
    }

    /**
     * Creates a connection on {@code loop}, lets {@code initializer} build its pipeline, starts the
     * transport and fires {@code connected}. Loop thread only.
     *
     * @param loop        the loop that runs the connection; the caller must be on it
     * @param transport   moves the connection's bytes
     * @param config      the connection's outbound limits
     * @param budget      the process-wide budget the connection's held bytes count against
     * @param initializer adds the connection's handlers to its new pipeline
     * @return the connection; already closed (and the failure logged) when the initializer or the
     *         transport failed
     */
    public static Connection open(EventLoop loop, Transport transport, ConnectionConfig config, MemoryBudget budget,
                                  Consumer<Pipeline> initializer) {
        assert loop.inLoop();
        Connection connection = new Connection(loop, transport, config, budget);
        try {
            initializer.accept(connection.pipeline);
            transport.start(connection.new Events());
        } catch (Throwable t) {
            log.warn("cannot open connection {}", transport.remoteAddress(), t);
            connection.finishClose(false);
            return connection;
        }
        connection.updateInterest();
        connection.pipeline.fireConnected();
        return connection;
    }

    /** {@return the loop that runs this connection} Thread-safe. */
    public EventLoop loop() {
        return loop;
    }

    /** {@return the connection's handlers} Loop thread only. */
    public Pipeline pipeline() {
        return pipeline;
    }

    /** {@return the limits this connection runs with} Thread-safe. */
    public ConnectionConfig config() {
        return config;
    }

    /** {@return the process-wide budget this connection's held bytes count against} Thread-safe. */
    public MemoryBudget budget() {
        return budget;
    }

    /**
     * {@return the peer's address: the client's that a proxy relayed ({@link #relayAddresses}), else the socket's
     * peer; null when the transport does not know it} Handlers, HTTP requests and log lines all take it from here.
     * Thread-safe.
     */
    public SocketAddress remoteAddress() {
        SocketAddress relayed = relayedRemote;
        return relayed != null ? relayed : transport.remoteAddress();
    }

    /**
     * {@return our address: the one the client connected to, as a proxy relayed it ({@link #relayAddresses}), else
     * the socket's; null when the transport does not know it} Thread-safe.
     */
    public SocketAddress localAddress() {
        SocketAddress relayed = relayedLocal;
        return relayed != null ? relayed : transport.localAddress();
    }

    /** {@return the socket's own peer (the proxy, when one relayed the client's address), or null} Thread-safe. */
    public SocketAddress socketRemoteAddress() {
        return transport.remoteAddress();
    }

    /** {@return the socket's own local address, or null} Thread-safe. */
    public SocketAddress socketLocalAddress() {
        return transport.localAddress();
    }

    /**
     * Makes the connection report the addresses a proxy in front of the server relayed (the PROXY protocol's header)
     * instead of the socket's: from then on {@link #remoteAddress()}, {@link #localAddress()} and every log line that
     * names the connection give the client's, and {@link #socketRemoteAddress()} still gives the proxy's. A stage
     * calls it once, before the handlers after it see {@code connected}. Loop thread only.
     *
     * @param remote the client's address
     * @param local  the address the client connected to, or null to keep the socket's
     */
    public void relayAddresses(SocketAddress remote, SocketAddress local) {
        assert loop.inLoop();
        relayedLocal = local;
        relayedRemote = Objects.requireNonNull(remote, "remote");
    }

    /** {@return true until close or abort is requested} Thread-safe. */
    public boolean isOpen() {
        return state == State.OPEN;
    }

    /**
     * {@return true while queued bytes are below the high watermark (or back below the low one), counting
     * writes from other threads that the loop has not taken yet} Thread-safe.
     */
    public boolean isWritable() {
        return writable && (long) FOREIGN_PENDING.getVolatile(this) <= config.highWatermark();
    }

    /** {@return true once the peer has sent its FIN} Loop thread only. */
    public boolean isInputClosed() {
        assert loop.inLoop();
        return inputClosed;
    }

    /**
     * {@return the bytes queued and not yet written to the socket, with those a stage holds before it can queue
     * them ({@link #holdOutbound})} Loop thread only.
     */
    public long queuedBytes() {
        assert loop.inLoop();
        return outbound.queued() + held;
    }

    /**
     * Counts bytes that a stage holds on their way out and cannot queue yet (a TLS stage's plaintext written before
     * its handshake completes) as if they were queued: they count toward the watermarks, so {@link #isWritable()}
     * turns false above the high one, toward {@link ConnectionConfig#maxQueued()}, past which the connection is
     * reset, and against the memory budget, exactly as queued bytes do. Unlike queued bytes they do not stop the
     * connection reading while its socket queue is below the low watermark: the stage needs the peer's bytes (the
     * rest of the handshake) to let them go. The stage gives them back (a negative {@code delta}) as it queues or
     * drops them; once the connection is closed, they no longer count. Loop thread only.
     *
     * @param delta bytes the stage took (positive) or gave back (negative)
     */
    public void holdOutbound(long delta) {
        assert loop.inLoop();
        if (state == State.CLOSED || delta == 0) {
            return;
        }
        held += delta;
        if (delta > 0) {
            withinLimits();
        } else {
            account();
            if (!writable && outbound.queued() + held <= config.lowWatermark()) {
                setWritable(true);
            } else if (!writable && held == 0) {
                updateInterest(); // no longer held: the socket's queue alone decides whether to read
            }
        }
    }

    /**
     * When bytes last arrived from the peer (the loop's clock, {@link EventLoop#nanoTime()}); the time the
     * connection opened until then. Loop thread only.
     *
     * @return the loop's clock at the last read, in nanoseconds
     */
    public long lastReadNanos() {
        assert loop.inLoop();
        return lastReadNanos;
    }

    /**
     * When bytes last left for the peer: a write counts when the socket takes bytes, so a large write that
     * is still moving is not idle, and one stuck behind a peer that does not read is. Loop thread only.
     *
     * @return the loop's clock ({@link EventLoop#nanoTime()}) at the last write that moved bytes, or when
     *         the connection opened if none has
     */
    public long lastWriteNanos() {
        assert loop.inLoop();
        return lastWriteNanos;
    }

    /** {@return a future that completes when the connection is closed} Thread-safe. */
    public CompletableFuture<Void> closeFuture() {
        CompletableFuture<Void> future = closeFuture;
        if (future == null) {
            synchronized (this) {
                future = closeFuture;
                if (future == null) {
                    closeFuture = future = new CompletableFuture<>();
                }
            }
            if (state == State.CLOSED) {
                future.complete(null);
            }
        }
        return future;
    }

    /**
     * Writes a message through the whole pipeline (from its application end). Thread-safe; from another
     * thread, a {@code byte[]} or {@link ByteBuffer} is copied before this returns, so the caller may reuse it.
     *
     * @param message the message; the handlers must turn it into {@code byte[]} or a {@link ByteBuffer}
     */
    public void write(Object message) {
        if (loop.inLoop()) {
            pipeline.write(message);
        } else {
            writeFromAnyThread(pipeline.tail(), message, false);
        }
    }

    /** Writes queued bytes to the socket now instead of at the end of the batch. Thread-safe. */
    public void flush() {
        if (loop.inLoop()) {
            pipeline.flush();
        } else {
            runOnLoop(pipeline::flush);
        }
    }

    /**
     * Writes a message and flushes. Thread-safe.
     *
     * @param message the message, as for {@link #write}
     */
    public void writeAndFlush(Object message) {
        if (loop.inLoop()) {
            pipeline.write(message);
            pipeline.flush();
        } else {
            writeFromAnyThread(pipeline.tail(), message, true);
        }
    }

    /**
     * Stops reading, writes what is queued, then closes. If the peer takes none of the queued bytes for
     * {@link ConnectionConfig#closeTimeout()}, the connection is reset; a peer that keeps taking them keeps the
     * connection until they are all written. Thread-safe.
     */
    public void close() {
        if (loop.inLoop()) {
            pipeline.close();
        } else {
            runOnLoop(pipeline::close);
        }
    }

    /**
     * Asks the pipeline to finish what it owes the peer and then close: the {@link GracefulClose} event
     * travels from the socket end, and a protocol handler that owes answers (HTTP, say) stops reading new
     * requests, writes the answers to those already read, and closes. Without such a handler it is
     * {@link #close()}. A server's graceful close calls it on every connection. Thread-safe.
     */
    public void closeGracefully() {
        if (loop.inLoop()) {
            if (state == State.OPEN) {
                pipeline.fireUserEvent(GracefulClose.INSTANCE);
            }
        } else {
            runOnLoop(this::closeGracefully);
        }
    }

    /** Drops what is queued and resets the connection (SO_LINGER 0). Thread-safe. */
    public void abort() {
        if (loop.inLoop()) {
            finishClose(true);
        } else {
            runOnLoop(() -> finishClose(true));
        }
    }

    /**
     * Half-closes through the whole pipeline (from its application end): once queued bytes are written the
     * peer gets our FIN (after whatever end a stage such as TLS sends first); reading goes on. Thread-safe.
     */
    public void shutdownOutput() {
        if (loop.inLoop()) {
            pipeline.shutdownOutput();
        } else {
            runOnLoop(pipeline::shutdownOutput);
        }
    }

    /** Stops reading from the peer until {@link #resumeRead()}. Thread-safe. */
    public void suspendRead() {
        if (loop.inLoop()) {
            readSuspended = true;
            updateInterest();
        } else {
            runOnLoop(this::suspendRead);
        }
    }

    /** Reads from the peer again after {@link #suspendRead()}. Thread-safe. */
    public void resumeRead() {
        if (loop.inLoop()) {
            readSuspended = false;
            updateInterest();
        } else {
            runOnLoop(this::resumeRead);
        }
    }

    /**
     * The attribute stored under {@code key}. Thread-safe.
     *
     * @param <T> the attribute's type
     * @param key the attribute's key
     * @return the value, or null when none is stored
     */
    @SuppressWarnings("unchecked")
    public <T> T attr(AttributeKey<T> key) {
        Map<AttributeKey<?>, Object> map = attributes;
        return map == null ? null : (T) map.get(key);
    }

    /**
     * Stores {@code value} under {@code key}. Thread-safe.
     *
     * @param <T>   the attribute's type
     * @param key   the attribute's key
     * @param value the value, or null to remove the attribute
     */
    public <T> void attr(AttributeKey<T> key, T value) {
        Map<AttributeKey<?>, Object> map = attributes;
        if (map == null) {
            synchronized (this) {
                map = attributes;
                if (map == null) {
                    attributes = map = new ConcurrentHashMap<>(4);
                }
            }
        }
        if (value == null) {
            map.remove(key);
        } else {
            map.put(key, value);
        }
    }

    @Override
    public String toString() {
        SocketAddress socket = transport.remoteAddress();
        SocketAddress relayed = relayedRemote;
        return "Connection[" + (relayed != null ? relayed + " via " + socket : socket == null ? "?" : socket) + "]";
    }

    // Called by the pipeline's head, tail and contexts.

    /**
     * A write from a thread other than the loop: copies the caller's bytes now, counts them against the
     * connection's limits and the budget at once, and queues the write to the loop, where it enters the
     * pipeline before {@code from}.
     */
    void writeFromAnyThread(HandlerContext from, Object message, boolean flush) {
        Object owned = messages == null ? ownedCopy(message) : messages.ownedCopy(message);
        long weight = FOREIGN_WRITE_OVERHEAD + (messages != null ? messages.weight(owned)
                : owned instanceof byte[] ? ((byte[]) owned).length : 0);
        if (state != State.OPEN) {
            log.debug("{}: write from another thread after close dropped", this);
            discard(owned);
            return;
        }
        long pending = (long) FOREIGN_PENDING.getAndAdd(this, weight) + weight;
        boolean withinBudget = budget.reserve(weight);
        if (pending > config.maxQueued() || !withinBudget && pending > config.highWatermark()) {
            FOREIGN_PENDING.getAndAdd(this, -weight);
            budget.release(weight);
            discard(owned);
            foreignOverflow(pending, withinBudget);
            return;
        }
        try {
            loop.execute(() -> {
                FOREIGN_PENDING.getAndAdd(this, -weight);
                budget.release(weight);
                wrote();
                pipeline.invokeWrite(from.prev, owned);
                if (flush) {
                    pipeline.invokeFlush(from.prev);
                }
            });
        } catch (RejectedExecutionException e) {
            FOREIGN_PENDING.getAndAdd(this, -weight);
            budget.release(weight);
            discard(owned);
            log.debug("{}: write from another thread dropped: {}", this, e.getMessage());
        }
    }

    /** A write that will never reach the socket: a file region in it closes its file, if it was to. */
    private static void discard(Object message) {
        if (message instanceof FileRegion) {
            ((FileRegion) message).release();
        }
    }

    /** Runs {@code task} on the loop; once the loop has stopped (and so closed this connection), does nothing. */
    void runOnLoop(Runnable task) {
        try {
            loop.execute(task);
        } catch (RejectedExecutionException e) {
            log.debug("{}: {} after the loop stopped; ignored", this, task);
        }
    }

    /**
     * Something is being written into the pipeline: the pipeline is flushed when the read batch ends, or, outside
     * a read batch, at the end of the loop's turn. The flush goes through the pipeline, so a stage that holds
     * bytes back until a flush (TLS, compression) sees it.
     */
    void wrote() {
        if (inReadBatch) {
            wroteInBatch = true;
        } else if (!flushScheduled && state != State.CLOSED) {
            flushScheduled = true;
            loop.atBatchEnd(flushTask);
        }
    }

    void enqueue(ByteBuffer bytes) {
        assert loop.inLoop();
        if (state != State.OPEN || outputShutdownRequested) {
            log.debug("{}: write of {} bytes after close dropped", this, bytes.remaining());
            bytes.position(bytes.limit());
            return;
        }
        if (!bytes.hasRemaining()) {
            return;
        }
        outbound.add(bytes, buffers);
        queuedMore();
    }

    /**
     * A message at the socket end of the pipeline of a connection over a {@link MessageTransport}: the transport
     * sends it (or queues or drops it) at once; the connection keeps no byte queue.
     */
    void send(Object message) {
        assert loop.inLoop();
        if (state != State.OPEN || outputShutdownRequested) {
            log.debug("{}: message written after close dropped", this);
            return;
        }
        if (messages.send(message)) {
            lastWriteNanos = loop.nanoTime();
        }
    }

    /**
     * Queues a file region (see {@link FileRegion}): its bytes count toward the watermarks, not toward
     * {@link ConnectionConfig#maxQueued()} or the budget, since it holds no memory. Dropped (and released) after a
     * close, like any write.
     */
    void enqueue(FileRegion region) {
        assert loop.inLoop();
        if (state != State.OPEN || outputShutdownRequested) {
            log.debug("{}: a file region of {} bytes written after close dropped", this, region.remaining());
            region.release();
            return;
        }
        if (region.remaining() == 0) {
            region.release();
            return;
        }
        outbound.add(region);
        queuedMore();
    }

    /** As {@link #enqueue(ByteBuffer)}, for an array: no buffer is made to wrap it. */
    void enqueue(byte[] bytes) {
        assert loop.inLoop();
        if (state != State.OPEN || outputShutdownRequested) {
            log.debug("{}: write of {} bytes after close dropped", this, bytes.length);
            return;
        }
        if (bytes.length == 0) {
            return;
        }
        outbound.add(bytes, buffers);
        queuedMore();
    }

    /** After bytes joined the outbound queue: its limits, its watermark, and the flush at the batch's end. */
    private void queuedMore() {
        if (!withinLimits()) {
            return;
        }
        if (!flushScheduled && !writeBlocked && !inReadBatch) {
            flushScheduled = true;
            loop.atBatchEnd(flushTask);
        }
    }

    /**
     * After bytes joined the queue or a stage's held bytes: resets the connection past its limit or, with the budget
     * spent, past its watermark; otherwise turns it unwritable above the watermark.
     *
     * @return false when the connection was reset
     */
    private boolean withinLimits() {
        long inMemory = outbound.memoryQueued() + held;
        if (inMemory > config.maxQueued()) {
            log.warn("{}: {} bytes queued, over the limit of {}: the peer is not reading; resetting",
                    this, inMemory, config.maxQueued());
            failureLogged = true;
            finishClose(true);
            return false;
        }
        if (!account() && inMemory > config.highWatermark()) {
            shed(inMemory);
            return false;
        }
        long queued = outbound.queued() + held;
        if (writable && queued > config.highWatermark()) {
            setWritable(false);
        }
        return true;
    }

    void flushNow() {
        assert loop.inLoop();
        if (state == State.CLOSED || writeBlocked) {
            return;
        }
        writeQueued();
    }

    void closeTransportGracefully() {
        assert loop.inLoop();
        if (state != State.OPEN) {
            return;
        }
        state = State.CLOSING;
        updateInterest();
        if (!outbound.isEmpty()) {
            if (!writeBlocked) {
                writeQueued();
            }
            if (state == State.CLOSING) {
                closeTimer = loop.schedule(this::closeTimedOut, config.closeTimeout().toNanos(), TimeUnit.NANOSECONDS);
            }
            return;
        }
        finishClose(false);
    }

    void failed(Throwable cause) {
        assert loop.inLoop();
        if (messages != null && state != State.CLOSED && messages.failed(cause)) {
            return;
        }
        if (!failureLogged && state != State.CLOSED) {
            failureLogged = true;
            if (cause instanceof IOException) {
                log.debug("{}: {}", this, cause.toString());
            } else if (cause instanceof ProtocolException) {
                log.info("closing {}: {}", this, cause.getMessage());
            } else {
                log.warn("closing {}: unhandled error in a handler", this, cause);
            }
        }
        if (cause instanceof IOException) {
            finishClose(false);
        } else if (state == State.OPEN) {
            pipeline.close();
        }
    }

    void unhandled(Object message) {
        log.debug("{}: no handler took a {}; dropped", this, message.getClass().getSimpleName());
    }

    void logUnexpected(String what, Throwable t) {
        log.warn("{}: {}", this, what, t);
    }

    // Internals.

    private void batchFlush() {
        flushScheduled = false;
        if (state != State.CLOSED) {
            pipeline.flush();
        }
    }

    /** A copy the caller cannot change after a write from another thread returns. */
    private static Object ownedCopy(Object message) {
        if (message instanceof ByteBuffer) {
            ByteBuffer src = ((ByteBuffer) message).duplicate();
            byte[] copy = new byte[src.remaining()];
            src.get(copy);
            ((ByteBuffer) message).position(((ByteBuffer) message).limit());
            return copy;
        }
        if (message instanceof byte[]) {
            return ((byte[]) message).clone();
        }
        return message;
    }

    private void foreignOverflow(long pending, boolean withinBudget) {
        if (messages != null) {
            messages.droppedFromOtherThread();
            return;
        }
        boolean warn = !foreignOverflowLogged;
        if (!withinBudget) {
            warn = budget.countShed() && warn;
        }
        foreignOverflowLogged = true;
        if (warn) {
            log.warn("{}: {} bytes written from other threads are waiting, over {}; resetting",
                    this, pending, withinBudget ? "the limit of " + config.maxQueued() : "the memory budget " + budget);
        }
        runOnLoop(() -> {
            failureLogged = true;
            finishClose(true);
        });
    }

    /**
     * Brings the bytes reserved from the budget in line with the queue's memory (file regions hold none): a queue
     * of at most {@link MemoryBudget#UNCOUNTED} bytes reserves nothing.
     *
     * @return false when the budget is now spent
     */
    private boolean account() {
        long queued = outbound.memoryQueued() + held;
        long target = queued > MemoryBudget.UNCOUNTED ? queued : 0;
        long delta = target - counted;
        if (delta == 0) {
            return true;
        }
        counted = target;
        if (delta < 0) {
            budget.release(-delta);
            return true;
        }
        return budget.reserve(delta);
    }

    /** The budget is spent and this connection holds more than its watermark: reset it to free its bytes. */
    private void shed(long queued) {
        if (budget.countShed()) {
            log.warn("{}: memory budget spent ({}); resetting connections that hold more than {} bytes, this one {}"
                    + " (logged at most once a minute)", this, budget, config.highWatermark(), queued);
        } else {
            log.debug("{}: memory budget spent; resetting, {} bytes queued", this, queued);
        }
        failureLogged = true;
        finishClose(true);
    }

    private void writeQueued() {
        boolean drained;
        long before = outbound.queued();
        try {
            drained = outbound.writeTo(transport, buffers);
        } catch (IOException e) {
            pipeline.fireExceptionCaught(e);
            return;
        }
        if (outbound.queued() != before) {
            lastWriteNanos = loop.nanoTime();
            account();
        }
        if (drained == writeBlocked) {
            writeBlocked = !drained;
            updateInterest();
        }
        if (!writable && outbound.queued() + held <= config.lowWatermark()) {
            setWritable(true);
        }
        // Read the queue again: the writable event may have written more, and closed.
        if (outbound.isEmpty() && state != State.CLOSED) {
            if (state == State.CLOSING) {
                finishClose(false);
            } else if (outputShutdownRequested && !outputShutdown) {
                shutdownOutputNow();
            }
        }
    }

    void requestShutdownOutput() {
        assert loop.inLoop();
        if (state != State.OPEN || outputShutdownRequested) {
            return;
        }
        outputShutdownRequested = true;
        if (outbound.isEmpty()) {
            shutdownOutputNow();
        } else if (!writeBlocked) {
            writeQueued();
        }
    }

    private void shutdownOutputNow() {
        outputShutdown = true;
        try {
            transport.shutdownOutput();
        } catch (IOException e) {
            pipeline.fireExceptionCaught(e);
        }
    }

    private void setWritable(boolean value) {
        writable = value;
        updateInterest();
        pipeline.fireWritabilityChanged(value);
    }

    private void updateInterest() {
        if (state == State.CLOSED) {
            return;
        }
        // Bytes a stage holds (a TLS stage's, until its handshake completes) make the connection unwritable but do
        // not stop reading while the socket's own queue is small: the stage needs the peer's bytes to let them go.
        boolean drained = writable || held > 0 && outbound.queued() <= config.lowWatermark();
        boolean read = state == State.OPEN && !inputClosed && !readSuspended && drained;
        transport.interest(read, writeBlocked);
    }

    /** The close timer: resets a closing connection only when the peer took nothing for the whole timeout. */
    private void closeTimedOut() {
        closeTimer = null;
        if (state != State.CLOSING) {
            return;
        }
        long quietUntil = lastWriteNanos + config.closeTimeout().toNanos();
        long left = quietUntil - loop.nanoTime();
        if (left > 0) {
            closeTimer = loop.schedule(this::closeTimedOut, left, TimeUnit.NANOSECONDS);
            return;
        }
        log.debug("{}: peer took none of {} queued bytes for {}; resetting",
                this, outbound.queued(), config.closeTimeout());
        finishClose(true);
    }

    /**
     * The loop is stopping: close through the pipeline (so that a protocol stage can cut what it had to leave
     * unfinished with a reset), write what the socket takes now, and close cleanly only if that was everything.
     */
    private void loopClosing() {
        if (state == State.OPEN) {
            pipeline.close();
        }
        if (state == State.CLOSED) {
            return;
        }
        boolean drained = outbound.isEmpty();
        if (!drained) {
            try {
                drained = outbound.writeTo(transport, buffers);
            } catch (IOException e) {
                log.debug("{}: {}", this, e.toString());
            }
        }
        if (!drained) {
            log.debug("{}: loop stopping with {} bytes unwritten; resetting", this, outbound.queued());
        }
        finishClose(!drained);
    }

    private void finishClose(boolean reset) {
        if (state == State.CLOSED) {
            return;
        }
        state = State.CLOSED;
        writable = false;
        if (closeTimer != null) {
            closeTimer.cancel();
        }
        if (reset) {
            transport.abort();
        } else {
            transport.close();
        }
        outbound.clear(buffers);
        held = 0;
        account();
        pipeline.fireClosed();
        CompletableFuture<Void> future = closeFuture;
        if (future != null) {
            future.complete(null);
        }
    }

    private void readable() {
        if (state != State.OPEN || inputClosed) {
            return;
        }
        inReadBatch = true;
        try {
            if (messages == null) {
                readBatch();
            } else {
                receiveBatch();
            }
        } finally {
            inReadBatch = false;
        }
        boolean wrote = wroteInBatch;
        wroteInBatch = false;
        if (state != State.CLOSED && (wrote || !outbound.isEmpty() && !writeBlocked)) {
            pipeline.flush();
        }
    }

    private void readBatch() {
        for (int i = 0; i < MAX_READS_PER_EVENT; i++) {
            ByteBuffer buffer = buffers.readBuffer();
            int n;
            try {
                n = transport.read(buffer);
            } catch (IOException e) {
                pipeline.fireExceptionCaught(e);
                return;
            }
            if (n > 0) {
                lastReadNanos = loop.nanoTime();
                buffer.flip();
                pipeline.fireRead(buffer);
                if (state != State.OPEN || readSuspended || !writable || n < buffer.capacity()) {
                    break;
                }
            } else {
                if (n < 0) {
                    inputClosed = true;
                    updateInterest();
                    pipeline.fireReadComplete();
                    pipeline.fireInputClosed();
                    return;
                }
                break;
            }
        }
        if (state != State.CLOSED) {
            pipeline.fireReadComplete();
        }
    }

    /** A batch of whole messages from a {@link MessageTransport}: each one travels the pipeline on its own. */
    private void receiveBatch() {
        int n;
        try {
            n = messages.receive(inbound);
        } catch (IOException e) {
            pipeline.fireExceptionCaught(e);
            return;
        }
        if (n > 0) {
            lastReadNanos = loop.nanoTime();
            if (state != State.CLOSED) {
                pipeline.fireReadComplete();
            }
        }
    }

    private boolean deliver(Object message) {
        pipeline.fireRead(message);
        return state == State.OPEN && !readSuspended;
    }

    /** Readiness from the transport, kept off the public surface. */
    private final class Events implements Transport.Events {
        @Override
        public void readable() {
            Connection.this.readable();
        }

        @Override
        public void writable() {
            if (state == State.CLOSED) {
                return;
            }
            writeQueued();
        }

        @Override
        public void loopClosing() {
            Connection.this.loopClosing();
        }
    }
}
