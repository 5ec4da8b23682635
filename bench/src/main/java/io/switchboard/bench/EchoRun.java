package io.switchboard.bench;

/**
 * One measured run of one server in one scenario: what the load generator counted and how much CPU the
 * server used over the same window. Immutable.
 *
 * @param round         which repetition (from 1)
 * @param scenario      the traffic
 * @param server        {@code switchboard} or {@code netty}
 * @param load          the load generator's result for the measured window
 * @param cpu           the server's CPU time over the measured window
 * @param serverCoreNanos how long the server's core was busy over the window, whoever used it (includes the
 *                      kernel's softirq work for loopback TCP, charged to no process)
 * @param loadCoreNanos how long the load generator's core was busy over the window
 * @param loadCpuNanos  the load generator's own CPU time over the window
 * @param windowSeconds the window's wall-clock length as the runner saw it
 */
record EchoRun(int round, Scenario scenario, String server, EchoLoadResult load, CpuTime.Sample cpu,
               long serverCoreNanos, long loadCoreNanos, long loadCpuNanos, double windowSeconds) {

    /** Server CPU microseconds per echoed message (schedstat reading). */
    double cpuMicrosPerMessage() {
        return load.messages() == 0 ? Double.NaN : cpu.schedstatNanos() / 1e3 / load.messages();
    }

    /** Server CPU microseconds per echoed message from {@code /proc/PID/stat} ticks (coarser cross-check). */
    double statMicrosPerMessage() {
        return load.messages() == 0 ? Double.NaN : cpu.statNanos() / 1e3 / load.messages();
    }

    /** Busy time of the server's core per echoed message, in microseconds. */
    double coreMicrosPerMessage() {
        return load.messages() == 0 ? Double.NaN : serverCoreNanos / 1e3 / load.messages();
    }

    /** Share of one CPU the server process used over the window (1.0 = all of it). */
    double cpuUtilization() {
        return windowSeconds <= 0 ? Double.NaN : cpu.schedstatNanos() / 1e9 / windowSeconds;
    }

    /** Share of the window the server's core was busy. */
    double serverCoreUtilization() {
        return windowSeconds <= 0 ? Double.NaN : serverCoreNanos / 1e9 / windowSeconds;
    }

    /** Share of the window the load generator's core was busy (near 1.0: the load, not the server, limits). */
    double loadCoreUtilization() {
        return windowSeconds <= 0 ? Double.NaN : loadCoreNanos / 1e9 / windowSeconds;
    }

    /**
     * Busy time of the two cores not spent by the server or the load generator, as a share of one core over
     * the window: other processes on the shared machine (plus a little kernel softirq work charged to no
     * process). Near 0 on a quiet machine.
     */
    double interference() {
        if (windowSeconds <= 0) {
            return Double.NaN;
        }
        long other = Math.max(0, serverCoreNanos - cpu.schedstatNanos()) + Math.max(0, loadCoreNanos - loadCpuNanos);
        return other / 1e9 / windowSeconds;
    }
}
