package io.switchboard.bench;

/**
 * One measured run of one server in one scenario of the suite: one CSV row. Immutable. Figures that were
 * not measured are NaN (or -1 for memory).
 *
 * @param scenario        the scenario's key
 * @param command         the command measured, for a scenario that measures each of its commands in a window of its
 *                        own (kv: {@code SET} or {@code GET}); empty for the others
 * @param server          switchboard, netty, floor or redis
 * @param tool            the load generator
 * @param ops             requests, messages or (idle-10k) connections counted in the window
 * @param seconds         the window's length
 * @param errors          errors the load generator counted
 * @param serverCpuNanos  the server process's CPU time over the window
 * @param serverCoreNanos busy time of the server's core over the window
 * @param loadCoreNanos   busy time of the load generator's core over the window
 * @param loadCpuNanos    the load generator's own CPU time over the window, -1 when not measured
 * @param p50Micros       median latency
 * @param p99Micros       99th percentile latency
 * @param p999Micros      99.9th percentile latency
 * @param rssKib          the server's resident set at the end (idle: with the connections open, before any
 *                        forced GC)
 * @param heapKib         the server's heap in use after a full GC at the end, -1 for non-Java servers
 * @param baseRssKib      idle: resident set before the connections were opened, else -1
 * @param baseHeapKib     idle: heap after GC before the connections were opened, else -1
 * @param baseDirectKib   idle: memory from {@code Unsafe.allocateMemory} (direct buffers; native memory
 *                        tracking's "Other") before the connections were opened, else -1
 * @param directKib       idle: the same with the connections open, else -1
 * @param heapPagesGrowthKib      idle: growth of the heap's resident pages while the connections opened (part
 *                                of the resident set's growth), else {@link #NOT_MEASURED}
 * @param againRssGrowthKib       idle: growth of the resident set while as many connections opened again, after
 *                                the first ones closed (the JIT compilers' and the heap's first touches are
 *                                behind), else {@link #NOT_MEASURED}
 * @param againHeapPagesGrowthKib idle: growth of the heap's resident pages over that second wave, else
 *                                {@link #NOT_MEASURED}
 * @param note            anything the reader must know (empty when nothing)
 */
