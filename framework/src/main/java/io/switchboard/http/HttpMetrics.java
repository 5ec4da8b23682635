package io.switchboard.http;

import io.switchboard.loop.EventLoop;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What an {@link HttpService} counts of its requests, read at any time: answers by status class with their durations
 * in the OpenTelemetry buckets ({@link DurationHistogram}), and the requests in flight.
 *
 * <p>A request's duration runs from the loop turn that read its head to the loop turn that handed its whole answer to
 * the connection, on the loop's clock, which the loop reads once per turn: no clock is read per request. A request
 * answered in the turn that read it counts as 0 s (the error is at most the turn's length, microseconds on a loop
 * that keeps up, far below the smallest bucket of 5 ms); one answered later, by a timer or from another thread, counts
 * to within a turn. A 101 (upgrade) counts as 1xx when it leaves. Requests whose connection closed before their answer
 * left are not in the histograms; they leave the in-flight count.
 *
 * <p>Each loop counts in arrays of its own with plain stores (no atomic operation per request); a read adds the loops
 * up, so counts of different loops are not taken at one instant. One object may serve several services (their counts
 * add up). Thread-safe.
 */
public final class HttpMetrics {
    private final ConcurrentHashMap<EventLoop, RequestCounters> loops = new ConcurrentHashMap<>();

    /** Creates empty counts. */
    public HttpMetrics() {
    }

    /** {@return the counters of {@code loop}, made when its first connection needs them} */
    RequestCounters on(EventLoop loop) {
        return loops.computeIfAbsent(loop, l -> new RequestCounters());
    }

    /** {@return the requests answered, all status classes together} */
    public long requests() {
        long total = 0;
        for (int c = 1; c <= RequestCounters.CLASSES; c++) {
            total += requests(c);
        }
        return total;
    }

    /**
     * {@return the requests answered with a status of class {@code statusClass}}
     *
     * @param statusClass 1 (1xx) to 5 (5xx)
     */
    public long requests(int statusClass) {
        return durations(statusClass).count();
    }

    /**
     * {@return the durations of the requests answered with a status of class {@code statusClass}}
     *
     * @param statusClass 1 (1xx) to 5 (5xx)
     * @throws IllegalArgumentException for another class
     */
    public DurationHistogram durations(int statusClass) {
        if (statusClass < 1 || statusClass > RequestCounters.CLASSES) {
            throw new IllegalArgumentException("a status class is 1 to 5, got " + statusClass);
        }
        DurationHistogram total = new DurationHistogram(new long[DurationHistogram.BUCKETS], 0);
        for (RequestCounters r : List.copyOf(loops.values())) {
            total = total.plus(r.histogram(statusClass));
        }
        return total;
    }

    /** {@return the durations of every answered request, all status classes together} */
    public DurationHistogram durations() {
        DurationHistogram total = durations(1);
        for (int c = 2; c <= RequestCounters.CLASSES; c++) {
            total = total.plus(durations(c));
        }
        return total;
    }

    /** {@return the requests read and not yet answered (nor dropped with their connection)} */
    public long activeRequests() {
        long started = 0;
        long done = 0;
        for (RequestCounters r : List.copyOf(loops.values())) {
            // Read while the loops go on: the ends first, so that a request that ends meanwhile is not counted as
            // ended and not started; the result may trail the loops by the requests that start meanwhile.
            done += r.droppedCount() + answered(r);
            started += r.startedCount();
        }
        return Math.max(0, started - done);
    }

    private static long answered(RequestCounters r) {
        long n = 0;
        for (int c = 1; c <= RequestCounters.CLASSES; c++) {
            n += r.histogram(c).count();
        }
        return n;
    }

    @Override
    public String toString() {
        return "requests=" + requests() + ", active=" + activeRequests() + ", durations=" + durations();
    }
}
