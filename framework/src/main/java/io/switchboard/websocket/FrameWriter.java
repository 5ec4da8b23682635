package io.switchboard.websocket;

import io.switchboard.pipeline.HandlerContext;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * Writes frames (RFC 6455 section 5.2) towards the socket through the stage's context. Headers, small payloads,
 * encoded text and masked payloads are assembled in the loop's {@link Scratch} and written from it: the next stage
 * copies what it is written before {@code write} returns, so the scratch is free again at once and nothing is
 * allocated per frame. A large payload is written as it is, after its header. A client masks every frame with a
 * fresh key from {@link MaskKeys}; a server never masks.
 *
 * <p>The scratch may be used again by a write made from inside {@code write} (a handler answering a writability
 * event, say), so a frame's bytes are never read back from it after a write. Loop thread only; one per connection.
 */
final class FrameWriter {
    /** Payloads up to this many bytes are copied next to their header and leave in one write. */
    static final int COPY_LIMIT = 1024;

    private final Scratch scratch;
    private final boolean mask;

    FrameWriter(Scratch scratch, boolean mask) {
        this.scratch = scratch;
        this.mask = mask;
    }

    /** {@return true when this side masks its frames (a client)} */
    boolean masks() {
        return mask;
    }

    /** {@return the array a caller may put a payload in, from {@link Scratch#PAYLOAD_AT}, before {@link #fromScratch}} */
    byte[] scratch() {
        return scratch.out;
    }

    /**
     * Writes a frame whose payload the caller put in {@link #scratch()} between {@code start} and {@code end}, where
     * {@code start} is at least 14 (room for the header).
     *
     * @param first the frame's first byte: FIN, RSV bits and opcode
     */
    void fromScratch(HandlerContext ctx, int first, int start, int end) {
        byte[] out = scratch.out;
        int length = end - start;
        int at = start - headerLength(length);
        int key = header(out, at, first, length);
        if (mask) {
            Masking.apply(out, start, out, start, length, key, 0);
        }
        ctx.write(scratch.outView.limit(end).position(at));
    }

    /** Writes a frame with {@code length} bytes of {@code payload} from {@code offset}. */
    void bytes(HandlerContext ctx, int first, byte[] payload, int offset, int length) {
        if (length <= COPY_LIMIT) {
            System.arraycopy(payload, offset, scratch.out, Scratch.PAYLOAD_AT, length);
            fromScratch(ctx, first, Scratch.PAYLOAD_AT, Scratch.PAYLOAD_AT + length);
        } else if (mask) {
            maskedChunks(ctx, first, ByteBuffer.wrap(payload, offset, length));
        } else {
            writeHeader(ctx, first, length);
            ctx.write(offset == 0 && length == payload.length ? payload : ByteBuffer.wrap(payload, offset, length));
        }
    }

    /** Writes a frame with the remaining bytes of {@code payload}, whose position moves to its limit. */
    void buffer(HandlerContext ctx, int first, ByteBuffer payload) {
        int length = payload.remaining();
        if (length <= COPY_LIMIT) {
            payload.get(scratch.out, Scratch.PAYLOAD_AT, length);
            fromScratch(ctx, first, Scratch.PAYLOAD_AT, Scratch.PAYLOAD_AT + length);
        } else if (mask) {
            maskedChunks(ctx, first, payload);
        } else {
            writeHeader(ctx, first, length);
            ctx.write(payload);
            payload.position(payload.limit());
        }
    }

    /** Writes a frame with {@code text} in UTF-8, encoded straight into the scratch when it fits in a chunk. */
    void text(HandlerContext ctx, int first, String text) {
        if (text.length() <= Scratch.CHUNK) {
            int end = Utf8.encode(text, scratch.out, Scratch.PAYLOAD_AT, Scratch.PAYLOAD_AT + Scratch.CHUNK);
            if (end >= 0) {
                fromScratch(ctx, first, Scratch.PAYLOAD_AT, end);
                return;
            }
        }
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        bytes(ctx, first, bytes, 0, bytes.length);
    }

    /** A header of its own, for a payload written after it. */
    private void writeHeader(HandlerContext ctx, int first, int length) {
        int at = Scratch.PAYLOAD_AT - headerLength(length);
        header(scratch.out, at, first, length);
        ctx.write(scratch.outView.limit(Scratch.PAYLOAD_AT).position(at));
    }

    /** A client's large payload: masked a chunk at a time into the scratch, the first chunk after the header. */
    private void maskedChunks(HandlerContext ctx, int first, ByteBuffer payload) {
        byte[] out = scratch.out;
        int length = payload.remaining();
        int at = Scratch.PAYLOAD_AT - headerLength(length);
        int key = header(out, at, first, length);
        int phase = 0;
        int done = 0;
        while (done < length) {
            int n = Math.min(Scratch.CHUNK, length - done);
            phase = Masking.apply(payload, payload.position() + done, out, Scratch.PAYLOAD_AT, n, key, phase);
            ctx.write(scratch.outView.limit(Scratch.PAYLOAD_AT + n).position(at));
            at = Scratch.PAYLOAD_AT;
            done += n;
        }
        payload.position(payload.limit());
    }

    /** {@return the length of the header of a frame with a {@code length}-byte payload} */
    private int headerLength(int length) {
        return (length < 126 ? 2 : length <= 0xFFFF ? 4 : 10) + (mask ? 4 : 0);
    }

    /**
     * Puts a header at {@code at}, ending where the payload starts, with the shortest length encoding.
     *
     * @return the masking key put in it, or 0 for a server's frame
     */
    private int header(byte[] out, int at, int first, int length) {
        int maskBit = mask ? Opcode.MASK : 0;
        out[at++] = (byte) first;
        if (length < 126) {
            out[at++] = (byte) (maskBit | length);
        } else if (length <= 0xFFFF) {
            out[at++] = (byte) (maskBit | 126);
            out[at++] = (byte) (length >>> 8);
            out[at++] = (byte) length;
        } else {
            out[at++] = (byte) (maskBit | 127);
            for (int shift = 56; shift >= 0; shift -= 8) {
                out[at++] = (byte) ((long) length >>> shift);
            }
        }
        if (!mask) {
            return 0;
        }
        int key = scratch.keys().next();
        out[at++] = (byte) (key >>> 24);
        out[at++] = (byte) (key >>> 16);
        out[at++] = (byte) (key >>> 8);
        out[at] = (byte) key;
        return key;
    }
}
