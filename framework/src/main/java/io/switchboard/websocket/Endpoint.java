package io.switchboard.websocket;

import io.switchboard.loop.EventLoop;
import io.switchboard.pipeline.AttributeKey;
import io.switchboard.pipeline.Connection;
import io.switchboard.pipeline.MemoryBudget;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.util.Objects;
import java.util.concurrent.RejectedExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link WebSocket} of one connection: on the loop, sends go straight to the stage; from other threads they are
 * copied, counted (against the connection's limits and the memory budget, as {@link Connection} counts its own writes
 * from other threads) and queued to the loop. Thread-safe.
 */
final class Endpoint implements WebSocket {
    private static final Logger log = LoggerFactory.getLogger(Endpoint.class);
    /** What a send from another thread counts for at the least: its task and its message. */
    private static final int OVERHEAD = 64;
    private static final VarHandle PENDING;

    static {
        try {
            PENDING = MethodHandles.lookup().findVarHandle(Endpoint.class, "pending", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final WebSocketStage stage;
    private final Connection connection;
    private final EventLoop loop;
    /** Bytes sent from other threads and not yet taken by the loop (a VarHandle: no object per connection). */
    @SuppressWarnings("unused")
    private volatile long pending;
    private volatile boolean warned;

    Endpoint(WebSocketStage stage, Connection connection) {
        this.stage = stage;
        this.connection = connection;
        this.loop = connection.loop();
    }

    @Override
    public void sendText(String text) {
        sendText(text, true);
    }

    @Override
    public void sendText(String fragment, boolean last) {
        Objects.requireNonNull(fragment, "fragment");
        if (loop.inLoop()) {
            stage.sendText(fragment, last);
        } else {
            later(fragment.length(), () -> stage.sendText(fragment, last));
        }
    }

    @Override
    public void sendBinary(byte[] data) {
        if (loop.inLoop()) {
            stage.sendBinary(data, 0, data.length, true);
        } else {
            byte[] copy = data.clone();
            later(copy.length, () -> stage.sendBinary(copy, 0, copy.length, true));
        }
    }

    @Override
    public void sendBinary(ByteBuffer data) {
        sendBinary(data, true);
    }

    @Override
    public void sendBinary(ByteBuffer fragment, boolean last) {
        if (loop.inLoop()) {
            stage.sendBinary(fragment, last);
        } else {
            byte[] copy = new byte[fragment.remaining()];
            fragment.get(copy);
            later(copy.length, () -> stage.sendBinary(copy, 0, copy.length, last));
        }
    }

    @Override
    public void sendPing(byte[] payload) {
        control(Opcode.PING, payload);
    }

    @Override
    public void sendPong(byte[] payload) {
        control(Opcode.PONG, payload);
    }

    @Override
    public void close() {
        close(CloseStatus.NORMAL, null);
    }

    @Override
    public void close(int status, String reason) {
        if (!CloseStatus.isValid(status)) {
            throw new IllegalArgumentException("close status " + status + " may not be sent");
        }
        if (loop.inLoop()) {
            stage.closeByApplication(status, reason);
        } else {
            later(0, () -> stage.closeByApplication(status, reason));
        }
    }

    @Override
    public boolean isOpen() {
        return stage.isOpen() && connection.isOpen();
    }

    @Override
    public boolean isWritable() {
        return connection.isWritable() && (long) PENDING.getVolatile(this) <= connection.config().highWatermark();
    }

    @Override
    public SocketAddress remoteAddress() {
        return connection.remoteAddress();
    }

    @Override
    public SocketAddress localAddress() {
        return connection.localAddress();
    }

    @Override
    public <T> T attr(AttributeKey<T> key) {
        return connection.attr(key);
    }

    @Override
    public <T> void attr(AttributeKey<T> key, T value) {
        connection.attr(key, value);
    }

    @Override
    public Connection connection() {
        return connection;
    }

    @Override
    public String subprotocol() {
        return stage.subprotocol();
    }

    @Override
    public String toString() {
        return "WebSocket[" + connection.remoteAddress() + "]";
    }

    private void control(int opcode, byte[] payload) {
        if (payload.length > Opcode.MAX_CONTROL_PAYLOAD) {
            throw new IllegalArgumentException("a control frame's payload is at most 125 bytes, got " + payload.length);
        }
        if (loop.inLoop()) {
            stage.sendControl(opcode, payload, payload.length);
        } else {
            byte[] copy = payload.clone();
            later(copy.length, () -> stage.sendControl(opcode, copy, copy.length));
        }
    }

    /**
     * Queues a send from another thread: counts it against the connection's limits and the budget now, and resets
     * the connection when it would go past {@code maxQueued} (or past the high watermark while the budget is spent).
     */
    private void later(long bytes, Runnable send) {
        if (!connection.isOpen()) {
            log.debug("{}: send from another thread after close; dropped", this);
            return;
        }
        long weight = OVERHEAD + bytes;
        MemoryBudget budget = connection.budget();
        long now = (long) PENDING.getAndAdd(this, weight) + weight;
        boolean withinBudget = budget.reserve(weight);
        if (now > connection.config().maxQueued() || !withinBudget && now > connection.config().highWatermark()) {
            undo(weight);
            overflow(now, withinBudget);
            return;
        }
        try {
            loop.execute(() -> {
                undo(weight);
                try {
                    send.run();
                } catch (IllegalStateException e) {
                    if (!warned) {
                        warned = true;
                        log.warn("{}: send from another thread dropped: {} (logged once per connection)", this, e.getMessage());
                    }
                }
            });
        } catch (RejectedExecutionException e) {
            undo(weight);
            log.debug("{}: send from another thread dropped: {}", this, e.getMessage());
        }
    }

    private void undo(long weight) {
        PENDING.getAndAdd(this, -weight);
        connection.budget().release(weight);
    }

    private void overflow(long pending, boolean withinBudget) {
        boolean warn = !warned;
        if (!withinBudget) {
            warn = connection.budget().countShed() && warn;
        }
        warned = true;
        if (warn) {
            log.warn("{}: {} bytes sent from other threads are waiting, over {}; resetting", this, pending,
                    withinBudget ? "the limit of " + connection.config().maxQueued() : "the memory budget");
        }
        connection.abort();
    }
}
