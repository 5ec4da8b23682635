package io.switchboard.bench;

import java.util.Locale;
import org.HdrHistogram.Histogram;

/**
 * What one HTTP load run measured over its measured window. Errors count the whole run. Immutable once
 * made (the histogram is not changed after).
 *
 * @param requests         responses received in the window
 * @param seconds          length of the window
 * @param errors           all errors of the run
 * @param non2xx           responses with a status outside 200-299
 * @param parseErrors      bytes that were not a response
 * @param connectionErrors resets, closes by the server and failed connects
 * @param latencies        nanoseconds from (intended) send to response, in the window
 * @param firstError       the first error's description, or null
 */
record HttpLoadResult(long requests, double seconds, long errors, long non2xx, long parseErrors,
                      long connectionErrors, Histogram latencies, String firstError) {

    /** Responses per second. */
    double requestsPerSecond() {
        return seconds > 0 ? requests / seconds : 0;
    }

    /** The latency at {@code percentile}, in microseconds; 0 with no response. */
    double latencyMicros(double percentile) {
        return latencies.getTotalCount() == 0 ? 0 : latencies.getValueAtPercentile(percentile) / 1e3;
    }

    /** 0 for a clean run with responses; 1 otherwise. */
    int exitCode() {
        return errors == 0 && requests > 0 ? 0 : 1;
    }

    /** The machine-readable line a runner may parse. */
    String resultLine() {
        return String.format(Locale.ROOT, "result: requests=%d seconds=%.6f errors=%d p50_us=%.1f p99_us=%.1f p999_us=%.1f",
                requests, seconds, errors, latencyMicros(50), latencyMicros(99), latencyMicros(99.9));
    }
}
