package io.switchboard.pipeline;

import io.switchboard.loop.EventLoop;

/**
 * A handler's place in its pipeline: it passes inbound events to the next handler and outbound
 * operations to the previous one. Loop thread only.
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
        pipeline.invokeConnected(next);
    }

    /**
     * Passes a message to the next handler.
     *
     * @param message the message
     */
    public void fireRead(Object message) {
        pipeline.invokeRead(next, message);
    }

    /** Passes {@code readComplete} to the next handler. */
    public void fireReadComplete() {
        pipeline.invokeReadComplete(next);
    }

    /** Passes {@code inputClosed} to the next handler. */
    public void fireInputClosed() {
        pipeline.invokeInputClosed(next);
    }

    /**
     * Passes a writability change to the next handler.
     *
     * @param writable the connection's new writability
     */
    public void fireWritabilityChanged(boolean writable) {
        pipeline.invokeWritabilityChanged(next, writable);
    }

    /**
     * Passes a user event to the next handler.
     *
     * @param event the event
     */
    public void fireUserEvent(Object event) {
        pipeline.invokeUserEvent(next, event);
    }

    /**
     * Passes an error to the next handler.
     *
     * @param cause the error
     */
    public void fireExceptionCaught(Throwable cause) {
        pipeline.invokeExceptionCaught(next, cause);
    }

    /** Passes {@code closed} to the next handler. */
    public void fireClosed() {
        pipeline.invokeClosed(next);
    }

    /**
     * Writes a message through the handlers before this one. At the socket end the connection accepts
     * {@code byte[]} and {@link java.nio.ByteBuffer} (its remaining bytes are copied, so a borrowed buffer
     * may be written back). Writes are flushed at the end of the loop's batch, or by {@link #flush()}.
     *
     * @param message the message
     */
    public void write(Object message) {
        pipeline.invokeWrite(prev, message);
    }

    /**
     * Writes a message, then flushes.
     *
     * @param message the message, as for {@link #write}
     */
    public void writeAndFlush(Object message) {
        write(message);
        flush();
    }

    /** Asks the handlers before this one to flush queued bytes to the socket now. */
    public void flush() {
        pipeline.invokeFlush(prev);
    }

    /** Asks the handlers before this one to close the connection once queued bytes are written. */
    public void close() {
        pipeline.invokeClose(prev);
    }

    @Override
    public String toString() {
        return handler.getClass().getName();
    }
}
