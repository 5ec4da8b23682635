package io.switchboard.codec;

import io.switchboard.pipeline.Handler;
import io.switchboard.pipeline.HandlerContext;
import java.nio.ByteBuffer;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;

/**
 * The raw byte stream, as it comes: each read becomes a {@code byte[]} the next handler owns (it may keep
 * it or pass it to another thread), and each {@link CharSequence} written is encoded in the codec's
 * charset; {@code byte[]} and {@link ByteBuffer} pass through. Without any codec a pipeline sees the
 * borrowed read buffer itself, which is cheaper when the bytes are not kept. Stateless: one instance may
 * serve every connection.
 */
public final class RawCodec implements Handler {
    private final Charset charset;

    /** UTF-8 for written text. */
    public RawCodec() {
        this(StandardCharsets.UTF_8);
    }

    /**
     * {@code charset} for written text.
     *
     * @param charset the charset {@link CharSequence} messages are encoded in
     */
    public RawCodec(Charset charset) {
        this.charset = charset;
    }

    @Override
    public void read(HandlerContext ctx, Object message) {
        if (message instanceof ByteBuffer) {
            ByteBuffer in = (ByteBuffer) message;
            byte[] bytes = new byte[in.remaining()];
            in.get(bytes);
            ctx.fireRead(bytes);
        } else {
            ctx.fireRead(message);
        }
    }

    @Override
    public void write(HandlerContext ctx, Object message) {
        if (message instanceof CharSequence) {
            ctx.write(message.toString().getBytes(charset));
        } else {
            ctx.write(message);
        }
    }
}
