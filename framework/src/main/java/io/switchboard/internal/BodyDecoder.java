package io.switchboard.internal;

import java.nio.ByteBuffer;

/**
 * A request body's {@code gzip} or {@code deflate} decoder, for the HTTP/2 connection (the HTTP package's inflater,
 * made through {@link HttpAccess.Bridge#decoder}): the compressed bytes are fed as they arrive and the decoded ones
 * taken a piece at a time, the route's limit counting decoded bytes. Its methods throw
 * {@link io.switchboard.http.HttpException} 413 past the limit, 400 for broken data, 503 when the memory budget has
 * no room for an inflater. Loop thread only; one per body being decoded.
 */
public interface BodyDecoder {
    /**
     * Keeps a copy of compressed bytes.
     *
     * @param slice the bytes, read to their end
     */
    void feed(ByteBuffer slice);

    /** {@return the next piece of decoded bytes, valid until the next call; null when the bytes kept give no more} */
    ByteBuffer next();

    /** {@return the compressed bytes fed that {@link #next()} has not used yet} */
    int unusedInput();

    /** The body's last bytes arrived: checks that the compressed data ended with them (400 when not). */
    void finish();

    /** Ends the inflater, giving its memory back; later calls do nothing. */
    void release();
}
