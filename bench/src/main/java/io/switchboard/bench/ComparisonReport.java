package io.switchboard.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.ToDoubleFunction;

/**
 * The side-by-side results: a table of every run, a summary over rounds (medians), and the CSV file. The
 * target figure is the server process's CPU time per echoed message; the busy time of the server's core per
 * message (which adds the kernel's softirq work) is shown beside it. Not thread-safe.
 */
final class ComparisonReport {
    static final String SWITCHBOARD = "switchboard";
    static final String NETTY = "netty";

    private final List<EchoRun> runs = new ArrayList<>();
    private final double noiseLimit;

    /** @param noiseLimit largest {@link EchoRun#interference()} of a run the summary calls quiet */
    ComparisonReport(double noiseLimit) {
        this.noiseLimit = noiseLimit;
    }

    /** Adds a finished run. */
    void add(EchoRun run) {
        runs.add(run);
    }

    /** The runs so far. */
    List<EchoRun> runs() {
        return List.copyOf(runs);
    }

    /**
     * Switchboard's server CPU per message over Netty's, for the same round and scenario; NaN when either run
     * is missing.
     */
    double ratio(int round, Scenario scenario) {
        return find(round, scenario, SWITCHBOARD, EchoRun::cpuMicrosPerMessage)
                / find(round, scenario, NETTY, EchoRun::cpuMicrosPerMessage);
    }

    /**
     * Median over rounds of Switchboard's CPU per message over the median of Netty's. Only quiet runs count
     * when both servers have at least one in the scenario.
     */
    double medianRatio(Scenario scenario) {
        return median(scenario, SWITCHBOARD, EchoRun::cpuMicrosPerMessage)
                / median(scenario, NETTY, EchoRun::cpuMicrosPerMessage);
    }

    /** Prints every run, then the medians over rounds and whether the CPU target is met. */
    void print(PrintStream out, List<Scenario> scenarios, int rounds) {
        String header = "%-5s  %-11s  %-11s  %9s  %8s  %10s  %10s  %6s  %6s  %6s  %6s  %8s%n";
        out.println();
        out.printf(Locale.ROOT, header, "round", "scenario", "server", "msgs/s", "MiB/s",
                "server CPU", "core busy", "server", "server", "load", "others", "SB/Netty");
        out.printf(Locale.ROOT, header, "", "", "", "", "", "µs/msg", "µs/msg", "CPU", "core", "core", "", "CPU");
        for (EchoRun run : runs) {
            double ratio = ratio(run.round(), run.scenario());
            out.printf(Locale.ROOT, "%-5d  %-11s  %-11s  %,9.0f  %8.1f  %10.2f  %10.2f  %5.0f%%  %5.0f%%  %5.0f%%  %5.0f%%  %8s%n",
                    run.round(), run.scenario().label(), run.server(), run.load().messagesPerSecond(),
                    run.load().mibPerSecond(), run.cpuMicrosPerMessage(), run.coreMicrosPerMessage(),
                    run.cpuUtilization() * 100, run.serverCoreUtilization() * 100, run.loadCoreUtilization() * 100,
                    run.interference() * 100,
                    run.server().equals(SWITCHBOARD) && !Double.isNaN(ratio) ? String.format(Locale.ROOT, "%.3f", ratio) : "");
        }
        out.println("(core busy: the server core's busy time per message, whoever used it; others: busy time of both"
                + " cores not used by the server or the load generator, in % of one core)");
        out.println();
        out.printf(Locale.ROOT, "summary (medians over the quiet runs, others <= %.0f%%, or over all runs when a server has"
                + " no quiet one); target: SB/Netty server CPU per message <= 1.00%n", noiseLimit * 100);
        for (Scenario scenario : scenarios) {
            out.printf(Locale.ROOT, "  %-11s  %s%n", scenario.label(), quietRunsOnly(scenario)
                    ? "quiet runs: " + selected(scenario, SWITCHBOARD).size() + " switchboard, "
                    + selected(scenario, NETTY).size() + " netty"
                    : "no quiet run for one server: all " + rounds + " round(s) used");
            double ratio = medianRatio(scenario);
            double coreRatio = median(scenario, SWITCHBOARD, EchoRun::coreMicrosPerMessage)
                    / median(scenario, NETTY, EchoRun::coreMicrosPerMessage);
            out.printf(Locale.ROOT, "  %-11s  switchboard %,9.0f msgs/s %6.2f µs/msg | netty %,9.0f msgs/s %6.2f µs/msg"
                            + " | CPU ratio %.3f %s | core-busy ratio %.3f%n",
                    "",
                    median(scenario, SWITCHBOARD, r -> r.load().messagesPerSecond()),
                    median(scenario, SWITCHBOARD, EchoRun::cpuMicrosPerMessage),
                    median(scenario, NETTY, r -> r.load().messagesPerSecond()),
                    median(scenario, NETTY, EchoRun::cpuMicrosPerMessage),
                    ratio, Double.isNaN(ratio) ? "(incomplete)" : ratio <= 1.0 ? "MET" : "NOT MET", coreRatio);
        }
        out.flush();
    }

