package io.switchboard.internal;

import io.switchboard.http.HttpHeaders;
import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * The connection's side of a request body streamed to its handler, as the HTTP/2 connection feeds it (the HTTP
 * package's own body, made through {@link HttpAccess.Bridge#streamedBody}). Its backpressure is the stream's window:
 * the connection learns what the reader took through {@link #takeConsumed()} and gives that much window back. Loop
 * thread only, except where a method says otherwise.
 */
public interface BodyFeed {
    /**
     * Copies the bytes of {@code slice} into a chunk for the reader.
     *
     * @param slice the body bytes
     * @return false, and nothing kept, when holding them would take the memory budget past its limit
     */
    boolean push(ByteBuffer slice);

    /**
     * The whole body arrived.
     *
     * @param trailers its trailer fields, or null for none
     */
    void end(HttpHeaders trailers);

    /**
     * The body is cut short: the reader gets {@code error} from its next read; its chunks not read are dropped.
     * Nothing happens to a body read to its end. Thread-safe.
     *
     * @param error what the reader gets
     */
    void fail(IOException error);

    /** {@return the bytes the reader took since the last call} Thread-safe. */
    long takeConsumed();

    /**
     * {@return true when {@code error} is (or is caused by) this body's failure} Thread-safe.
     *
     * @param error what a handler failed with
     */
    boolean isFailure(Throwable error);
}
