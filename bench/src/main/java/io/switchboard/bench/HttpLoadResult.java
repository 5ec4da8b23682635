package io.switchboard.bench;

import java.io.PrintStream;
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
 * @param loopBusy         the share of the window the client loop thread was on a CPU ({@link LoopBusy}), or -1
 *                         when not measured
 */
record HttpLoadResult(long requests, double seconds, long errors, long non2xx, long parseErrors,
                      long connectionErrors, Histogram latencies, String firstError, double loopBusy) {

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

    /**
     * Prints the result line and the summary: requests, rate, errors, latency percentiles, how busy the load
     * generator's thread was, and the warning when that thread may have been the bottleneck.
     *
     * @param out          where to print
     * @param latencyFrom  what latency is measured from, for the latency line (empty for the actual send)
     */
    void printTo(PrintStream out, String latencyFrom) {
        out.println(resultLine());
        out.printf(Locale.ROOT, "%,d requests in %.2f s%n", requests, seconds);
        out.printf(Locale.ROOT, "%,.0f req/s%n", requestsPerSecond());
        out.printf(Locale.ROOT, "errors %d (non-2xx %d, parse %d, connection %d)%n", errors, non2xx, parseErrors,
                connectionErrors);
        out.printf(Locale.ROOT, "latency µs%s: p50 %.1f  p90 %.1f  p99 %.1f  p99.9 %.1f  max %.1f%n", latencyFrom,
                latencyMicros(50), latencyMicros(90), latencyMicros(99), latencyMicros(99.9),
                latencies.getTotalCount() == 0 ? 0.0 : latencies.getMaxValue() / 1e3);
        if (loopBusy >= 0) {
            out.printf(Locale.ROOT, "load generator thread busy %.0f %% of the window (%.2f µs of CPU per request)%n",
                    Math.min(100, loopBusy * 100), requests == 0 ? 0.0 : loopBusy * seconds * 1e6 / requests);
        }
        String warning = LoopBusy.warning(loopBusy);
        if (warning != null) {
            out.println(warning);
        }
        if (firstError != null) {
            out.println("first error: " + firstError);
        }
    }
}
