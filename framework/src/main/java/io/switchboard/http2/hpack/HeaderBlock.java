package io.switchboard.http2.hpack;

import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * The bytes of a header block as {@link HpackEncoder} writes it: a byte array that grows as needed and is kept
 * from one block to the next, so encoding costs no allocation once it has grown to the connection's usual
 * heads. The connection cuts {@link #array()} from 0 to {@link #length()} into a HEADERS frame and, past the
 * peer's {@code SETTINGS_MAX_FRAME_SIZE}, CONTINUATION frames, then calls {@link #clear()}. Not thread-safe.
 */
public final class HeaderBlock {
    private byte[] bytes;
    private int length;

    /** An empty block with room for 256 bytes. */
    public HeaderBlock() {
        this(256);
    }

    /**
     * An empty block.
     *
     * @param capacity the bytes it holds before it first grows
     */
    public HeaderBlock(int capacity) {
        bytes = new byte[Math.max(16, capacity)];
    }

    /** {@return the number of bytes written since the last {@link #clear()}} */
    public int length() {
        return length;
    }

    /**
     * The bytes, valid from 0 to {@link #length()}; the array is replaced when the block grows, so take it again
     * after writing.
     *
     * @return the backing array, not a copy
     */
    public byte[] array() {
        return bytes;
    }

    /** {@return a copy of the bytes written} */
    public byte[] toByteArray() {
        return Arrays.copyOf(bytes, length);
    }

    /** {@return a read-only buffer over the bytes written, sharing them (valid until the next write or clear)} */
    public ByteBuffer asBuffer() {
        return ByteBuffer.wrap(bytes, 0, length).asReadOnlyBuffer();
    }

    /** Forgets the bytes written, keeping the array. */
    public void clear() {
        length = 0;
    }

    /** Makes room for {@code n} more bytes. */
    void ensure(int n) {
        if (length + n > bytes.length) {
            bytes = Arrays.copyOf(bytes, Math.max(bytes.length * 2, length + n));
        }
    }

    /** Appends one byte; room must have been made. */
    void put(int b) {
        bytes[length++] = (byte) b;
    }

    /** The position to write at, for writers that fill the array directly after {@link #ensure}. */
    int position() {
        return length;
    }

    /** Moves the end after bytes written directly into {@link #array()}. */
    void position(int position) {
        length = position;
    }
}
