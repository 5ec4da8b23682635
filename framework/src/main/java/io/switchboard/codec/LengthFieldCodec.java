package io.switchboard.codec;

import io.switchboard.pipeline.HandlerContext;
import java.nio.ByteBuffer;

/**
 * Frames with a big-endian length prefix of 1, 2, 4 or 8 bytes that counts the payload only. Decodes each
 * frame into a {@link ByteBuffer} of its payload (borrowed, like all inbound bytes: copy it to keep it);
 * encodes each {@code byte[]} or {@code ByteBuffer} written as a prefixed frame. A declared length over
 * {@code maxFrame} closes the connection with a {@link FrameTooLongException} before any of the payload is
 * buffered. Loop thread only; one instance per connection.
 */
public final class LengthFieldCodec extends Decoder {
    private final int lengthBytes;
    private final int maxFrame;

    /**
     * A codec for frames with a {@code lengthBytes}-byte prefix and payloads of at most {@code maxFrame} bytes.
     *
     * @param lengthBytes size of the prefix: 1, 2, 4 or 8
     * @param maxFrame    largest payload accepted or written
     */
    public LengthFieldCodec(int lengthBytes, int maxFrame) {
        super(maxFrame + lengthBytes);
        if (lengthBytes != 1 && lengthBytes != 2 && lengthBytes != 4 && lengthBytes != 8) {
            throw new IllegalArgumentException("lengthBytes must be 1, 2, 4 or 8, got " + lengthBytes);
        }
        if (maxFrame < 0 || maxFrame > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("maxFrame out of range: " + maxFrame);
        }
        this.lengthBytes = lengthBytes;
        this.maxFrame = maxFrame;
    }

    @Override
    protected Object decode(HandlerContext ctx, ByteBuffer in) {
        if (in.remaining() < lengthBytes) {
            return null;
        }
        int start = in.position();
        long length = length(in, start);
        if (length < 0 || length > maxFrame) {
            throw new FrameTooLongException("frame of " + Long.toUnsignedString(length)
                    + " bytes over the limit of " + maxFrame);
        }
        int size = (int) length;
        if (in.remaining() < lengthBytes + size) {
            return null;
        }
        ByteBuffer frame = in.slice(start + lengthBytes, size);
        in.position(start + lengthBytes + size);
        return frame;
    }

    @Override
    public void write(HandlerContext ctx, Object message) {
        ByteBuffer payload;
        if (message instanceof byte[]) {
            payload = ByteBuffer.wrap((byte[]) message);
        } else if (message instanceof ByteBuffer) {
            payload = (ByteBuffer) message;
        } else {
            ctx.write(message);
            return;
        }
        int size = payload.remaining();
        if (size > maxFrame || (lengthBytes < 4 && size >= 1L << (8 * lengthBytes))) {
            throw new IllegalArgumentException("frame of " + size + " bytes does not fit a "
                    + lengthBytes + "-byte length or the limit of " + maxFrame);
        }
        ByteBuffer header = ByteBuffer.allocate(lengthBytes);
        switch (lengthBytes) {
            case 1 -> header.put((byte) size);
            case 2 -> header.putShort((short) size);
            case 4 -> header.putInt(size);
            default -> header.putLong(size);
        }
        ctx.write(header.flip());
        ctx.write(payload);
    }

    private long length(ByteBuffer in, int at) {
        return switch (lengthBytes) {
            case 1 -> in.get(at) & 0xFFL;
            case 2 -> in.getShort(at) & 0xFFFFL;
            case 4 -> in.getInt(at) & 0xFFFF_FFFFL;
            default -> in.getLong(at);
        };
    }
}
