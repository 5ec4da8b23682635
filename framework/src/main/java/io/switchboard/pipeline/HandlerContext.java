package io.switchboard.pipeline;

import io.switchboard.loop.EventLoop;

/**
 * A handler's place in its pipeline: it passes inbound events to the next handler and outbound
 * operations to the previous one.
 *
 * <p>{@link #write}, {@link #writeAndFlush}, {@link #flush}, {@link #shutdownOutput} and {@link #close} are thread-safe: called from
 * another thread they are queued to the loop in call order (a write's bytes are copied first, as for
 * {@link Connection#write}). Everything else is loop thread only.
 */
public final class HandlerContext {
    final Pipeline pipeline;
    final Handler handler;
    HandlerContext prev;
    HandlerContext next;
    boolean removed;

    HandlerContext(Pipeline pipeline, Handler handler) {
        this.pipeline = pipeline;
        this.handler = handler;
    }

    /** {@return the handler at this place} */
    public Handler handler() {
        return handler;
    }

    /** {@return true once the handler was removed from its pipeline} */
    public boolean isRemoved() {
        return removed;
    }

    /** {@return the connection this pipeline belongs to} */
    public Connection connection() {
        return pipeline.connection();
    }

    /** {@return the pipeline this context belongs to} */
    public Pipeline pipeline() {
        return pipeline;
    }

    /** {@return the connection's loop} */
    public EventLoop loop() {
        return pipeline.connection().loop();
    }

    /** Passes {@code connected} to the next handler. */
    public void fireConnected() {
        assert loop().inLoop();
        pipeline.invokeConnected(next);
    }

    /**
     * Passes a message to the next handler.
     *
     * @param message the message
     */
    public void fireRead(Object message) {
        assert loop().inLoop();
        pipeline.invokeRead(next, message);
    }

    /** Passes {@code readComplete} to the next handler. */
    public void fireReadComplete() {
        assert loop().inLoop();
        pipeline.invokeReadComplete(next);
    }

    /** Passes {@code inputClosed} to the next handler. */
    public void fireInputClosed() {
        assert loop().inLoop();
        pipeline.invokeInputClosed(next);
    }

    /**
     * Passes a writability change to the next handler.
     *
     * @param writable the connection's new writability
     */
    public void fireWritabilityChanged(boolean writable) {
        assert loop().inLoop();
        pipeline.invokeWritabilityChanged(next, writable);
    }

    /**
     * Passes a user event to the next handler.
     *
     * @param event the event
     */
    public void fireUserEvent(Object event) {
        assert loop().inLoop();
        pipeline.invokeUserEvent(next, event);
    }

    /**
     * Passes an error to the next handler.
     *
     * @param cause the error
     */
    public void fireExceptionCaught(Throwable cause) {
        assert loop().inLoop();
        pipeline.invokeExceptionCaught(next, cause);
    }

    /** Passes {@code closed} to the next handler. */
    public void fireClosed() {
        assert loop().inLoop();
        pipeline.invokeClosed(next);
    }

    /**
     * Writes a message through the handlers before this one. At the socket end the connection accepts
     * {@code byte[]} and {@link java.nio.ByteBuffer} (its remaining bytes are copied, so a borrowed buffer
     * may be written back), and a {@link FileRegion} (see {@link #canWriteFileRegion()}). Writes are flushed when the read batch ends, at the end of the loop's turn, or by
     * {@link #flush()}. Thread-safe.
     *
     * @param message the message
     */
    public void write(Object message) {
        if (loop().inLoop()) {
            pipeline.connection().wrote();
            pipeline.invokeWrite(prev, message);
        } else {
            pipeline.connection().writeFromAnyThread(this, message, false);
        }
    }

    /**
     * Writes a message, then flushes. Thread-safe.
     *
     * @param message the message, as for {@link #write}
     */
    public void writeAndFlush(Object message) {
        if (loop().inLoop()) {
            pipeline.connection().wrote();
            pipeline.invokeWrite(prev, message);
            pipeline.invokeFlush(prev);
        } else {
            pipeline.connection().writeFromAnyThread(this, message, true);
        }
    }

    /**
     * {@return true when a {@link FileRegion} written from here reaches the socket as it is, to be sent with zero
     * copy: the connection is a byte stream, and every handler between this one and the socket passes file regions
     * on ({@link Handler#passesFileRegions()}); false when a stage must see the bytes (TLS), and the writer must read
     * the file into buffers instead} Asked when a file is about to be sent, since the pipeline may have changed.
     * Loop thread only.
     */
    public boolean canWriteFileRegion() {
        assert loop().inLoop();
        return pipeline.fileRegionsPass(this);
    }

    /** Asks the handlers before this one to flush queued bytes to the socket now. Thread-safe. */
    public void flush() {
        if (loop().inLoop()) {
            pipeline.invokeFlush(prev);
        } else {
            pipeline.connection().runOnLoop(() -> pipeline.invokeFlush(prev));
        }
    }

    /**
     * Asks the handlers before this one to half-close: the peer gets our FIN once queued bytes are written, and
     * reading goes on. Thread-safe.
     */
    public void shutdownOutput() {
        if (loop().inLoop()) {
            pipeline.invokeShutdownOutput(prev);
        } else {
            pipeline.connection().runOnLoop(() -> pipeline.invokeShutdownOutput(prev));
        }
    }

    /** Asks the handlers before this one to close the connection once queued bytes are written. Thread-safe. */
    public void close() {
        if (loop().inLoop()) {
            pipeline.invokeClose(prev);
        } else {
            pipeline.connection().runOnLoop(() -> pipeline.invokeClose(prev));
        }
    }

    @Override
    public String toString() {
        return handler.getClass().getName();
    }
}
