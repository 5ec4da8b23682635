package io.switchboard.pipeline;

import java.nio.ByteBuffer;

/**
 * The handlers of one connection, in order. Built when the connection is registered and changed only on
 * its loop, so it needs no locks. Loop thread only.
 *
 * <pre>
 *   socket ──read──▶ [head] ─▶ decoder ─▶ … ─▶ application ─▶ [tail]   inbound: fireRead, connected, …
 *   socket ◀─write── [head] ◀─ encoder ◀─ … ◀─ application              outbound: write, flush,
 *                                                                        shutdownOutput, close
 * </pre>
 *
 * An error thrown by a handler goes to that handler's {@link Handler#exceptionCaught}; one that reaches
 * the tail closes the connection and is logged once.
 */
public final class Pipeline {
    private final Connection connection;
    private final HandlerContext head;
    private final HandlerContext tail;

    Pipeline(Connection connection) {
        this.connection = connection;
        this.head = new HandlerContext(this, Head.INSTANCE);
        this.tail = new HandlerContext(this, Tail.INSTANCE);
        head.next = tail;
        tail.prev = head;
    }

    /** {@return the connection this pipeline belongs to} */
    public Connection connection() {
        return connection;
    }

    /**
     * Adds {@code handler} at the end (nearest the application).
     *
     * @param handler the handler to add
     * @return this pipeline
     */
    public Pipeline add(Handler handler) {
        return insert(tail.prev, handler);
    }

    /**
     * Adds {@code handler} at the start (nearest the socket).
     *
     * @param handler the handler to add
     * @return this pipeline
     */
    public Pipeline addFirst(Handler handler) {
        return insert(head, handler);
    }

    /**
     * Adds {@code handler} just before {@code existing}.
     *
     * @param existing a handler in this pipeline
     * @param handler  the handler to add
     * @return this pipeline
     * @throws IllegalArgumentException when {@code existing} is not in this pipeline
     */
    public Pipeline addBefore(Handler existing, Handler handler) {
        return insert(find(existing).prev, handler);
    }

    /**
     * Adds {@code handler} just after {@code existing}.
     *
     * @param existing a handler in this pipeline
     * @param handler  the handler to add
     * @return this pipeline
     * @throws IllegalArgumentException when {@code existing} is not in this pipeline
     */
    public Pipeline addAfter(Handler existing, Handler handler) {
        return insert(find(existing), handler);
    }

    /**
     * Removes {@code handler}. Events already passed on by it are not affected.
     *
     * @param handler a handler in this pipeline
     * @return this pipeline
     * @throws IllegalArgumentException when {@code handler} is not in this pipeline
     */
    public Pipeline remove(Handler handler) {
        HandlerContext ctx = find(handler);
        assert connection.loop().inLoop();
        ctx.prev.next = ctx.next;
        ctx.next.prev = ctx.prev;
        ctx.removed = true;
        try {
            handler.removed(ctx);
        } catch (Throwable t) {
            invokeExceptionCaught(ctx.next, t);
        }
        return this;
    }

    /**
     * Replaces {@code existing} with {@code handler} at the same place.
     *
     * @param existing a handler in this pipeline
     * @param handler  the handler to put in its place
     * @return this pipeline
     * @throws IllegalArgumentException when {@code existing} is not in this pipeline
     */
    public Pipeline replace(Handler existing, Handler handler) {
        HandlerContext ctx = find(existing);
        insert(ctx, handler);
        return remove(existing);
    }

    /**
     * Hands the connection over from one protocol to another: replaces {@code existing} with {@code handler},
     * then passes {@code unread} to {@code handler} as a {@code read} followed by {@code readComplete}. This is
     * the seam of a protocol switch (an HTTP upgrade to WebSocket or {@code h2c}): {@code unread} is what the
     * peer sent after its last message in the old protocol, already read from the socket by {@code existing}
     * and not used. {@code handler} sets itself up in {@link Handler#added} (it may add handlers after itself
     * there), before the bytes arrive. Loop thread only.
     *
     * @param existing the handler of the old protocol, in this pipeline
     * @param handler  the handler of the new protocol
     * @param unread   bytes for the new protocol, borrowed for the call like any read; null or empty for none
     * @return this pipeline
     * @throws IllegalArgumentException when {@code existing} is not in this pipeline
     */
    public Pipeline replace(Handler existing, Handler handler, ByteBuffer unread) {
        replace(existing, handler);
        HandlerContext ctx = context(handler);
        if (ctx != null && unread != null && unread.hasRemaining()) {
            invokeRead(ctx, unread);
            if (!ctx.removed) {
                invokeReadComplete(ctx);
            }
        }
        return this;
    }

