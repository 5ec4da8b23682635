package io.switchboard.bench;

import io.switchboard.loop.Scheduled;
import io.switchboard.pipeline.Handler;
import io.switchboard.pipeline.HandlerContext;
import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One keep-alive load connection. It keeps up to {@code depth} requests in flight (pipelined), and matches
 * responses to requests in order.
 * <ul>
 *   <li>Closed loop ({@code intervalNanos == 0}): each response sends the next request at once; latency is
 *       measured from the actual send.</li>
 *   <li>Constant rate: request {@code k} is due at {@code firstDue + k * intervalNanos}, whether or not
 *       earlier ones came back. Due requests wait while {@code depth} are in flight, and latency is measured
 *       from the due time, so a stalled server is charged for every request it delayed (no coordinated
 *       omission).</li>
 * </ul>
 * A response that does not parse, a reset or a close by the server count as errors and end the connection.
 * Loop thread only; one per connection.
 */
final class HttpLoadHandler implements Handler {
    private static final Logger log = LoggerFactory.getLogger(HttpLoadHandler.class);

    private final byte[] request;
    private final int depth;
    private final long intervalNanos;
    private final HttpLoadStats stats;
    private final BooleanSupplier stopping;
    private final Runnable onClosed;
    private final HttpResponseParser parser = new HttpResponseParser(this::response);
    /** Due times of requests: [head, sent) in flight, [sent, tail) due but waiting for a pipeline slot. */
    private long[] due = new long[64];
    private long head;
    private long sent;
    private long tail;
    private long nextDue;
    private HandlerContext ctx;
    private Scheduled timer;
    private boolean failed;

    /**
     * @param request       the encoded request, sent again and again
     * @param depth         most requests in flight
     * @param firstDue      {@link System#nanoTime()} at which the first request is due (constant rate only)
     * @param intervalNanos time between this connection's requests, or 0 for the closed loop
     * @param stats         where responses and errors are counted
     * @param stopping      true once the run is over: nothing more is sent and a close is not an error
     * @param onClosed      runs once when the connection closes
     */
    HttpLoadHandler(byte[] request, int depth, long firstDue, long intervalNanos, HttpLoadStats stats,
                    BooleanSupplier stopping, Runnable onClosed) {
        this.request = request;
        this.depth = depth;
        this.nextDue = firstDue;
        this.intervalNanos = intervalNanos;
        this.stats = stats;
        this.stopping = stopping;
        this.onClosed = onClosed;
    }

    @Override
    public void connected(HandlerContext ctx) {
        this.ctx = ctx;
        if (intervalNanos == 0) {
            long now = System.nanoTime();
            for (int i = 0; i < depth; i++) {
                enqueue(now);
            }
            sendWaiting();
        } else {
            tick();
        }
    }

    @Override
    public void read(HandlerContext ctx, Object message) {
        if (failed) {
            return;
        }
        try {
            parser.feed((ByteBuffer) message);
        } catch (IllegalStateException e) {
            failed = true;
            stats.parseError(ctx.connection() + ": " + e.getMessage());
            log.warn("{}: {}", ctx.connection(), e.getMessage());
            ctx.connection().abort();
        }
    }

    private void response(int status) {
        long now = System.nanoTime();
        if (head == sent) {
            throw new IllegalStateException("a response arrived with no request in flight");
        }
        stats.response(status, now - due[(int) (head++ & (due.length - 1))]);
        if (stopping.getAsBoolean()) {
            return;
        }
        if (intervalNanos == 0) {
            enqueue(now);
        }
        sendWaiting();
    }

    /** Constant rate: makes every request due by now waiting, sends what fits, and sleeps until the next. */
    private void tick() {
        timer = null;
        if (failed || stopping.getAsBoolean()) {
            return;
        }
        long now = System.nanoTime();
        while (nextDue <= now) {
            enqueue(nextDue);
            nextDue += intervalNanos;
        }
        sendWaiting();
        timer = ctx.loop().schedule(this::tick, nextDue - now, TimeUnit.NANOSECONDS);
    }

    private void enqueue(long dueNanos) {
        if (tail - head == due.length) {
            long[] bigger = new long[due.length * 2];
            for (long i = head; i < tail; i++) {
                bigger[(int) (i & (bigger.length - 1))] = due[(int) (i & (due.length - 1))];
            }
            due = bigger;
        }
        due[(int) (tail++ & (due.length - 1))] = dueNanos;
    }

    private void sendWaiting() {
        while (sent < tail && sent - head < depth) {
            if (intervalNanos == 0) {
                due[(int) (sent & (due.length - 1))] = System.nanoTime();
            }
            sent++;
            ctx.write(ByteBuffer.wrap(request));
        }
    }

    @Override
    public void exceptionCaught(HandlerContext ctx, Throwable cause) {
        if (!failed && !stopping.getAsBoolean()) {
            failed = true;
            stats.connectionError(ctx.connection() + ": " + cause);
            log.warn("{}: {}", ctx.connection(), cause.toString());
        }
        ctx.connection().abort();
    }

    @Override
    public void closed(HandlerContext ctx) {
        if (timer != null) {
            timer.cancel();
        }
        if (!failed && !stopping.getAsBoolean()) {
            failed = true;
            stats.connectionError(ctx.connection() + " closed by the server");
            log.warn("{} closed by the server", ctx.connection());
        }
        onClosed.run();
    }
}