    /** Writes one row per run, with a header, creating the parent folder. */
    void writeCsv(Path file) throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        try (PrintWriter csv = new PrintWriter(Files.newBufferedWriter(file, StandardCharsets.UTF_8))) {
            csv.println("round,scenario,message_bytes,connections,server,messages,window_s,msgs_per_s,mib_per_s,"
                    + "errors,server_cpu_ms,server_cpu_us_per_msg,server_cpu_stat_us_per_msg,server_core_us_per_msg,"
                    + "server_cpu_use,server_core_use,load_core_use,others_use,cpu_ratio_switchboard_over_netty");
            for (EchoRun run : runs) {
                csv.printf(Locale.ROOT, "%d,%s,%d,%d,%s,%d,%.3f,%.1f,%.3f,%d,%.3f,%.4f,%.4f,%.4f,%.4f,%.4f,%.4f,%.4f,%.4f%n",
                        run.round(), run.scenario().key(), run.scenario().size(), run.scenario().connections(),
                        run.server(), run.load().messages(), run.load().seconds(), run.load().messagesPerSecond(),
                        run.load().mibPerSecond(), run.load().errors(), run.cpu().schedstatNanos() / 1e6,
                        run.cpuMicrosPerMessage(), run.statMicrosPerMessage(), run.coreMicrosPerMessage(),
                        run.cpuUtilization(), run.serverCoreUtilization(), run.loadCoreUtilization(),
                        run.interference(), ratio(run.round(), run.scenario()));
            }
        }
    }

    private double find(int round, Scenario scenario, String server, ToDoubleFunction<EchoRun> value) {
        for (EchoRun run : runs) {
            if (run.round() == round && run.scenario().equals(scenario) && run.server().equals(server)) {
                return value.applyAsDouble(run);
            }
        }
        return Double.NaN;
    }

    /** True when both servers have a quiet run in {@code scenario}: then only quiet runs are summarised. */
    private boolean quietRunsOnly(Scenario scenario) {
        return runs.stream().anyMatch(r -> quiet(r) && r.scenario().equals(scenario) && r.server().equals(SWITCHBOARD))
                && runs.stream().anyMatch(r -> quiet(r) && r.scenario().equals(scenario) && r.server().equals(NETTY));
    }

    private boolean quiet(EchoRun run) {
        return !(run.interference() > noiseLimit);
    }

    private List<EchoRun> selected(Scenario scenario, String server) {
        boolean quietOnly = quietRunsOnly(scenario);
        return runs.stream()
                .filter(r -> r.scenario().equals(scenario) && r.server().equals(server) && (!quietOnly || quiet(r)))
                .toList();
    }

    private double median(Scenario scenario, String server, ToDoubleFunction<EchoRun> value) {
        double[] values = selected(scenario, server).stream()
                .mapToDouble(value)
                .sorted()
                .toArray();
        if (values.length == 0) {
            return Double.NaN;
        }
        int mid = values.length / 2;
        return values.length % 2 == 1 ? values[mid] : (values[mid - 1] + values[mid]) / 2;
    }
}
