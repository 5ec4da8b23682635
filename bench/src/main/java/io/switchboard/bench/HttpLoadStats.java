package io.switchboard.bench;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.SingleWriterRecorder;

/**
 * Counters of one HTTP load run, written by the client loop and read by the reporting thread.
 *
 * <p>Responses and their latencies have one writer, the load's one client loop thread ({@link #responses}
 * asserts it), since they are counted once or more per read on the hot path: the count is a plain
 * single-writer counter published with a release store (no atomic read-modify-write), and latencies go to
 * an HdrHistogram {@link SingleWriterRecorder}. The rare errors may come from any thread. The reporting
 * thread may read everything at any time.
 */
final class HttpLoadStats {
    private final AtomicLong responses = new AtomicLong();
    private final LongAdder non2xx = new LongAdder();
    private final LongAdder parseErrors = new LongAdder();
    private final LongAdder connectionErrors = new LongAdder();
    private final AtomicReference<String> firstError = new AtomicReference<>();
    private final SingleWriterRecorder latencies = new SingleWriterRecorder(3);
    /** The thread that writes responses, for the assertion; set by the first write. */
    private Thread writer;

    /**
     * {@code count} responses arrived, each {@code latencyNanos} after its (intended) send time. Called by
     * one thread only, the client loop's.
     */
    void responses(long count, long latencyNanos) {
        assert isTheWriter();
        responses.lazySet(responses.get() + count);
        latencies.recordValueWithCount(Math.max(0, latencyNanos), count);
    }

    /** A response with a status outside 200-299 arrived; it is also counted by {@link #responses}. */
    void non2xx(int status) {
        non2xx.increment();
        firstError.compareAndSet(null, "status " + status);
    }

    /** Bytes that are not a response arrived. */
    void parseError(String what) {
        parseErrors.increment();
        firstError.compareAndSet(null, what);
    }

    /** A connection was reset, closed by the server, or could not be opened. */
    void connectionError(String what) {
        connectionErrors.increment();
        firstError.compareAndSet(null, what);
    }

    /** Latencies in nanoseconds recorded since the previous call (the first call: since the start). */
    Histogram latenciesSinceLastCall() {
        return latencies.getIntervalHistogram();
    }

    /** The first error's description, or null. */
    String firstError() {
        return firstError.get();
    }

    /** The counters now, stamped with {@link System#nanoTime()}. */
    Snapshot snapshot() {
        return new Snapshot(System.nanoTime(), responses.get(), non2xx.sum(), parseErrors.sum(), connectionErrors.sum());
    }

    private boolean isTheWriter() {
        if (writer == null) {
            writer = Thread.currentThread();
        }
        return writer == Thread.currentThread();
    }

    /** Counters at one instant. */
    record Snapshot(long nanos, long responses, long non2xx, long parseErrors, long connectionErrors) {
        /** Every kind of error together. */
        long errors() {
            return non2xx + parseErrors + connectionErrors;
        }
    }
}
