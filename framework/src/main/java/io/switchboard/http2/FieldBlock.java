package io.switchboard.http2;

import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * A field block being gathered from a HEADERS frame without END_HEADERS and the CONTINUATION frames after it, until
 * the one with END_HEADERS: the block is decoded whole, once. Its bytes and frames are bounded before they get here,
 * at each frame header, by the {@link Http2FrameReader} ({@link Http2Config#maxHeaderBlockBytes()},
 * {@link Http2Config#maxContinuationFrames()}). The array grows to what arrived and is kept for the next block unless
 * it grew past 4 KiB. Loop thread only; one per connection.
 */
final class FieldBlock {
    private static final int KEPT = 4096;

    private boolean endStream;
    private byte[] bytes;
    private int length;

    /** Starts a block with its first fragment; {@code endStream} is the flag of the HEADERS frame that carries it. */
    void start(boolean endStream, ByteBuffer fragment) {
        this.endStream = endStream;
        this.length = 0;
        add(fragment);
    }

    /** Appends a CONTINUATION's fragment. */
    void add(ByteBuffer fragment) {
        int n = fragment.remaining();
        if (bytes == null || bytes.length - length < n) {
            bytes = Arrays.copyOf(bytes == null ? new byte[0] : bytes,
                    Math.max(length + n, bytes == null ? 1024 : bytes.length * 2));
        }
        fragment.get(bytes, length, n);
        length += n;
    }

    /** {@return true when the HEADERS frame that began the block ended its stream} */
    boolean endStream() {
        return endStream;
    }

    /** {@return the whole block, valid until the next {@link #start}} */
    ByteBuffer finish() {
        return ByteBuffer.wrap(bytes, 0, length);
    }

    /** The block was decoded: a large array is let go. */
    void done() {
        if (bytes != null && bytes.length > KEPT) {
            bytes = null;
        }
    }
}
