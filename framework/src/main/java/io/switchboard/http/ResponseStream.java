package io.switchboard.http;

/**
 * The body of a streamed response, written in chunks from any thread. Thread-safe; the writes of one
 * thread keep their order. Writes after {@link #end} or after the connection closed are dropped.
 */
public interface ResponseStream {

    /**
     * Sends {@code bytes} as one chunk (empty arrays are skipped: an empty chunk would end the body).
     *
     * @param bytes the chunk; not copied, so do not change it afterwards
     */
    void write(byte[] bytes);

    /**
     * Sends {@code text} in UTF-8 as one chunk.
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

    /** {@return false once the stream ended or its connection closed: a producer should stop} */
    boolean isOpen();

    /**
     * {@return true while the connection's outbound queue is below its high watermark} A producer that can
     * wait (a file, a query cursor) should pause while this is false, so that a slow client costs the server
     * no more than the watermark; chunks written anyway are queued up to the connection's hard limit.
     */
    boolean isWritable();
}
