package io.switchboard.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The side-by-side echo run. For each round, scenario and server (Switchboard's echo example and the Netty
 * echo server of {@link NettyEchoServer}, alternating which goes first): start the server pinned to one CPU, run
 * {@code echo-load} as a child pinned to another, sample the server's CPU time (and how busy both cores were) at
 * the edges of the load's measured window, stop the server with SIGTERM. Prints a table and writes the CSV.
 * Not thread-safe.
 */
final class CompareEcho {
    private static final Logger log = LoggerFactory.getLogger(CompareEcho.class);
    private static final Duration START_TIMEOUT = Duration.ofSeconds(60);

    private final CompareConfig config;
    private final PrintStream out;
    private final CpuTime cpuTime;
    private final Path java = Path.of(System.getProperty("java.home"), "bin", "java");

    CompareEcho(CompareConfig config, PrintStream out, CpuTime cpuTime) {
        this.config = config;
        this.out = out;
        this.cpuTime = cpuTime;
    }

    /** Runs everything; returns 0 when every run was clean, 1 otherwise. */
    int run() throws IOException, InterruptedException {
        for (Path jar : List.of(config.examplesJar(), config.benchJar())) {
            if (!Files.isRegularFile(jar)) {
                throw new IOException(jar + " not found: build with `mvn -DskipTests package` first");
            }
        }
        if (config.jfrDir() != null) {
            Files.createDirectories(config.jfrDir());
        }
        ComparisonReport report = new ComparisonReport(config.noiseLimit());
        boolean clean = true;
        for (int round = 1; round <= config.rounds(); round++) {
            for (Scenario scenario : Scenario.ECHO_TARGETS) {
                for (String server : serverOrder(round)) {
                    EchoRun result = runQuietly(round, scenario, server);
                    if (result == null) {
                        clean = false;
                        continue;
                    }
                    clean &= result.load().exitCode() == 0;
                    report.add(result);
                }
            }
        }
        report.print(out, Scenario.ECHO_TARGETS, config.rounds());
        report.writeCsv(config.csv());
        out.println("results written to " + config.csv());
        return clean ? 0 : 1;
    }

    /** Switchboard first in odd rounds, Netty first in even ones, so that drift over time favours neither. */
    private static List<String> serverOrder(int round) {
        return round % 2 == 1 ? List.of(ComparisonReport.SWITCHBOARD, ComparisonReport.NETTY)
                : List.of(ComparisonReport.NETTY, ComparisonReport.SWITCHBOARD);
    }

    /** Runs once, and again (up to the configured retries) while other processes disturbed the cores. */
    private EchoRun runQuietly(int round, Scenario scenario, String server) throws IOException, InterruptedException {
        for (int attempt = 0; ; attempt++) {
            EchoRun run = runOne(round, scenario, server);
            if (run == null || !(run.interference() > config.noiseLimit())) {
                return run;
            }
            if (attempt == config.retries()) {
                out.printf(Locale.ROOT, "  noisy run kept: other processes used %.0f%% of a core during the window%n",
                        run.interference() * 100);
                return run;
            }
            out.printf(Locale.ROOT, "  other processes used %.0f%% of a core during the window; repeating the run%n",
                    run.interference() * 100);
        }
    }

    private EchoRun runOne(int round, Scenario scenario, String server) throws IOException, InterruptedException {
        String name = server + "-" + scenario.key() + "-r" + round;
        out.printf(Locale.ROOT, "%n== round %d, %s, %s server (cpu %d), load on cpu %d%n",
                round, scenario.label(), server, config.serverCpu(), config.loadCpu());
        out.flush();
        try (ServerProcess process = ServerProcess.start(serverCommand(server, name),
                config.logDir().resolve(name + ".log"), START_TIMEOUT)) {
            EchoRun run = drive(round, scenario, server, process);
            if (!process.isAlive()) {
                out.println(server + " server died during the run; see " + config.logDir().resolve(name + ".log"));
                return null;
            }
            int status = process.stop();
            log.debug("{} server exited with {}", server, status);
            return run;
        }
    }

    private EchoRun drive(int round, Scenario scenario, String server, ServerProcess process)
            throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("taskset", "-c", Integer.toString(config.loadCpu()),
                java.toString()));
        command.addAll(config.jvmArgs());
        command.addAll(List.of("-jar", config.benchJar().toString(), "echo-load",
                "--host", "127.0.0.1", "--port", Integer.toString(process.port()),
                "-c", Integer.toString(scenario.connections()), "--size", Integer.toString(scenario.size()),
                "--warmup", seconds(config.warmup()), "-d", seconds(config.duration())));
        log.debug("starting {}", command);
        Process load = new ProcessBuilder(command).redirectErrorStream(true).start();
        CpuTime.Sample before = null;
        CpuTime.Sample after = null;
        long serverCore = 0;
        long loadCore = 0;
        long loadCpu = 0;
        long windowStart = 0;
        long windowEnd = 0;
        EchoLoadResult result = null;
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(load.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = lines.readLine()) != null) {
                if (line.equals(EchoLoad.MEASURE_START)) {
                    before = cpuTime.sample(process.pid());
                    serverCore = -cpuTime.coreBusyNanos(config.serverCpu());
                    loadCore = -cpuTime.coreBusyNanos(config.loadCpu());
                    loadCpu = -cpuTime.sample(load.pid()).schedstatNanos();
                    windowStart = System.nanoTime();
                } else if (line.equals(EchoLoad.MEASURE_END)) {
                    after = cpuTime.sample(process.pid());
                    serverCore += cpuTime.coreBusyNanos(config.serverCpu());
                    loadCore += cpuTime.coreBusyNanos(config.loadCpu());
                    loadCpu += cpuTime.sample(load.pid()).schedstatNanos();
                    windowEnd = System.nanoTime();
                } else if (line.startsWith("result: ")) {
                    result = EchoLoadResult.parse(line);
                } else {
                    out.println("  " + line);
                    out.flush();
                }
            }
        } finally {
            if (!load.waitFor(30, TimeUnit.SECONDS)) {
                load.destroyForcibly();
            }
        }
        int status = load.waitFor();
        if (status != 0) {
            out.println("echo-load exited with " + status);
        }
        if (result == null || before == null || after == null) {
            throw new IOException("echo-load against the " + server + " server gave no result (exit " + status + ")");
        }
        if (status != 0 && result.errors() == 0) {
            result = new EchoLoadResult(result.messages(), result.bytes(), result.seconds(), 1, "echo-load exit " + status);
        }
        return new EchoRun(round, scenario, server, result, after.minus(before), serverCore, loadCore, loadCpu,
                (windowEnd - windowStart) / 1e9);
    }

    private List<String> serverCommand(String server, String name) {
        List<String> command = new ArrayList<>(List.of("taskset", "-c", Integer.toString(config.serverCpu()),
                java.toString()));
        command.addAll(config.jvmArgs());
        if (config.jfrDir() != null) {
            command.add("-XX:StartFlightRecording=settings=profile,dumponexit=true,filename="
                    + config.jfrDir().resolve(name + ".jfr").toAbsolutePath());
        }
        if (server.equals(ComparisonReport.SWITCHBOARD)) {
            command.addAll(List.of("-jar", config.examplesJar().toString(), "echo"));
        } else {
            command.addAll(List.of("-jar", config.benchJar().toString(), "netty-echo"));
        }
        command.addAll(List.of("--host", "127.0.0.1", "--port", "0", "--workers", "1"));
        return command;
    }

    private static String seconds(Duration d) {
        return String.format(Locale.ROOT, "%.3f", d.toNanos() / 1e9);
    }
}