record SuiteRun(String scenario, String command, String server, String tool, long ops, double seconds, long errors,
                long serverCpuNanos, long serverCoreNanos, long loadCoreNanos, long loadCpuNanos,
                double p50Micros, double p99Micros, double p999Micros,
                long rssKib, long heapKib, long baseRssKib, long baseHeapKib, long baseDirectKib, long directKib,
                long heapPagesGrowthKib, long againRssGrowthKib, long againHeapPagesGrowthKib, String note) {

    /** A growth that was not measured (a growth can be negative, so -1 will not do). */
    static final long NOT_MEASURED = Long.MIN_VALUE;

    /** CSV header, matching {@link #csvRow()}. */
    static final String HEADER = "scenario,command,server,tool,ops,seconds,ops_per_s,errors,server_cpu_us_per_op,"
            + "server_core_us_per_op,server_cpu_use,server_core_use,load_core_use,load_cpu_use,others_use,p50_us,p99_us,p999_us,"
            + "rss_kib,heap_kib,base_rss_kib,base_heap_kib,rss_per_conn_b,heap_per_conn_b,base_direct_kib,direct_kib,"
            + "heap_pages_growth_kib,heap_pages_per_conn_b,again_rss_growth_kib,again_rss_per_conn_b,again_heap_pages_growth_kib,note";

    /** {@return the scenario's key, with the command when the run measured one: {@code kv SET}} */
    String label() {
        return command.isEmpty() ? scenario : scenario + " " + command;
    }

    /** Operations per second. */
    double opsPerSecond() {
        return seconds > 0 ? ops / seconds : Double.NaN;
    }

    /** Server CPU microseconds per operation. */
    double cpuMicrosPerOp() {
        return ops > 0 && serverCpuNanos >= 0 ? serverCpuNanos / 1e3 / ops : Double.NaN;
    }

    /** Busy time of the server's core per operation, in microseconds. */
    double coreMicrosPerOp() {
        return ops > 0 && serverCoreNanos >= 0 ? serverCoreNanos / 1e3 / ops : Double.NaN;
    }

    /** Share of one core the server process used. */
    double serverCpuUse() {
        return seconds > 0 && serverCpuNanos >= 0 ? serverCpuNanos / 1e9 / seconds : Double.NaN;
    }

    /** Share of the window the server's core was busy. */
    double serverCoreUse() {
        return seconds > 0 && serverCoreNanos >= 0 ? serverCoreNanos / 1e9 / seconds : Double.NaN;
    }

    /** Share of the window the load generator's core was busy. */
    double loadCoreUse() {
        return seconds > 0 && loadCoreNanos >= 0 ? loadCoreNanos / 1e9 / seconds : Double.NaN;
    }

    /** Share of one core the load generator process used, NaN when not measured. */
    double loadCpuUse() {
        return seconds > 0 && loadCpuNanos >= 0 ? loadCpuNanos / 1e9 / seconds : Double.NaN;
    }

    /**
     * Busy time of the two cores used by neither the server nor the load generator, in share of one core:
     * other processes on the shared machine. Only the server's core counts when the load's CPU is unknown.
     */
    double othersUse() {
        if (!(seconds > 0)) {
            return Double.NaN;
        }
        long other = Math.max(0, serverCoreNanos - serverCpuNanos)
                + (loadCpuNanos >= 0 ? Math.max(0, loadCoreNanos - loadCpuNanos) : 0);
        return other / 1e9 / seconds;
    }

    /** idle: growth of the resident set per idle connection (no GC forced between the two readings). */
    double rssPerConnection() {
        return baseRssKib >= 0 && ops > 0 ? (rssKib - baseRssKib) * 1024.0 / ops : Double.NaN;
    }

    /** idle: heap bytes (after GC) per idle connection. */
    double heapPerConnection() {
        return baseHeapKib >= 0 && heapKib >= 0 && ops > 0 ? (heapKib - baseHeapKib) * 1024.0 / ops : Double.NaN;
    }

    /** Bytes per connection of a growth in KiB, NaN when it was not measured. */
    private double perConnection(long growthKib) {
        return growthKib != NOT_MEASURED && ops > 0 ? growthKib * 1024.0 / ops : Double.NaN;
    }

    private static String growth(long kib) {
        return kib == NOT_MEASURED ? "" : Long.toString(kib);
    }

    /** This run with {@code more} appended to its note. */
    SuiteRun withNote(String more) {
        return new SuiteRun(scenario, command, server, tool, ops, seconds, errors, serverCpuNanos, serverCoreNanos, loadCoreNanos,
                loadCpuNanos, p50Micros, p99Micros, p999Micros, rssKib, heapKib, baseRssKib, baseHeapKib, baseDirectKib,
                directKib, heapPagesGrowthKib, againRssGrowthKib, againHeapPagesGrowthKib,
                note.isEmpty() ? more : note + "; " + more);
    }

    /** The CSV row. */
    String csvRow() {
        return String.join(",", scenario, command, server, tool, Long.toString(ops), num(seconds, 3), num(opsPerSecond(), 1),
                Long.toString(errors), num(cpuMicrosPerOp(), 4), num(coreMicrosPerOp(), 4), num(serverCpuUse(), 4),
                num(serverCoreUse(), 4), num(loadCoreUse(), 4), num(loadCpuUse(), 4), num(othersUse(), 4), num(p50Micros, 1), num(p99Micros, 1),
                num(p999Micros, 1), Long.toString(rssKib), Long.toString(heapKib), Long.toString(baseRssKib),
                Long.toString(baseHeapKib), num(rssPerConnection(), 1), num(heapPerConnection(), 1),
                Long.toString(baseDirectKib), Long.toString(directKib), growth(heapPagesGrowthKib),
                num(perConnection(heapPagesGrowthKib), 1), growth(againRssGrowthKib),
                num(perConnection(againRssGrowthKib), 1), growth(againHeapPagesGrowthKib), note.replace(',', ';'));
    }

    private static String num(double v, int decimals) {
        return Double.isNaN(v) ? "" : String.format(java.util.Locale.ROOT, "%." + decimals + "f", v);
    }
}
