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
 * write on the loop thread never waits (the loop must not block); a loop writer should pace itself with
 * {@link #isWritable()}, and past {@link io.switchboard.pipeline.ConnectionConfig#maxQueued()} bytes waiting
 * the connection is reset.
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
 */
public interface ResponseStream {

    /**
     * Sends {@code bytes} as one chunk (empty arrays are skipped: an empty chunk would end the body). From a
     * thread other than the loop, waits for room as described above.
     *
     * @param bytes the chunk; not copied, so do not change it afterwards
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
}
