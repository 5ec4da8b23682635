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
 *   <li>Closed loop ({@code intervalNanos == 0}): each response lets the next request go; latency is
 *       measured from the actual send.</li>
 *   <li>Constant rate: request {@code k} is due at {@code firstDue + k * intervalNanos}, whether or not
 *       earlier ones came back. Due requests wait while {@code depth} are in flight, and latency is measured
 *       from the due time, so a stalled server is charged for every request it delayed (no coordinated
 *       omission).</li>
 * </ul>
 * The load generator runs on one thread, so the work per response is kept small:
 * <ul>
 *   <li>The clock is read once per read callback. That instant is the arrival time of every response in
 *       those bytes and, in the closed loop, the send time of the requests the callback sends (written at
 *       the end of the callback, they leave in the connection's one write of the read batch): latency then
 *       includes the parsing between the two, so it is never flattered.</li>
 *   <li>The requests a callback (or a constant-rate tick) sends go out as one buffer, cut from
 *       {@code requests}, the request repeated.</li>
 *   <li>Responses of one callback that were sent together have the same latency and are recorded as one
 *       value with a count.</li>
 * </ul>
 * A response that does not parse, a reset or a close by the server count as errors and end the connection.
 * Loop thread only; one per connection.
 */
final class HttpLoadHandler implements Handler {
    private static final Logger log = LoggerFactory.getLogger(HttpLoadHandler.class);
    /** Most bytes of requests that {@link #repeat} lays out back to back. */
    static final int MAX_BATCH_BYTES = 64 * 1024;

    private final ByteBuffer requests;
    private final int requestLength;
    private final int depth;
    private final long intervalNanos;
    private final HttpLoadStats stats;
    private final BooleanSupplier stopping;
    private final Runnable onClosed;
    private final HttpResponseParser parser = new HttpResponseParser(this::response);
    /** Due (or send) times of requests: [head, sent) in flight, [sent, tail) due but waiting for a slot. */
    private long[] due = new long[64];
    private long head;
    private long sent;
    private long tail;
    private long nextDue;
    /** The clock at the start of the current read callback. */
    private long now;
    /** Responses of this callback not yet recorded: {@code runLength} of them sent at {@code runDue}. */
    private long runDue;
    private int runLength;
    private HandlerContext ctx;
    private Scheduled timer;
    private boolean failed;

    /**
     * @param requests      the encoded request, repeated back to back as {@link #repeat} lays it out; the
     *                      handler writes slices of it (the connection copies the bytes of a written buffer)
     * @param requestLength bytes of one request
     * @param depth         most requests in flight
     * @param firstDue      {@link System#nanoTime()} at which the first request is due (constant rate only)
     * @param intervalNanos time between this connection's requests, or 0 for the closed loop
     * @param stats         where responses and errors are counted
     * @param stopping      true once the run is over: nothing more is sent and a close is not an error
     * @param onClosed      runs once when the connection closes
     */
    HttpLoadHandler(byte[] requests, int requestLength, int depth, long firstDue, long intervalNanos,
                    HttpLoadStats stats, BooleanSupplier stopping, Runnable onClosed) {
        if (requestLength <= 0 || requests.length % requestLength != 0 || requests.length == 0) {
            throw new IllegalArgumentException("requests must hold whole requests of " + requestLength + " bytes");
        }
        this.requests = ByteBuffer.wrap(requests);
        this.requestLength = requestLength;
        this.depth = depth;
        this.nextDue = firstDue;
        this.intervalNanos = intervalNanos;
        this.stats = stats;
        this.stopping = stopping;
        this.onClosed = onClosed;
    }

    /**
     * {@code request} repeated as often as {@code depth} requests in flight may need at once, within
     * {@link #MAX_BATCH_BYTES} (at least once). Shared by all connections: it is only read.
     */
    static byte[] repeat(byte[] request, int depth) {
        int copies = Math.max(1, Math.min(depth, MAX_BATCH_BYTES / request.length));
        byte[] all = new byte[copies * request.length];
        for (int i = 0; i < copies; i++) {
            System.arraycopy(request, 0, all, i * request.length, request.length);
        }
        return all;
    }

    @Override
    public void connected(HandlerContext ctx) {
        this.ctx = ctx;
        if (intervalNanos == 0) {
            now = System.nanoTime();
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
        now = System.nanoTime();
        try {
            parser.feed((ByteBuffer) message);
        } catch (IllegalStateException e) {
            failed = true;
            stats.parseError(ctx.connection() + ": " + e.getMessage());
            log.warn("{}: {}", ctx.connection(), e.getMessage());
            ctx.connection().abort();
            return;
        } finally {
            recordRun();
        }
        if (!stopping.getAsBoolean()) {
            sendWaiting();
        }
    }

    private void response(int status) {
        if (head == sent) {
            throw new IllegalStateException("a response arrived with no request in flight");
        }
        long sentAt = due[(int) (head++ & (due.length - 1))];
        if (sentAt != runDue) {
            recordRun();
            runDue = sentAt;
        }
        runLength++;
        if (status < 200 || status > 299) {
            stats.non2xx(status);
        }
        if (intervalNanos == 0) {
            enqueue(now);
        }
    }

    private void recordRun() {
        if (runLength > 0) {
            stats.responses(runLength, now - runDue);
            runLength = 0;
        }
    }

    /** Constant rate: makes every request due by now waiting, sends what fits, and sleeps until the next. */
    private void tick() {
        timer = null;
        if (failed || stopping.getAsBoolean()) {
            return;
        }
        now = System.nanoTime();
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

    /** Sends the waiting requests that fit in the pipeline, as few buffers as {@link #requests} allows. */
    private void sendWaiting() {
        int count = (int) Math.min(tail - sent, depth - (sent - head));
        int perBuffer = requests.capacity() / requestLength;
        while (count > 0) {
            int n = Math.min(count, perBuffer);
            sent += n;
            count -= n;
            ctx.write(requests.clear().limit(n * requestLength));
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