    /**
     * The first handler of the given type, counting from the socket end.
     *
     * @param <T>  the type
     * @param type the class of the handler wanted
     * @return the handler, or null when none has that type
     */
    public <T> T get(Class<T> type) {
        for (HandlerContext c = head.next; c != tail; c = c.next) {
            if (type.isInstance(c.handler)) {
                return type.cast(c.handler);
            }
        }
        return null;
    }

    /**
     * The context of {@code handler}.
     *
     * @param handler the handler
     * @return its context, or null when it is not in this pipeline
     */
    public HandlerContext context(Handler handler) {
        for (HandlerContext c = head.next; c != tail; c = c.next) {
            if (c.handler == handler) {
                return c;
            }
        }
        return null;
    }

    /**
     * Sends a user event (an idle-state event, say) from the start of the pipeline.
     *
     * @param event the event
     */
    public void fireUserEvent(Object event) {
        invokeUserEvent(head.next, event);
    }

    private Pipeline insert(HandlerContext after, Handler handler) {
        assert connection.loop().inLoop();
        if (handler == null) {
            throw new NullPointerException("handler");
        }
        HandlerContext ctx = new HandlerContext(this, handler);
        ctx.prev = after;
        ctx.next = after.next;
        after.next.prev = ctx;
        after.next = ctx;
        try {
            handler.added(ctx);
        } catch (Throwable t) {
            invokeExceptionCaught(ctx.next, t);
        }
        return this;
    }

    private HandlerContext find(Handler handler) {
        HandlerContext ctx = context(handler);
        if (ctx == null) {
            throw new IllegalArgumentException("not in this pipeline: " + handler);
        }
        return ctx;
    }

    /**
     * Whether a {@link FileRegion} written from {@code ctx} reaches the socket as it is: the connection is a stream
     * and every handler between {@code ctx} and the socket passes regions on ({@link Handler#passesFileRegions()}).
     */
    boolean fileRegionsPass(HandlerContext ctx) {
        if (connection.messages != null) {
            return false;
        }
        for (HandlerContext c = ctx.prev; c != head; c = c.prev) {
            if (!c.handler.passesFileRegions()) {
                return false;
            }
        }
        return true;
    }

    // Entry points used by the connection.

    HandlerContext tail() {
        return tail;
    }

    void fireConnected() {
        invokeConnected(head.next);
    }

    void fireRead(Object message) {
        invokeRead(head.next, message);
    }

    void fireReadComplete() {
        invokeReadComplete(head.next);
    }

    void fireInputClosed() {
        invokeInputClosed(head.next);
    }

    void fireWritabilityChanged(boolean writable) {
        invokeWritabilityChanged(head.next, writable);
    }

    void fireExceptionCaught(Throwable cause) {
        invokeExceptionCaught(head.next, cause);
    }

    void fireClosed() {
        invokeClosed(head.next);
    }

    void write(Object message) {
        connection.wrote();
        invokeWrite(tail.prev, message);
    }

    void flush() {
        invokeFlush(tail.prev);
    }

    void shutdownOutput() {
        invokeShutdownOutput(tail.prev);
    }

    void close() {
        invokeClose(tail.prev);
    }

    // Invokers: each runs one handler method and routes what it throws to that handler's exceptionCaught.

    void invokeConnected(HandlerContext ctx) {
        try {
            ctx.handler.connected(ctx);
        } catch (Throwable t) {
            invokeExceptionCaught(ctx, t);
        }
    }

    void invokeRead(HandlerContext ctx, Object message) {
        try {
            ctx.handler.read(ctx, message);
        } catch (Throwable t) {
            invokeExceptionCaught(ctx, t);
        }
    }

    void invokeReadComplete(HandlerContext ctx) {
        try {
            ctx.handler.readComplete(ctx);
        } catch (Throwable t) {
            invokeExceptionCaught(ctx, t);
        }
    }

