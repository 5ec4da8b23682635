package io.switchboard.bench;

import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * Counters of one HTTP load run, written by the client loop and read by the reporting thread. Thread-safe.
 */
final class HttpLoadStats {
    private final LongAdder responses = new LongAdder();
    private final LongAdder non2xx = new LongAdder();
    private final LongAdder parseErrors = new LongAdder();
    private final LongAdder connectionErrors = new LongAdder();
    private final AtomicReference<String> firstError = new AtomicReference<>();
    private final Recorder latencies = new Recorder(3);

    /** A response with {@code status} arrived {@code latencyNanos} after its (intended) send time. */
    void response(int status, long latencyNanos) {
        responses.increment();
        if (status < 200 || status > 299) {
            non2xx.increment();
            firstError.compareAndSet(null, "status " + status);
        }
        latencies.recordValue(Math.max(0, latencyNanos));
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
        return new Snapshot(System.nanoTime(), responses.sum(), non2xx.sum(), parseErrors.sum(), connectionErrors.sum());
    }

    /** Counters at one instant. */
    record Snapshot(long nanos, long responses, long non2xx, long parseErrors, long connectionErrors) {
        /** Every kind of error together. */
        long errors() {
            return non2xx + parseErrors + connectionErrors;
        }
    }
}
