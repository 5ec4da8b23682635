package io.switchboard.bench;

import io.switchboard.pipeline.Handler;
import io.switchboard.pipeline.HandlerContext;
import java.nio.ByteBuffer;
import java.util.SplittableRandom;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One load connection: sends a message of random bytes, waits until exactly those bytes came back,
 * compares them, and sends the next. Each message is a different window of the connection's random
 * pattern, so a server that replays or reorders bytes is caught. A byte that differs, or any byte beyond
 * the message in flight, is an error and closes the connection. Loop thread only; one per connection.
 */
final class EchoLoadHandler implements Handler {
    private static final Logger log = LoggerFactory.getLogger(EchoLoadHandler.class);
    /** Distinct message start offsets within the pattern. */
    private static final int OFFSETS = 4096;
    /** Step between offsets; odd, so every offset is used before one repeats. */
    private static final int STEP = 1021;

    private final int size;
    private final byte[] pattern;
    private final ByteBuffer expected;
    private final EchoStats stats;
    private final BooleanSupplier stopping;
    private final Runnable onClosed;
    private int offset;
    /** Bytes of the message in flight that came back so far. */
    private int received;
    private long sentAt;
    private boolean failed;

    /**
     * @param size     bytes per message
     * @param seed     seed of this connection's random pattern
     * @param stats    where echoed messages and errors are counted
     * @param stopping true once the run is over: no new message is sent and a close is not an error
     * @param onClosed runs once when the connection closes
     */
    EchoLoadHandler(int size, long seed, EchoStats stats, BooleanSupplier stopping, Runnable onClosed) {
        this.size = size;
        this.pattern = new byte[size + OFFSETS];
        new SplittableRandom(seed).nextBytes(pattern);
        this.expected = ByteBuffer.wrap(pattern);
        this.stats = stats;
        this.stopping = stopping;
        this.onClosed = onClosed;
    }

    @Override
    public void connected(HandlerContext ctx) {
        send(ctx);
    }

    @Override
    public void read(HandlerContext ctx, Object message) {
        if (failed) {
            return;
        }
        ByteBuffer in = (ByteBuffer) message;
        while (in.hasRemaining()) {
            if (received == size) {
                fail(ctx, in.remaining() + " bytes arrived with no message in flight");
                return;
            }
            int n = Math.min(in.remaining(), size - received);
            int at = in.position();
            int limit = in.limit();
            expected.limit(offset + received + n).position(offset + received);
            in.limit(at + n);
            int mismatch = in.mismatch(expected);
            in.limit(limit);
            if (mismatch >= 0) {
                int index = received + mismatch;
                fail(ctx, String.format("byte %d of a %d-byte message differs: sent 0x%02x, got 0x%02x",
                        index, size, pattern[offset + index] & 0xFF, in.get(at + mismatch) & 0xFF));
                return;
            }
            in.position(at + n);
            received += n;
            if (received == size) {
                stats.echoed(size, System.nanoTime() - sentAt);
                if (!stopping.getAsBoolean()) {
                    offset = (offset + STEP) % OFFSETS;
                    send(ctx);
                }
            }
        }
    }

    @Override
    public void exceptionCaught(HandlerContext ctx, Throwable cause) {
        if (!failed && !stopping.getAsBoolean()) {
            failed = true;
            stats.error(ctx.connection() + ": " + cause);
            log.warn("{}: {}", ctx.connection(), cause.toString());
        }
        ctx.connection().abort();
    }

    @Override
    public void closed(HandlerContext ctx) {
        if (!failed && !stopping.getAsBoolean()) {
            failed = true;
            stats.error(ctx.connection() + " closed by the server");
            log.warn("{} closed by the server", ctx.connection());
        }
        onClosed.run();
    }

    private void send(HandlerContext ctx) {
        received = 0;
        sentAt = System.nanoTime();
        ctx.write(ByteBuffer.wrap(pattern, offset, size));
    }

    private void fail(HandlerContext ctx, String what) {
        failed = true;
        stats.error(ctx.connection() + ": " + what);
        log.warn("{}: {}", ctx.connection(), what);
        ctx.connection().close();
    }
}