    void invokeInputClosed(HandlerContext ctx) {
        try {
            ctx.handler.inputClosed(ctx);
        } catch (Throwable t) {
            invokeExceptionCaught(ctx, t);
        }
    }

    void invokeWritabilityChanged(HandlerContext ctx, boolean writable) {
        try {
            ctx.handler.writabilityChanged(ctx, writable);
        } catch (Throwable t) {
            invokeExceptionCaught(ctx, t);
        }
    }

    void invokeUserEvent(HandlerContext ctx, Object event) {
        try {
            ctx.handler.userEvent(ctx, event);
        } catch (Throwable t) {
            invokeExceptionCaught(ctx, t);
        }
    }

    void invokeExceptionCaught(HandlerContext ctx, Throwable cause) {
        try {
            ctx.handler.exceptionCaught(ctx, cause);
        } catch (Throwable t) {
            if (t != cause) {
                t.addSuppressed(cause);
            }
            connection.failed(t);
        }
    }

    void invokeClosed(HandlerContext ctx) {
        try {
            ctx.handler.closed(ctx);
        } catch (Throwable t) {
            connection.logUnexpected("closed handler failed", t);
            ctx.fireClosed();
        }
    }

    void invokeWrite(HandlerContext ctx, Object message) {
        try {
            ctx.handler.write(ctx, message);
        } catch (Throwable t) {
            invokeExceptionCaught(ctx, t);
        }
    }

    void invokeFlush(HandlerContext ctx) {
        try {
            ctx.handler.flush(ctx);
        } catch (Throwable t) {
            invokeExceptionCaught(ctx, t);
        }
    }

    void invokeShutdownOutput(HandlerContext ctx) {
        try {
            ctx.handler.shutdownOutput(ctx);
        } catch (Throwable t) {
            invokeExceptionCaught(ctx, t);
        }
    }

    void invokeClose(HandlerContext ctx) {
        try {
            ctx.handler.close(ctx);
        } catch (Throwable t) {
            connection.logUnexpected("close handler failed", t);
            connection.closeTransportGracefully();
        }
    }

    /** The socket end: takes bytes into the connection's outbound queue. Stateless: one for all pipelines. */
    private static final class Head implements Handler {
        static final Head INSTANCE = new Head();

        @Override
        public void write(HandlerContext ctx, Object message) {
            Connection connection = ctx.pipeline.connection;
            if (connection.messages != null) {
                connection.send(message);
            } else if (message instanceof ByteBuffer) {
                connection.enqueue((ByteBuffer) message);
            } else if (message instanceof byte[]) {
                connection.enqueue((byte[]) message);
            } else if (message instanceof FileRegion) {
                connection.enqueue((FileRegion) message);
            } else {
                throw new IllegalArgumentException("cannot write " + (message == null ? "null"
                        : message.getClass().getName()) + " to the socket: add an encoder for it to the pipeline");
            }
        }

        @Override
        public void flush(HandlerContext ctx) {
            ctx.pipeline.connection.flushNow();
        }

        @Override
        public void shutdownOutput(HandlerContext ctx) {
            ctx.pipeline.connection.requestShutdownOutput();
        }

        @Override
        public void close(HandlerContext ctx) {
            ctx.pipeline.connection.closeTransportGracefully();
        }
    }

    /**
     * The application end: closes on unhandled errors, on the peer's FIN and on {@link GracefulClose}; drops
     * unhandled messages.
     * Stateless: one for all pipelines.
     */
    private static final class Tail implements Handler {
        static final Tail INSTANCE = new Tail();

        @Override
        public void read(HandlerContext ctx, Object message) {
            ctx.pipeline.connection.unhandled(message);
        }

        @Override
        public void readComplete(HandlerContext ctx) {
        }

        @Override
        public void inputClosed(HandlerContext ctx) {
            ctx.pipeline.connection.close();
        }

        @Override
        public void writabilityChanged(HandlerContext ctx, boolean writable) {
        }

        @Override
        public void userEvent(HandlerContext ctx, Object event) {
            if (event == GracefulClose.INSTANCE) {
                ctx.pipeline.connection.close();
            }
        }

        @Override
        public void exceptionCaught(HandlerContext ctx, Throwable cause) {
            ctx.pipeline.connection.failed(cause);
        }

        @Override
        public void connected(HandlerContext ctx) {
        }

        @Override
        public void closed(HandlerContext ctx) {
        }
    }
}
