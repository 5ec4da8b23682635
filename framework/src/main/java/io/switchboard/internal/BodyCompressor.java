package io.switchboard.internal;

/**
 * An answer's body compressed in the coding the client accepts, for the HTTP/2 connection (the HTTP package's
 * deflater, made through {@link HttpAccess.Bridge#compressor}). Compressed bytes go to an {@link Output} as they are
 * made; the array they are in is reused once it returns. Its deflater's memory is held from the head until
 * {@link #release()}, which the connection calls when the answer ends or its stream closes. Loop thread only.
 */
public interface BodyCompressor {
    /** Takes compressed bytes. */
    interface Output {
        /**
         * Takes {@code bytes[from, to)}; copy what is kept.
         *
         * @param bytes the array
         * @param from  the first byte
         * @param to    past the last byte
         */
        void take(byte[] bytes, int from, int to);
    }

    /** {@return the coding's token for {@code content-encoding}: {@code gzip} or {@code deflate}} */
    String coding();

    /**
     * Compresses bytes, without a flush.
     *
     * @param bytes the array
     * @param off   the first byte
     * @param len   how many
     * @param out   takes full pieces
     */
    void write(byte[] bytes, int off, int len, Output out);

    /**
     * Flushes what was written, so the client can decode all of it now.
     *
     * @param out takes the compressed bytes
     */
    void flush(Output out);

    /**
     * Ends the compressed stream (with the wrapper's trailer).
     *
     * @param out takes the rest
     */
    void finish(Output out);

    /** Gives the deflater and its memory back; later calls do nothing. */
    void release();
}
