package io.switchboard.websocket;

import io.switchboard.internal.BufferPool;
import io.switchboard.loop.EventLoop;
import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * The arrays WebSocket stages of one loop work in, so that an idle connection holds none: the message being read
 * (lent to one connection at a time, only while it handles a read), compressed input being unmasked for the
 * inflater, the frames being written, text being encoded for the deflater, and the client's masking keys. Loop
 * thread only; one per loop ({@link BufferPool#local}).
 */
final class Scratch {
    /** Room before a frame's payload in {@link #out}: the longest header (14 bytes) and four bytes carried over. */
    static final int PAYLOAD_AT = 18;
    /** The most payload bytes one outbound write carries from {@link #out}. */
    static final int CHUNK = 16 * 1024;
    /** The largest message array lent from the scratch; a message that grows past it gets its own. */
    static final int MAX_LENT = 64 * 1024;
    private static final int FIRST_LENT = 8 * 1024;

    /** Outbound frames are assembled here: header before {@link #PAYLOAD_AT}, payload after. */
    final byte[] out = new byte[PAYLOAD_AT + CHUNK];
    /** A view of {@link #out}, positioned for each write. */
    final ByteBuffer outView = ByteBuffer.wrap(out);

    private byte[] message = new byte[FIRST_LENT];
    private ByteBuffer messageView = ByteBuffer.wrap(message);
    private boolean messageLent;
    private byte[] inflateInput;
    private byte[] text;
    private boolean textLent;
    private MaskKeys keys;

    private Scratch() {
    }

    /** {@return the scratch of {@code loop}} Loop thread only. */
    static Scratch of(EventLoop loop) {
        return BufferPool.of(loop).local(Scratch.class, Scratch::new);
    }

    /**
     * Lends the message array to one message until {@link #giveBack}. A connection lends it while it handles a read
     * and gives it back before the read returns, so the only other borrower could be a connection whose read runs
     * inside this one's (a handler that flushes another connection, which resumes its reading).
     *
     * @return the array, or null when it is lent already
     */
    byte[] lend() {
        if (messageLent) {
            return null;
        }
        messageLent = true;
        return message;
    }

    /**
     * The lent array grown to at least {@code size} bytes (at most {@link #MAX_LENT}), its first {@code used} bytes
     * kept.
     */
    byte[] grow(int size, int used) {
        assert messageLent && size <= MAX_LENT;
        int capacity = message.length;
        while (capacity < size) {
            capacity *= 2;
        }
        message = Arrays.copyOf(message, Math.min(capacity, MAX_LENT));
        messageView = ByteBuffer.wrap(message);
        return message;
    }

    /** {@return a view of the lent message array, from 0 to {@code length}} It is reused for every message. */
    ByteBuffer view(int length) {
        return messageView.limit(length).position(0);
    }

    /** The message array is back. */
    void giveBack() {
        messageLent = false;
    }

    /** {@return the array compressed payload is unmasked into before it is inflated} */
    byte[] inflateInput() {
        if (inflateInput == null) {
            inflateInput = new byte[CHUNK];
        }
        return inflateInput;
    }

    /**
     * Lends an array of at least {@code size} bytes (at most {@link #MAX_LENT}) to encode text into for the deflater,
     * until {@link #giveBackText}.
     *
     * @return the array, or null when it is lent already
     */
    byte[] lendText(int size) {
        if (textLent) {
            return null;
        }
        if (text == null || text.length < size) {
            text = new byte[Math.max(size, 1024)];
        }
        textLent = true;
        return text;
    }

    /** The text array is back. */
    void giveBackText() {
        textLent = false;
    }

    /** {@return the loop's generator of masking keys} */
    MaskKeys keys() {
        if (keys == null) {
            keys = new MaskKeys();
        }
        return keys;
    }
}
