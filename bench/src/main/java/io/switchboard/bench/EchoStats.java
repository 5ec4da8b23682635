package io.switchboard.bench;

import java.util.concurrent.atomic.AtomicReference;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;
import java.util.concurrent.atomic.LongAdder;

/**
 * Counters of one load run, written by the client loops and read by the reporting thread. Thread-safe.
 */
final class EchoStats {
    private final LongAdder messages = new LongAdder();
    private final LongAdder bytes = new LongAdder();
    private final LongAdder errors = new LongAdder();
    private final AtomicReference<String> firstError = new AtomicReference<>();
    private final Recorder roundTrips = new Recorder(3);

    /** One message came back whole and verified, {@code roundTripNanos} after it was sent. */
    void echoed(int size, long roundTripNanos) {
        messages.increment();
        bytes.add(size);
        roundTrips.recordValue(Math.max(0, roundTripNanos));
    }

    /** Round-trip times in nanoseconds recorded since the previous call (the first call: since the start). */
    Histogram roundTripsSinceLastCall() {
        return roundTrips.getIntervalHistogram();
    }

    /** Something went wrong: a differing byte, an extra byte, a lost connection. */
    void error(String what) {
        errors.increment();
        firstError.compareAndSet(null, what);
    }

    /** Errors so far. */
    long errors() {
        return errors.sum();
    }

    /** The first error's description, or null. */
    String firstError() {
        return firstError.get();
    }

    /** The counters now, stamped with {@link System#nanoTime()}. */
    Snapshot snapshot() {
        return new Snapshot(System.nanoTime(), messages.sum(), bytes.sum());
    }

    /** Counters at one instant. */
    record Snapshot(long nanos, long messages, long bytes) {
    }
}
