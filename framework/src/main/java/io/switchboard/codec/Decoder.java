package io.switchboard.codec;

import io.switchboard.internal.Cumulation;
import io.switchboard.pipeline.Connection;
import io.switchboard.pipeline.GracefulClose;
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
 * <p><b>Backpressure.</b> A read may hold many messages (pipelined commands, say), and the answers to the
 * first ones may already fill the connection's outbound queue. The decoder stops between two messages once the
 * connection is over its high watermark (it has passed on {@code writabilityChanged(false)} and
 * {@link Connection#isWritable()} is false): the connection has stopped reading by then, and the decoder keeps
 * the bytes it has not decoded. When the connection becomes writable again ({@code writabilityChanged(true)},
 * which the decoder passes on first) it decodes from where it stopped, without waiting for new bytes. So a
 * peer that pipelines requests and does not read makes the server hold the answers of about one high
 * watermark, not of every request it sent. While it is paused the decoder holds back the peer's
 * {@code inputClosed} and a {@link GracefulClose}, and passes them on once the bytes read before them are
 * decoded: every request that was read is answered before the close, as Redis does. A subclass that overrides
 * {@code writabilityChanged}, {@code inputClosed}, {@code userEvent}, {@code closed} or {@code removed} calls
 * the decoder's own method from it.
 *
 * <p>Bytes waiting for a complete message never exceed {@code maxBuffered}; past it the connection is
 * closed with a {@link FrameTooLongException}. While paused the decoder may keep more: whole messages not
 * decoded yet, at most the read that paused it (the connection reads no more until it is writable) on top of
 * an incomplete message. The cumulation is dropped whenever it is empty and when the connection closes, so an
 * idle or closed connection holds none. Loop thread only; one instance per connection.
 */
public abstract class Decoder implements Handler {
    /** Where the decoder stands between reads. */
    private enum State {
        /** Decodes bytes as they come. */
        READY,
        /** The connection is over its limit: bytes are kept undecoded until it is writable again. */
        PAUSED,
        /** The input broke the protocol or the connection closed: later bytes are ignored. */
        STOPPED
    }

    private final int maxBuffered;
    private final Cumulation cumulation = new Cumulation();
    private State state = State.READY;
    /** True while {@link #decode} runs, so that events fired from inside it do not start another decode. */
    private boolean decoding;
    /** True from a {@code writabilityChanged(false)} passed on until the next {@code writabilityChanged(true)}. */
    private boolean overLimit;
    private boolean inputClosedHeld;
    private boolean gracefulCloseHeld;

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

    /** {@return the number of bytes kept: waiting for the rest of a message, or for the connection to drain} */
    protected final int buffered() {
        return cumulation.size();
    }

    @Override
    public void read(HandlerContext ctx, Object message) throws Exception {
        if (!(message instanceof ByteBuffer)) {
            ctx.fireRead(message);
            return;
        }
        if (state == State.STOPPED) {
            return;
        }
        consume(ctx, cumulation.with((ByteBuffer) message));
    }

    /** Passes the change on, then, once writable again, decodes the bytes kept while paused. */
    @Override
    public void writabilityChanged(HandlerContext ctx, boolean writable) throws Exception {
        overLimit = !writable;
        ctx.fireWritabilityChanged(writable);
        if (writable && state == State.PAUSED && !decoding && !ctx.isRemoved()) {
            ByteBuffer kept = cumulation.kept();
            if (kept != null) {
                consume(ctx, kept);
            } else {
                state = State.READY;
                fireHeld(ctx);
            }
        }
    }

    /** Holds the peer's FIN back while paused: it comes after the bytes kept. */
    @Override
    public void inputClosed(HandlerContext ctx) throws Exception {
        if (state == State.PAUSED) {
            inputClosedHeld = true;
        } else {
            ctx.fireInputClosed();
        }
    }

    /** Holds a {@link GracefulClose} back while paused: the requests already read are answered first. */
    @Override
    public void userEvent(HandlerContext ctx, Object event) throws Exception {
        if (event == GracefulClose.INSTANCE && state == State.PAUSED) {
            gracefulCloseHeld = true;
        } else {
            ctx.fireUserEvent(event);
        }
    }

    /** Drops whatever is kept, so that a closed connection holds no input. */
    @Override
    public void closed(HandlerContext ctx) throws Exception {
        state = State.STOPPED;
        cumulation.take();
        inputClosedHeld = false;
        gracefulCloseHeld = false;
        ctx.fireClosed();
    }

    /**
     * Passes bytes still kept, then any event held back, on to the next handler, unless the decoder removed
     * itself while decoding (the decode that was running does it then).
     */
    @Override
    public void removed(HandlerContext ctx) {
        if (decoding) {
            return;
        }
        ByteBuffer rest = cumulation.take();
        if (rest != null) {
            ctx.fireRead(rest);
        }
        fireHeld(ctx);
    }

    /** Decodes what {@code in} holds, then keeps what is left (or hands it on, if the decoder was removed). */
    private void consume(HandlerContext ctx, ByteBuffer in) throws Exception {
        boolean paused;
        decoding = true;
        try {
            paused = decodeAll(ctx, in);
        } catch (Throwable t) {
            state = State.STOPPED;
            cumulation.take();
            throw t;
        } finally {
            decoding = false;
        }
        if (state == State.STOPPED) {
            cumulation.take();
            return;
        }
        if (ctx.isRemoved()) {
            cumulation.take();
            if (in.hasRemaining()) {
                ctx.fireRead(in);
            }
            fireHeld(ctx);
            return;
        }
        cumulation.done(in);
        state = paused ? State.PAUSED : State.READY;
        if (!paused) {
            fireHeld(ctx);
        }
    }

    /**
     * Decodes messages until the input runs out, the connection closes or goes over its limit, or the
     * decoder is removed.
     *
     * @return true when it stopped because the connection is over its limit, with bytes left to decode
     */
    private boolean decodeAll(HandlerContext ctx, ByteBuffer in) throws Exception {
        Connection connection = ctx.connection();
        while (in.hasRemaining() && connection.isOpen() && !ctx.isRemoved() && state != State.STOPPED) {
            if (overLimit && !connection.isWritable()) {
                return true;
            }
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
        if (in.remaining() > maxBuffered && connection.isOpen() && !ctx.isRemoved()) {
            throw new FrameTooLongException("more than " + maxBuffered + " bytes without a complete message");
        }
        return false;
    }

    private void fireHeld(HandlerContext ctx) {
        if (inputClosedHeld) {
            inputClosedHeld = false;
            ctx.fireInputClosed();
        }
        if (gracefulCloseHeld) {
            gracefulCloseHeld = false;
            ctx.fireUserEvent(GracefulClose.INSTANCE);
        }
    }
}
