package io.switchboard.websocket;

import io.switchboard.pipeline.HandlerContext;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * The sending side of one connection: turns messages and their fragments into frames, decides which to compress,
 * and keeps a message sent in fragments whole (its fragments follow each other; control frames may come between).
 * Loop thread only; one per connection.
 */
final class Sender {
    /** The longest close reason: a control payload of 125 bytes less the status code. */
    static final int MAX_REASON = Opcode.MAX_CONTROL_PAYLOAD - 2;

    private final Scratch scratch;
    private final FrameWriter frames;
    /** Null when permessage-deflate was not negotiated. */
    private final MessageDeflater deflater;
    private final int threshold;
    /** {@link Opcode#TEXT} or {@link Opcode#BINARY} while a message sent in fragments is open, else 0. */
    private int open;
    private boolean openCompressed;
    /** A high surrogate that ended a text fragment: it goes out with the low surrogate that starts the next. */
    private char pendingHigh;

    Sender(Scratch scratch, boolean mask, MessageDeflater deflater, int threshold) {
        this.scratch = scratch;
        this.frames = new FrameWriter(scratch, mask);
        this.deflater = deflater;
        this.threshold = threshold;
    }

    /** {@return true while a message sent in fragments has not had its last one} */
    boolean messageOpen() {
        return open != 0;
    }

    /**
     * Sends text: a whole message, or a fragment of one ({@code last} false until its last fragment).
     *
     * @throws IllegalStateException when a binary message sent in fragments is open
     */
    void text(HandlerContext ctx, String text, boolean last, long nowNanos) {
        int opcode = begin(Opcode.TEXT);
        if (pendingHigh != 0) {
            text = pendingHigh + text;
            pendingHigh = 0;
        }
        if (!last && !text.isEmpty() && Character.isHighSurrogate(text.charAt(text.length() - 1))) {
            pendingHigh = text.charAt(text.length() - 1);
            text = text.substring(0, text.length() - 1);
        }
        boolean compress = compress(opcode, text.length());
        if (!compress) {
            frames.text(ctx, first(opcode, last), text);
        } else {
            byte[] lent = text.length() * 3 <= Scratch.MAX_LENT ? scratch.lendText(text.length() * 3) : null;
            try {
                byte[] bytes = lent != null ? lent : text.getBytes(StandardCharsets.UTF_8);
                int length = lent != null ? Utf8.encode(text, lent, 0, lent.length) : bytes.length;
                deflater.write(ctx, frames, opcode, last, bytes, 0, length, nowNanos);
            } finally {
                if (lent != null) {
                    scratch.giveBackText();
                }
            }
        }
        end(Opcode.TEXT, last, compress);
    }

    /**
     * Sends {@code length} bytes of {@code data} from {@code offset}: a whole binary message, or a fragment of one.
     *
     * @throws IllegalStateException when a text message sent in fragments is open
     */
    void binary(HandlerContext ctx, byte[] data, int offset, int length, boolean last, long nowNanos) {
        int opcode = begin(Opcode.BINARY);
        boolean compress = compress(opcode, length);
        if (compress) {
            deflater.write(ctx, frames, opcode, last, data, offset, length, nowNanos);
        } else {
            frames.bytes(ctx, first(opcode, last), data, offset, length);
        }
        end(Opcode.BINARY, last, compress);
    }

    /** As {@link #binary(HandlerContext, byte[], int, int, boolean, long)}, for a buffer's remaining bytes (taken). */
    void binary(HandlerContext ctx, ByteBuffer data, boolean last, long nowNanos) {
        int opcode = begin(Opcode.BINARY);
        boolean compress = compress(opcode, data.remaining());
        if (compress) {
            deflater.write(ctx, frames, opcode, last, data, nowNanos);
        } else {
            frames.buffer(ctx, first(opcode, last), data);
        }
        end(Opcode.BINARY, last, compress);
    }

    /**
     * Sends a message framed once for many connections: its bytes as they are when this side would send the same
     * bytes (it does not mask, would not compress this message, and has no message in fragments open), else the
     * message encoded as {@link #text} or {@link #binary(HandlerContext, byte[], int, int, boolean, long)} would.
     *
     * @throws IllegalStateException when a message of the other kind sent in fragments is open
     */
    void frame(HandlerContext ctx, WebSocketFrame frame, long nowNanos) {
        int kind = frame.opcode();
        if (open == 0 && !frames.masks() && !compress(kind, frame.thresholdLength())) {
            ctx.write(frame.bytes());
        } else if (frame.isText()) {
            text(ctx, frame.text(), true, nowNanos);
        } else {
            binary(ctx, frame.bytes(), frame.payloadAt(), frame.length(), true, nowNanos);
        }
    }

    /** Sends a ping or pong with {@code length} bytes of payload (at most 125). */
    void control(HandlerContext ctx, int opcode, byte[] payload, int offset, int length) {
        assert length <= Opcode.MAX_CONTROL_PAYLOAD;
        frames.bytes(ctx, Opcode.FIN | opcode, payload, offset, length);
    }

    /**
     * Sends a close frame: {@code status} and {@code reason} (cut to 123 bytes of UTF-8 at a character's start), or
     * an empty payload when {@code status} is {@link CloseStatus#NO_STATUS}.
     */
    void close(HandlerContext ctx, int status, String reason) {
        if (status == CloseStatus.NO_STATUS) {
            frames.bytes(ctx, Opcode.FIN | Opcode.CLOSE, scratch.out, 0, 0);
            return;
        }
        byte[] text = reason == null ? new byte[0] : reason.getBytes(StandardCharsets.UTF_8);
        int length = Math.min(text.length, MAX_REASON);
        while (length < text.length && length > 0 && (text[length] & 0xC0) == 0x80) {
            length--;
        }
        byte[] payload = new byte[2 + length];
        payload[0] = (byte) (status >>> 8);
        payload[1] = (byte) status;
        System.arraycopy(text, 0, payload, 2, length);
        frames.bytes(ctx, Opcode.FIN | Opcode.CLOSE, payload, 0, payload.length);
    }

    /** {@return the opcode of the next data frame of kind {@code kind}} */
    private int begin(int kind) {
        if (open == 0) {
            return kind;
        }
        if (open != kind) {
            throw new IllegalStateException("a " + (open == Opcode.TEXT ? "text" : "binary")
                    + " message sent in fragments is not finished");
        }
        return Opcode.CONTINUATION;
    }

    private boolean compress(int opcode, int length) {
        if (deflater == null) {
            return false;
        }
        return opcode == Opcode.CONTINUATION ? openCompressed : length >= threshold;
    }

    private void end(int kind, boolean last, boolean compressed) {
        if (last) {
            open = 0;
            openCompressed = false;
        } else if (open == 0) {
            open = kind;
            openCompressed = compressed;
        }
    }

    private static int first(int opcode, boolean last) {
        return last ? Opcode.FIN | opcode : opcode;
    }
}
