package io.switchboard.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.List;
import java.util.Locale;

/**
 * How busy a load generator's own loop threads were over the measured window, from their CPU time
 * ({@link ThreadMXBean}), and the warning printed when they, not the server, may have set the pace. A
 * closed-loop load generator whose thread is on a CPU nearly all the time measures its own ceiling: the
 * server may answer faster than it asks. Thread-safe (immutable).
 */
final class LoopBusy {
    /** More than this share of the window on a CPU and the loop thread is reported as the bottleneck. */
    static final double LIMIT = 0.90;

    private final ThreadMXBean threads;
    private final List<Thread> loops;

    /** @param loops the load generator's loop threads */
    LoopBusy(List<Thread> loops) {
        this.threads = ManagementFactory.getThreadMXBean();
        this.loops = List.copyOf(loops);
    }

    /**
     * The CPU time each loop thread has used so far, in the order given; empty when the JVM cannot measure
     * thread CPU time.
     *
     * @return nanoseconds on a CPU per thread, or an empty array
     */
    long[] cpuNanos() {
        if (!threads.isThreadCpuTimeSupported() || !threads.isThreadCpuTimeEnabled()) {
            return new long[0];
        }
        long[] nanos = new long[loops.size()];
        for (int i = 0; i < nanos.length; i++) {
            nanos[i] = threads.getThreadCpuTime(loops.get(i).getId());
            if (nanos[i] < 0) {
                return new long[0];
            }
        }
        return nanos;
    }

    /**
     * The share of {@code windowNanos} the busiest thread spent on a CPU between two {@link #cpuNanos()}
     * readings; -1 when either reading is empty.
     */
    static double share(long[] start, long[] end, long windowNanos) {
        if (start.length == 0 || start.length != end.length || windowNanos <= 0) {
            return -1;
        }
        long busiest = 0;
        for (int i = 0; i < start.length; i++) {
            busiest = Math.max(busiest, end[i] - start[i]);
        }
        return (double) busiest / windowNanos;
    }

    /**
     * The warning for a loop thread busy {@code share} of the window, or null when it was busy at most
     * {@link #LIMIT} (or not measured: a negative share).
     */
    static String warning(double share) {
        if (!(share > LIMIT)) {
            return null;
        }
        return String.format(Locale.ROOT, "warning: the load generator's own thread was busy %.0f %% of the window;"
                + " the server may be faster than this measures (run a second load generator on another core,"
                + " or use wrk)", Math.min(100, share * 100));
    }
}
