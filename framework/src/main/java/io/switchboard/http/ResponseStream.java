package io.switchboard.http;

/**
 * The body of a streamed response, written in chunks from any thread. Thread-safe; the writes of one
 * thread keep their order. Writes after {@link #end} or after the connection closed are dropped.
 *
 * <p><b>Backpressure.</b> A {@link #write} from a thread other than the connection's loop waits while the
 * stream's chunks not yet taken by the connection (those written, and those waiting behind earlier pipelined
 * answers) add up to the connection's high watermark
 * ({@link io.switchboard.pipeline.ConnectionConfig#highWatermark()}), or while the connection is not
 * writable. So a producer that outruns its client is slowed to the client's pace, and the server holds at
 * most about a watermark of its bytes. The wait ends as soon as chunks leave, the connection turns writable,
 * the stream ends or the connection closes; a write to a stream whose connection closed returns at once.
 * A writer that waits longer than {@link HttpConfig#sendTimeout()} without a chunk leaving, or that is
 * interrupted while it waits, gives up: the stream is cut and the connection reset (a body cut short always
 * ends with a reset, never a clean close that would look complete), and {@link #isOpen()} turns false. A
 * write on the loop thread never waits (the loop must not block): a loop writer writes while
 * {@link #isWritable()} is true, then asks {@link #onWritable} to call it back, and never polls. A loop writer
 * that ignores writability has its bytes queued, and past
 * {@link io.switchboard.pipeline.ConnectionConfig#maxQueued()} bytes waiting the connection is reset. A body
 * of any size reaches a client that keeps reading: the limits count the bytes waiting, not the body.
 *
 * <p><b>Framing.</b> A stream started with {@link HttpResponder#stream(HttpResponse, long)} announces its
 * length in {@code Content-Length} and is sent as it is written, with no chunk framing; writing more than
 * announced throws {@link IllegalStateException} and resets the connection, and ending it with fewer bytes
 * resets the connection too (a {@code HEAD} answer, which carries the length and no body, is not held to it).
 * A stream of unknown length goes out chunked to HTTP/1.1 clients and until the close to HTTP/1.0 ones.
 *
 * <p>A well-behaved producer stops as soon as {@link #isOpen()} is false, and always calls {@link #end}:
 * <pre>{@code
 * offload.execute(() -> {
 *     ResponseStream body = responder.stream(HttpResponse.of(200));
 *     try {
 *         while (body.isOpen() && rows.hasNext()) {
 *             body.write(rows.next());   // waits while the client is behind
 *         }
 *     } finally {
 *         body.end();
 *     }
 * });
 * }</pre>
 *
 * <p>A producer on the loop, which must never block, writes while it may and is called back for more:
 * <pre>{@code
 * void produce(ResponseStream body) {
 *     while (body.isWritable() && source.hasNext()) {
 *         body.write(source.next());
 *     }
 *     if (!source.hasNext() || !body.isOpen()) {
 *         body.end();
 *     } else {
 *         body.onWritable(() -> produce(body));
 *     }
 * }
 * }</pre>
 */
public interface ResponseStream {

    /**
     * Sends {@code bytes} as one chunk (empty arrays are skipped: an empty chunk would end the body). From a
     * thread other than the loop, waits for room as described above.
     *
     * @param bytes the chunk; not copied, so do not change it afterwards
     * @throws IllegalStateException when the bytes go past the announced {@code Content-Length} (the
     *                               connection is reset)
     */
    void write(byte[] bytes);

    /**
     * Sends {@code text} in UTF-8 as one chunk, as {@link #write(byte[])} does.
     *
     * @param text the chunk's text
     */
    void write(String text);

    /** Ends the body. */
    default void end() {
        end(null);
    }

    /**
     * Ends the body with trailer fields (sent to HTTP/1.1 clients only).
     *
     * @param trailers the trailer fields, or null for none
     */
    void end(HttpHeaders trailers);

    /**
     * {@return false once the stream ended, was cut or its connection closed: a producer should stop} Turns
     * false as soon as the connection's close or reset is asked for, from any thread.
     */
    boolean isOpen();

    /**
     * {@return true while a write would not wait: the stream is open, its chunks waiting are below the
     * connection's high watermark, and the connection's outbound queue is below its high watermark} A producer
     * that must not block (one on the loop, say) should pause while this is false.
     */
    boolean isWritable();

    /**
     * Asks for {@code callback} to run, once, on the connection's loop as soon as the stream can take more
     * ({@link #isWritable()} turns true: chunks left, or the client read enough that the connection's queue
     * fell to its low watermark), or is over ({@link #isOpen()} false, so that the producer stops). When it
     * can already, the callback runs soon, never inside this call. A later call replaces a callback that has
     * not run yet. What the callback throws fails the answer, as {@link HttpResponder#fail} does.
     *
     * @param callback what to run on the loop; it must not block
     */
    void onWritable(Runnable callback);
}
