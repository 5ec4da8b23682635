package io.switchboard.pipeline;

/**
 * A stage of a connection's {@link Pipeline}. Inbound events travel from the socket towards the last
 * handler; outbound operations travel from the handler that starts them towards the socket. Every
 * method has a default that passes the event on, so a handler overrides only what it cares about.
 *
 * <p>All callbacks run on the connection's loop thread. A handler instance may be added to several
 * pipelines only if it keeps no per-connection state.
 *
 * <p>Bytes that arrive in {@link #read} as a {@link java.nio.ByteBuffer} are borrowed: valid until the
 * callback returns. Copy them to keep them.
 */
public interface Handler {

    /** The handler was added to a pipeline. */
    default void added(HandlerContext ctx) throws Exception {
    }

    /** The handler was removed from its pipeline. */
    default void removed(HandlerContext ctx) throws Exception {
    }

    /** The connection is established and registered with its loop. */
    default void connected(HandlerContext ctx) throws Exception {
        ctx.fireConnected();
    }

    /** A message arrived: a borrowed {@link java.nio.ByteBuffer} at the first handler, decoded objects after a decoder. */
    default void read(HandlerContext ctx, Object message) throws Exception {
        ctx.fireRead(message);
    }

    /** The current batch of reads has ended; writes made during it are flushed after this event. */
    default void readComplete(HandlerContext ctx) throws Exception {
        ctx.fireReadComplete();
    }

    /**
     * The peer shut down its output (FIN). The connection stays writable. If no handler takes the event,
     * the connection closes after flushing what is queued.
     */
    default void inputClosed(HandlerContext ctx) throws Exception {
        ctx.fireInputClosed();
    }

    /** The connection's outbound queue crossed a watermark; see {@link Connection#isWritable()}. */
    default void writabilityChanged(HandlerContext ctx, boolean writable) throws Exception {
        ctx.fireWritabilityChanged(writable);
    }

    /** An application event, such as an idle-state event, fired by another handler. */
    default void userEvent(HandlerContext ctx, Object event) throws Exception {
        ctx.fireUserEvent(event);
    }

    /**
     * A handler before this one threw, or I/O failed. If no handler takes the error, the connection is
     * closed and the error logged once with the remote address.
     */
    default void exceptionCaught(HandlerContext ctx, Throwable cause) throws Exception {
        ctx.fireExceptionCaught(cause);
    }

    /** The connection is closed. The last event a handler sees. */
    default void closed(HandlerContext ctx) throws Exception {
        ctx.fireClosed();
    }

    /** Outbound: a message is written towards the socket. Encoders turn messages into bytes here. */
    default void write(HandlerContext ctx, Object message) throws Exception {
        ctx.write(message);
    }

    /** Outbound: queued bytes should be written to the socket now. */
    default void flush(HandlerContext ctx) throws Exception {
        ctx.flush();
    }

    /** Outbound: the connection is to be closed once queued bytes are written. */
    default void close(HandlerContext ctx) throws Exception {
        ctx.close();
    }
}
