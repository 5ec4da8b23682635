package io.switchboard.websocket;

import java.nio.ByteBuffer;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

/**
 * Inflates the payload of compressed messages (RFC 7692 section 7.2.2) straight into the {@link MessageBuffer}, a
 * piece at a time as masked bytes arrive, so the inflated size is bounded while inflating: the inflater is never
 * given more room than one byte past the message limit, and the byte past it fails the message with
 * {@link CloseStatus#MESSAGE_TOO_BIG}. A bomb (a few KiB that would inflate to gigabytes) costs at most the limit.
 *
 * <p>The {@link Inflater} (about 40 KiB of native memory once it has inflated something: 7 KiB of state and a 32 KiB
 * window; see docs/websocket.md)
 * is made when the first compressed message arrives. When the peer keeps no context between messages, it is reset
 * after each one and may be {@linkplain #release released} while the connection is idle; otherwise it must live as
 * long as the connection, since the peer's next message may refer to the bytes of earlier ones. Loop thread only;
 * one per connection.
 */
final class MessageInflater {
    /** The empty stored block the sender removed from the end of each message. */
    private static final byte[] TAIL = {0, 0, (byte) 0xFF, (byte) 0xFF};
    /** The most room handed to the inflater at once. */
    private static final int STEP = 16 * 1024;

    private final Scratch scratch;
    private final boolean peerTakesContext;
    private Inflater inflater;
    private long lastUsedNanos;

    MessageInflater(Scratch scratch, boolean peerTakesContext) {
        this.scratch = scratch;
        this.peerTakesContext = peerTakesContext;
    }

    /**
     * Unmasks {@code length} compressed bytes of {@code in} from {@code at} and inflates them into {@code out}.
     *
     * @return the mask phase after these bytes
     * @throws WebSocketException when the message goes past its limit, is not valid UTF-8 (text), or the compressed
     *                            data is broken ({@link CloseStatus#PROTOCOL_ERROR})
     */
    int inflate(ByteBuffer in, int at, int length, boolean masked, int key, int phase, MessageBuffer out) {
        Inflater z = inflater();
        byte[] chunk = scratch.inflateInput();
        int done = 0;
        while (done < length) {
            int n = Math.min(chunk.length, length - done);
            if (masked) {
                phase = Masking.apply(in, at + done, chunk, 0, n, key, phase);
            } else {
                in.get(at + done, chunk, 0, n);
            }
            z.setInput(chunk, 0, n);
            drain(z, out);
            done += n;
        }
        return phase;
    }

    /**
     * The message's last frame is in: inflates the removed tail, then forgets the message's context if the peer
     * keeps none (or ended its stream with a final block).
     */
    void endMessage(MessageBuffer out, long nowNanos) {
        Inflater z = inflater();
        if (!z.finished()) {
            z.setInput(TAIL);
            drain(z, out);
        }
        if (!peerTakesContext || z.finished()) {
            z.reset();
        }
        lastUsedNanos = nowNanos;
    }

    /** {@return true when the inflater may be let go while the connection is idle: the peer keeps no context} */
    boolean releasable() {
        return !peerTakesContext;
    }

    /** {@return when a message last ended, on the loop's clock} */
    long lastUsedNanos() {
        return lastUsedNanos;
    }

    /** {@return true while the inflater (and its native memory) exists} */
    boolean holdsMemory() {
        return inflater != null;
    }

    /** Frees the inflater's native memory; the next compressed message makes a new one. */
    void release() {
        if (inflater != null) {
            inflater.end();
            inflater = null;
        }
    }

    private Inflater inflater() {
        if (inflater == null) {
            inflater = new Inflater(true);
        }
        return inflater;
    }

    private static void drain(Inflater z, MessageBuffer out) {
        while (true) {
            int room = out.room(STEP);
            int n;
            try {
                n = z.inflate(out.array(), out.size(), room);
            } catch (DataFormatException e) {
                throw new WebSocketException(CloseStatus.PROTOCOL_ERROR, "compressed message is broken: " + e.getMessage());
            }
            if (n > 0) {
                out.added(n);
            } else if (z.needsDictionary()) {
                throw new WebSocketException(CloseStatus.PROTOCOL_ERROR, "compressed message asks for a dictionary");
            } else {
                // With room to spare, no output means the inflater needs input (or its stream ended).
                return;
            }
        }
    }
}
