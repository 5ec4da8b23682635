package io.switchboard.websocket;

import io.switchboard.pipeline.HandlerContext;
import java.nio.ByteBuffer;
import java.util.zip.Deflater;

/**
 * Compresses outgoing messages (RFC 7692 section 7.2.1) straight into the loop's {@link Scratch}, a chunk at a time,
 * and writes each chunk as a frame, so a large message costs no buffer of its own: a message whose compressed form
 * fills more than one chunk leaves as several frames, the first with RSV1 set, the rest continuation frames. Each
 * part is flushed with {@link Deflater#SYNC_FLUSH}; at the end of the message the four bytes of its empty stored
 * block ({@code 00 00 FF FF}) are left off, holding back the last four bytes of every chunk until the next one
 * shows whether they were the tail.
 *
 * <p>The {@link Deflater} (zlib's 256 KiB of native memory, about 80 KiB of it resident from the start and the rest as
 * messages fill its window; see docs/websocket.md) is made when the first message is
 * compressed and, since a sender may always choose to forget its context, it is {@linkplain #release released}
 * whenever the connection has compressed nothing for a while: the next message starts a fresh context, which costs
 * a little ratio on that message only. Without context takeover it is reset after every message. Loop thread only;
 * one per connection.
 */
final class MessageDeflater {
    /** Room for the four bytes carried from one chunk to the next, before {@link Scratch#PAYLOAD_AT}'s header room. */
    private static final int CARRY_ROOM = 4;
    private static final int START = Scratch.PAYLOAD_AT;

    private final int level;
    private final boolean keepContext;
    private final byte[] carried = new byte[CARRY_ROOM];
    private Deflater deflater;
    private long lastUsedNanos;

    MessageDeflater(int level, boolean keepContext) {
        this.level = level;
        this.keepContext = keepContext;
    }

    /**
     * Compresses {@code length} bytes of {@code payload} from {@code offset} as one part of a message and writes the
     * frames.
     *
     * @param opcode {@link Opcode#TEXT} or {@link Opcode#BINARY} for a message's first part, else
     *               {@link Opcode#CONTINUATION}
     * @param last   true for the message's last part
     */
    void write(HandlerContext ctx, FrameWriter frames, int opcode, boolean last, byte[] payload, int offset, int length,
               long nowNanos) {
        deflater().setInput(payload, offset, length);
        compress(ctx, frames, opcode, last, nowNanos);
    }

    /** As {@link #write(HandlerContext, FrameWriter, int, boolean, byte[], int, int, long)}, for a buffer's remaining bytes. */
    void write(HandlerContext ctx, FrameWriter frames, int opcode, boolean last, ByteBuffer payload, long nowNanos) {
        deflater().setInput(payload);
        compress(ctx, frames, opcode, last, nowNanos);
    }

    /** {@return when a message was last compressed, on the loop's clock} */
    long lastUsedNanos() {
        return lastUsedNanos;
    }

    /** {@return true while the deflater (and its native memory) exists} */
    boolean holdsMemory() {
        return deflater != null;
    }

    /** Frees the deflater's native memory; the next message compressed makes a new one, with a fresh context. */
    void release() {
        if (deflater != null) {
            deflater.end();
            deflater = null;
        }
    }

    private Deflater deflater() {
        if (deflater == null) {
            deflater = new Deflater(level, true);
        }
        return deflater;
    }

    private void compress(HandlerContext ctx, FrameWriter frames, int opcode, boolean last, long nowNanos) {
        byte[] out = frames.scratch();
        Deflater z = deflater;
        int first = opcode == Opcode.CONTINUATION ? Opcode.CONTINUATION : opcode | Opcode.RSV1;
        int carry = 0;
        while (true) {
            int n = z.deflate(out, START, Scratch.CHUNK, Deflater.SYNC_FLUSH);
            if (n == Scratch.CHUNK) {
                // More may follow: send all but the last four bytes, which may turn out to be the tail.
                System.arraycopy(out, START + n - CARRY_ROOM, carried, 0, CARRY_ROOM);
                frames.fromScratch(ctx, first, START - carry, START + n - CARRY_ROOM);
                if (deflater != z) {
                    return; // the write closed the connection, which released the deflater
                }
                System.arraycopy(carried, 0, out, START - CARRY_ROOM, CARRY_ROOM);
                carry = CARRY_ROOM;
                first = Opcode.CONTINUATION;
                continue;
            }
            int end = START + n;
            if (last) {
                assert out[end - 4] == 0 && out[end - 3] == 0 && out[end - 2] == (byte) 0xFF && out[end - 1] == (byte) 0xFF
                        : "a sync flush ends with an empty stored block";
                end -= 4;
            }
            frames.fromScratch(ctx, last ? first | Opcode.FIN : first, START - carry, end);
            break;
        }
        if (last && !keepContext && deflater == z) {
            z.reset();
        }
        lastUsedNanos = nowNanos;
    }
}
