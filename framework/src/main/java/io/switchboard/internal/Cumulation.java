package io.switchboard.internal;

import java.nio.ByteBuffer;

/**
 * Bytes kept between reads while a message is incomplete: a heap buffer that exists only while it holds
 * something. Its bytes lie between the buffer's position and limit. Loop thread only; one per connection.
 */
public final class Cumulation {
    private static final int MIN_CAPACITY = 256;

    private ByteBuffer buffer;

    /** An empty cumulation: it allocates a buffer only when bytes must be kept. */
    public Cumulation() {
    }

    /** {@return true when nothing is kept} */
    public boolean isEmpty() {
        return buffer == null || !buffer.hasRemaining();
    }

    /** {@return the number of bytes kept} */
    public int size() {
        return buffer == null ? 0 : buffer.remaining();
    }

    /**
     * The buffer to parse next: {@code in} itself when nothing is kept (no copy), or the kept bytes with
     * {@code in} appended. Either way {@code in} is used up by the call or by the parse that follows.
     *
     * @param in the bytes just read, readable between position and limit
     * @return the buffer to parse, readable between its position and limit
     */
    public ByteBuffer with(ByteBuffer in) {
        if (isEmpty()) {
            buffer = null;
            return in;
        }
        append(in);
        return buffer;
    }

    /**
     * Ends a parse of the buffer {@link #with} returned: keeps its unparsed bytes (copying them when it was
     * the borrowed input) and drops the buffer when nothing is left.
     *
     * @param parsed the buffer {@link #with} returned, its position after the last byte parsed
     */
    public void done(ByteBuffer parsed) {
        if (parsed != buffer) {
            if (parsed.hasRemaining()) {
                buffer = ByteBuffer.allocate(Math.max(MIN_CAPACITY, parsed.remaining()));
                buffer.put(parsed).flip();
            }
        } else if (!buffer.hasRemaining()) {
            buffer = null;
        }
    }

    /** {@return the kept bytes, for a parse that does not come with new input; null when empty} */
    public ByteBuffer kept() {
        return isEmpty() ? null : buffer;
    }

    /**
     * Drops everything kept and returns it.
     *
     * @return the bytes that were kept, or null when there were none
     */
    public ByteBuffer take() {
        ByteBuffer rest = isEmpty() ? null : buffer;
        buffer = null;
        return rest;
    }

    private void append(ByteBuffer in) {
        int incoming = in.remaining();
        if (buffer.capacity() - buffer.limit() < incoming) {
            int needed = buffer.remaining() + incoming;
            if (needed <= buffer.capacity() && buffer.position() >= buffer.capacity() / 2) {
                buffer.compact().flip();
            } else {
                ByteBuffer bigger = ByteBuffer.allocate(Math.max(needed, Math.min(buffer.capacity() * 2, needed + (needed >> 1))));
                bigger.put(buffer).flip();
                buffer = bigger;
            }
        }
        int readIndex = buffer.position();
        buffer.position(buffer.limit()).limit(buffer.capacity());
        buffer.put(in);
        buffer.limit(buffer.position()).position(readIndex);
    }
}
