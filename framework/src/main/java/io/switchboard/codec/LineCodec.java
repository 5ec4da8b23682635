package io.switchboard.codec;

import io.switchboard.pipeline.HandlerContext;
import java.nio.ByteBuffer;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;

/**
 * Lines of text: decodes each line ended by LF or CRLF into a {@link String} without its ending, and
 * encodes each {@link CharSequence} written as that text plus LF. A line longer than {@code maxLength}
 * bytes (its ending not counted) closes the connection with a {@link FrameTooLongException}.
 * Loop thread only; one instance per connection.
 */
public final class LineCodec extends Decoder {
    private static final byte LF = '\n';
    private static final byte CR = '\r';

    private final int maxLength;
    private final Charset charset;
    private final byte[] newline;
    /** Bytes at the start of the input already searched for LF, so a long line is scanned once. */
    private int scanned;

    /**
     * UTF-8 lines of at most {@code maxLength} bytes.
     *
     * @param maxLength longest line accepted, in bytes, its ending not counted; must be positive
     */
    public LineCodec(int maxLength) {
        this(maxLength, StandardCharsets.UTF_8);
    }

    /**
     * Lines in {@code charset} of at most {@code maxLength} bytes.
     *
     * @param maxLength longest line accepted, in bytes, its ending not counted; must be positive
     * @param charset   the charset lines are decoded from and encoded in
     */
    public LineCodec(int maxLength, Charset charset) {
        super(maxLength + 2);
        if (maxLength < 1) {
            throw new IllegalArgumentException("maxLength must be positive, got " + maxLength);
        }
        this.maxLength = maxLength;
        this.charset = charset;
        this.newline = "\n".getBytes(charset);
    }

    @Override
    protected Object decode(HandlerContext ctx, ByteBuffer in) {
        int start = in.position();
        int limit = in.limit();
        int searchEnd = Math.min(limit, start + maxLength + 2);
        for (int i = start + scanned; i < searchEnd; i++) {
            if (in.get(i) == LF) {
                scanned = 0;
                int end = i > start && in.get(i - 1) == CR ? i - 1 : i;
                if (end - start > maxLength) {
                    throw tooLong();
                }
                String line = text(in, start, end - start);
                in.position(i + 1);
                return line;
            }
        }
        scanned = searchEnd - start;
        if (limit - start > maxLength + 1) {
            throw tooLong();
        }
        return null;
    }

    @Override
    public void write(HandlerContext ctx, Object message) {
        if (message instanceof CharSequence) {
            byte[] text = message.toString().getBytes(charset);
            ByteBuffer line = ByteBuffer.allocate(text.length + newline.length);
            ctx.write(line.put(text).put(newline).flip());
        } else {
            ctx.write(message);
        }
    }

    private String text(ByteBuffer in, int offset, int length) {
        if (in.hasArray()) {
            return new String(in.array(), in.arrayOffset() + offset, length, charset);
        }
        byte[] bytes = new byte[length];
        in.get(offset, bytes);
        return new String(bytes, charset);
    }

    private FrameTooLongException tooLong() {
        scanned = 0;
        return new FrameTooLongException("line longer than " + maxLength + " bytes");
    }
}
