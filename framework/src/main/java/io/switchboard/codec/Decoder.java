package io.switchboard.codec;

import io.switchboard.internal.Cumulation;
import io.switchboard.pipeline.Handler;
import io.switchboard.pipeline.HandlerContext;
import io.switchboard.pipeline.ProtocolException;
import java.nio.ByteBuffer;

/**
 * The base of framing decoders: turns the byte stream into messages, keeping the bytes of an incomplete
 * message between reads in a cumulation buffer of its own (the read buffer is only borrowed).
 *
 * <p>A subclass implements {@link #decode}: return one message and consume its bytes, or return null when
 * more bytes are needed. A decoder that keeps parse state in its own fields may consume the parts it has
 * already taken in (the elements of an array, say) and return null; what it does not consume is kept and
 * handed back with the next bytes. Decoding runs straight on the read buffer when
 * nothing is pending, so a read that holds whole messages costs no copy. A message may be a slice of the
 * input: like the input, it is borrowed until the next handler's {@code read} returns.
 *
 * <p>Bytes waiting for a complete message never exceed {@code maxBuffered}; past it the connection is
 * closed with a {@link FrameTooLongException}. The cumulation is dropped whenever it is empty, so an idle
 * connection holds none. Loop thread only; one instance per connection.
 */
public abstract class Decoder implements Handler {
    private final int maxBuffered;
    private final Cumulation cumulation = new Cumulation();
    private boolean failed;
    private boolean decoding;

    /**
     * A decoder that keeps at most {@code maxBuffered} bytes of an incomplete message.
     *
     * @param maxBuffered most bytes kept while waiting for the rest of a message
     */
    protected Decoder(int maxBuffered) {
        if (maxBuffered < 1) {
            throw new IllegalArgumentException("maxBuffered must be positive, got " + maxBuffered);
        }
        this.maxBuffered = maxBuffered;
    }

    /**
     * Decodes one message from {@code in} (readable between its position and limit).
     *
     * @param ctx this decoder's context in the pipeline
     * @param in  the bytes to decode: new input, or kept bytes with new input appended
     * @return the message, with its bytes consumed; or null when {@code in} holds no complete message
     *         (having consumed only what the decoder's own state now holds)
     * @throws ProtocolException when the input breaks the protocol (the connection closes)
     * @throws Exception         any other failure; like a protocol error it goes to
     *                           {@link Handler#exceptionCaught} and, unhandled, closes the connection
     */
    protected abstract Object decode(HandlerContext ctx, ByteBuffer in) throws Exception;

    /** {@return the number of bytes waiting for the rest of a message} */
    protected final int buffered() {
        return cumulation.size();
    }

    @Override
    public void read(HandlerContext ctx, Object message) throws Exception {
        if (!(message instanceof ByteBuffer)) {
            ctx.fireRead(message);
            return;
        }
        if (failed) {
            return;
        }
        ByteBuffer in = cumulation.with((ByteBuffer) message);
        decoding = true;
        try {
            decodeAll(ctx, in);
        } catch (Throwable t) {
            failed = true;
            cumulation.take();
            throw t;
        } finally {
            decoding = false;
        }
        if (ctx.isRemoved()) {
            cumulation.take();
            if (in.hasRemaining()) {
                ctx.fireRead(in);
            }
        } else {
            cumulation.done(in);
        }
    }

    /** Passes bytes still buffered on to the next handler, unless the decoder removed itself while decoding. */
    @Override
    public void removed(HandlerContext ctx) {
        if (decoding) {
            return;
        }
        ByteBuffer rest = cumulation.take();
        if (rest != null) {
            ctx.fireRead(rest);
        }
    }

    private void decodeAll(HandlerContext ctx, ByteBuffer in) throws Exception {
        while (in.hasRemaining() && ctx.connection().isOpen() && !ctx.isRemoved()) {
            int before = in.position();
            Object decoded = decode(ctx, in);
            if (decoded == null) {
                break;
            }
            if (in.position() == before) {
                throw new IllegalStateException(getClass().getSimpleName()
                        + ".decode returned a message without consuming input");
            }
            ctx.fireRead(decoded);
        }
        if (in.remaining() > maxBuffered && !ctx.isRemoved()) {
            throw new FrameTooLongException("more than " + maxBuffered + " bytes without a complete message");
        }
    }
}
