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

    /**
     * The handler was added to a pipeline.
     *
     * @param ctx the handler's new context
     * @throws Exception any error; it goes to the next handler's {@link #exceptionCaught}
     */
    default void added(HandlerContext ctx) throws Exception {
    }

    /**
     * The handler was removed from its pipeline.
     *
     * @param ctx the handler's former context, now {@linkplain HandlerContext#isRemoved() removed}
     * @throws Exception any error; it goes to the next handler's {@link #exceptionCaught}
     */
    default void removed(HandlerContext ctx) throws Exception {
    }

    /**
     * The connection is established and registered with its loop.
     *
     * @param ctx this handler's context
     * @throws Exception any error; it goes to this handler's {@link #exceptionCaught}
     */
    default void connected(HandlerContext ctx) throws Exception {
        ctx.fireConnected();
    }

    /**
     * A message arrived: a borrowed {@link java.nio.ByteBuffer} at the first handler, decoded objects after a decoder.
     *
     * @param ctx     this handler's context
     * @param message the bytes or the object the handler before passed on
     * @throws Exception any error; it goes to this handler's {@link #exceptionCaught}
     */
    default void read(HandlerContext ctx, Object message) throws Exception {
        ctx.fireRead(message);
    }

    /**
     * The current batch of reads has ended; writes made during it are flushed after this event.
     *
     * @param ctx this handler's context
     * @throws Exception any error; it goes to this handler's {@link #exceptionCaught}
     */
    default void readComplete(HandlerContext ctx) throws Exception {
        ctx.fireReadComplete();
    }

    /**
     * The peer shut down its output (FIN). The connection stays writable. If no handler takes the event,
     * the connection closes after flushing what is queued.
     *
     * @param ctx this handler's context
     * @throws Exception any error; it goes to this handler's {@link #exceptionCaught}
     */
    default void inputClosed(HandlerContext ctx) throws Exception {
        ctx.fireInputClosed();
    }

    /**
     * The connection's outbound queue crossed a watermark; see {@link Connection#isWritable()}.
     *
     * @param ctx      this handler's context
     * @param writable true when the queue fell back below the low watermark, false when it rose above
     *                 the high one
     * @throws Exception any error; it goes to this handler's {@link #exceptionCaught}
     */
    default void writabilityChanged(HandlerContext ctx, boolean writable) throws Exception {
        ctx.fireWritabilityChanged(writable);
    }

    /**
     * An application event, such as an idle-state event, fired by another handler.
     *
     * @param ctx   this handler's context
     * @param event the event
     * @throws Exception any error; it goes to this handler's {@link #exceptionCaught}
     */
    default void userEvent(HandlerContext ctx, Object event) throws Exception {
        ctx.fireUserEvent(event);
    }

    /**
     * A handler before this one threw, or I/O failed. If no handler takes the error, the connection is
     * closed and the error logged once with the remote address.
     *
     * @param ctx   this handler's context
     * @param cause the error
     * @throws Exception any error; the connection closes and the error is logged, as if unhandled
     */
    default void exceptionCaught(HandlerContext ctx, Throwable cause) throws Exception {
        ctx.fireExceptionCaught(cause);
    }

    /**
     * The connection is closed. The last event a handler sees.
     *
     * @param ctx this handler's context
     * @throws Exception any error; it is logged and {@code closed} still goes to the next handler
     */
    default void closed(HandlerContext ctx) throws Exception {
        ctx.fireClosed();
    }

    /**
     * Outbound: a message is written towards the socket. Encoders turn messages into bytes here.
     * A {@link java.nio.ByteBuffer} passed on is borrowed, like inbound bytes: the connection copies it when
     * it reaches the socket end, and the writer may reuse it once {@code write} returns. A handler that
     * holds outbound bytes for later must copy them.
     *
     * @param ctx     this handler's context
     * @param message the message written by a later handler or the application
     * @throws Exception any error; it goes to this handler's {@link #exceptionCaught}
     */
    default void write(HandlerContext ctx, Object message) throws Exception {
        ctx.write(message);
    }

    /**
     * Whether a {@link FileRegion} written through this handler reaches the handler before it unchanged, so that the
     * file can go to the socket with zero copy. A stage that changes the bytes on their way out (encrypts, compresses,
     * frames them) must see them and says no; a writer then reads the file into buffers and writes those
     * ({@link HandlerContext#canWriteFileRegion()}). Asked on the loop, once per file sent.
     *
     * <p>Default: yes for a handler whose class does not override {@link #write} (the default write passes every
     * message on as it is), no for one that does, since such a handler may not know what a region is. A handler that
     * overrides {@code write} and passes regions on unchanged (one that counts or logs writes, say) overrides this
     * method to say yes.
     *
     * @return true when file regions pass through this handler unchanged
     */
    default boolean passesFileRegions() {
        return !WriteOverride.of(getClass());
    }

    /**
     * Outbound: queued bytes should be written to the socket now. The connection also flushes through the
     * pipeline by itself when a read batch in which anything was written ends, and at the end of the loop's turn
     * after writes made outside a read batch, so a stage that holds bytes back (to frame or compress them
     * together) sees every flush.
     *
     * @param ctx this handler's context
     * @throws Exception any error; it goes to this handler's {@link #exceptionCaught}
     */
    default void flush(HandlerContext ctx) throws Exception {
        ctx.flush();
    }

    /**
     * Outbound: our side is done writing (a half-close): once queued bytes are written the peer gets our FIN,
     * and reading goes on. A stage that frames the stream (TLS, say) sends its own end first.
     *
     * @param ctx this handler's context
     * @throws Exception any error; it goes to this handler's {@link #exceptionCaught}
     */
    default void shutdownOutput(HandlerContext ctx) throws Exception {
        ctx.shutdownOutput();
    }

    /**
     * Outbound: the connection is to be closed once queued bytes are written.
     *
     * @param ctx this handler's context
     * @throws Exception any error; it is logged and the connection closes anyway
     */
    default void close(HandlerContext ctx) throws Exception {
        ctx.close();
    }
}
