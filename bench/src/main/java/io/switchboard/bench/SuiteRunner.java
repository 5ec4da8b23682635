package io.switchboard.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The side-by-side suite ({@code compare}): for each scenario and server, starts the server pinned to the
 * server CPU (one worker, the same JVM flags for every Java server), warms it up with the scenario's load,
 * then measures one window with the load generator pinned to the load CPU. Over the window it reads the
 * server's CPU time ({@link CpuTime}) and how busy both cores were; at the end the server's resident set and
 * (for JVMs) heap after a full GC ({@link ServerMemory}). The idle scenarios measure memory held by idle
 * connections instead ({@link IdleWave}). Command lines come from {@link SuiteCommands}. Writes one CSV row per
 * run ({@link SuiteRun}). Not thread-safe.
 */
final class SuiteRunner {
    private static final Logger log = LoggerFactory.getLogger(SuiteRunner.class);
    private static final Duration START_TIMEOUT = Duration.ofSeconds(60);
    private static final Pattern REDIS_READY = Pattern.compile("Ready to accept connections");
    private static final Pattern NGINX_READY = Pattern.compile(Pattern.quote(NginxStatic.READY));
    private static final Pattern LISTENING = Pattern.compile("listening on \\S*:(\\d+)");
    /** How long the idle connections stay idle, all answered, before the server's memory is read. */
    private static final Duration IDLE_SETTLE = Duration.ofSeconds(2);
    /**
     * How long the idle WebSockets stay idle before the resident set is read once more: past Switchboard's
     * {@code DeflateOptions.releaseAfterIdle} (10 s), after which it lets an idle connection's deflater go.
     */
    private static final Duration WS_IDLE_LATE = Duration.ofSeconds(15);
    /**
     * Warm-up waves of idle connections before the baseline. Measured with 10,000 connections per wave: Netty's
     * JIT compiled 710, 83, 6 and 18 methods in four waves in a row, Switchboard's 224, 17, 2 and 0: two waves
     * leave both with the handful of compilations any later wave has.
     */
    private static final int WARMUP_WAVES = 2;
    /** The longest the idle scenarios' warm-up goes on waiting for the server's first young collection. */
    private static final Duration YOUNG_GC_WARMUP_LIMIT = Duration.ofSeconds(60);
    /** The longest the idle scenarios' warm-up waits for the JIT compilers to go quiet. */
    private static final Duration JIT_QUIET_LIMIT = Duration.ofSeconds(10);

    private final SuiteConfig config;
    private final PrintStream out;
    private final CpuTime cpuTime;
    private final SuiteCommands commands;
    /** The TLS scenarios' certificate, made when the first of them runs; null before. */
    private TestCertificate certificate;
    /** The static scenario's folder ({@code files/} holds the file served), made for the run; null without it. */
    private Path staticDir;
    /** What the first server of the TLS scenario now running negotiated, to compare the next one's with. */
    private String firstNegotiated;

    SuiteRunner(SuiteConfig config, PrintStream out, CpuTime cpuTime) {
        this.config = config;
        this.out = out;
        this.cpuTime = cpuTime;
        this.commands = new SuiteCommands(config);
    }

    /** Runs every scenario; returns 0 when every run completed without errors, 1 otherwise. */
    int run() throws IOException, InterruptedException {
        for (Path file : List.of(config.examplesJar(), config.benchJar(), config.wrkScript())) {
            if (!Files.isRegularFile(file)) {
                throw new IOException(file + " not found: run from the repository root after `mvn -DskipTests package`");
            }
        }
        Files.createDirectories(config.logDir());
        Path parent = config.out().toAbsolutePath().getParent();
        Files.createDirectories(parent);
        long started = System.nanoTime();
        boolean clean = true;
        List<SuiteRun> runs = new ArrayList<>();
        Path tlsDir = config.scenarios().stream().anyMatch(SuiteScenario::tls)
                ? Files.createTempDirectory("switchboard-tls-") : null;
        staticDir = config.scenarios().stream().anyMatch(SuiteScenario::staticFile) ? staticFiles() : null;
        try {
            if (tlsDir != null) {
                certificate = TestCertificate.generate(tlsDir, config.certificateType());
                out.printf(Locale.ROOT, "TLS scenarios: a new %s test certificate, %s%n", certificate.type().label(),
                        certificate.certificate());
            }
            clean = runAll(runs);
        } finally {
            if (staticDir != null) {
                deleteTree(staticDir);
            }
            if (tlsDir != null) {
                try (var files = Files.list(tlsDir)) {
                    for (Path f : files.toList()) {
                        Files.delete(f);
                    }
                }
                Files.delete(tlsDir);
            }
        }
        out.printf(Locale.ROOT, "%nsuite done in %.0f s; %d runs written to %s%n", (System.nanoTime() - started) / 1e9,
                runs.size(), config.out());
        return clean ? 0 : 1;
    }

    /** A new folder with {@code files/}{@link SuiteScenario#STATIC_FILE}: 1 MiB of random bytes, for static-1m. */
    private Path staticFiles() throws IOException {
        Path dir = Files.createTempDirectory("switchboard-static-");
        Path files = Files.createDirectories(dir.resolve("files"));
        byte[] bytes = new byte[SuiteScenario.STATIC_FILE_BYTES];
        new java.util.Random(42).nextBytes(bytes);
        Files.write(files.resolve(SuiteScenario.STATIC_FILE), bytes);
        out.printf(Locale.ROOT, "static scenario: %s (%,d bytes)%n", files.resolve(SuiteScenario.STATIC_FILE), bytes.length);
        return dir;
    }

    private static void deleteTree(Path dir) throws IOException {
        try (var paths = Files.walk(dir)) {
            for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }

    /** Runs every scenario's rounds into {@code runs}; returns false when a run failed or had errors. */
    private boolean runAll(List<SuiteRun> runs) throws IOException, InterruptedException {
        boolean clean = true;
        for (SuiteScenario scenario : config.scenarios()) {
            firstNegotiated = null;
            int rounds = scenario.echo() || scenario.variants() ? config.echoRounds() : scenario.idle() ? config.idleRounds() : 1;
            for (int round = 1; round <= rounds; round++) {
                List<String> servers = new ArrayList<>(scenario.servers());
                if (round % 2 == 0) {
                    Collections.reverse(servers);
                }
                String label = rounds > 1 ? " round " + round + " of " + rounds : "";
                for (String server : servers) {
                    clean &= runAndRecord(scenario, label, server, runs);
                }
            }
        }
        return clean;
    }

    /** Runs one server in one scenario, prints and records its runs; returns false when it failed or had errors. */
    private boolean runAndRecord(SuiteScenario scenario, String label, String server, List<SuiteRun> runs)
            throws IOException, InterruptedException {
        out.printf(Locale.ROOT, "%n== %s%s: %s server (cpu %d), load on cpu %d%n", scenario.key(), label, server,
                config.serverCpu(), config.loadCpu());
        out.flush();
        List<SuiteRun> measured;
        try {
            measured = runQuietly(scenario, server);
        } catch (IOException e) {
            log.debug("{} {} failed", scenario.key(), server, e);
            out.println("  FAILED: " + e.getMessage());
            return false;
        }
        runs.addAll(measured);
        measured.forEach(this::print);
        writeCsv(runs);
        return measured.stream().allMatch(r -> r.errors() == 0);
    }

    /**
     * Runs once, and again (up to the configured retries) while other processes disturbed the cores during any of
     * the run's windows.
     */
    private List<SuiteRun> runQuietly(SuiteScenario scenario, String server) throws IOException, InterruptedException {
        for (int attempt = 0; ; attempt++) {
            List<SuiteRun> runs = runOne(scenario, server);
            double others = runs.stream().mapToDouble(SuiteRun::othersUse).filter(o -> !Double.isNaN(o)).max().orElse(0);
            if (!(others > config.noiseLimit()) || scenario.idle()) {
                return runs;
            }
            if (attempt == config.retries()) {
                out.printf(Locale.ROOT, "  noisy run kept: other processes used %.0f%% of a core during the window%n",
                        others * 100);
                String note = String.format(Locale.ROOT, "NOISY: other processes used %.0f%% of a core", others * 100);
                return runs.stream().map(r -> r.othersUse() > config.noiseLimit() ? r.withNote(note) : r).toList();
            }
            out.printf(Locale.ROOT, "  other processes used %.0f%% of a core during the window; repeating the run%n",
                    others * 100);
        }
    }

    private void writeCsv(List<SuiteRun> runs) throws IOException {
        try (PrintWriter csv = new PrintWriter(Files.newBufferedWriter(config.out(), StandardCharsets.UTF_8))) {
            csv.println(SuiteRun.HEADER);
            runs.forEach(r -> csv.println(r.csvRow()));
        }
    }

    private void print(SuiteRun r) {
        out.printf(Locale.ROOT, "  %s %s: %,.0f %s/s, errors %d, server CPU %.2f µs/%s (%.0f%% of its core), load core %.0f%%,"
                        + " others %.0f%%, p50/p99/p99.9 %.0f/%.0f/%.0f µs, RSS %,d KiB, heap %,d KiB%s%n",
                r.label(), r.server(), r.opsPerSecond(), SuiteScenario.byKey(r.scenario()).unit(), r.errors(),
                r.cpuMicrosPerOp(), SuiteScenario.byKey(r.scenario()).unit(), r.serverCpuUse() * 100, r.loadCoreUse() * 100,
                r.othersUse() * 100, r.p50Micros(), r.p99Micros(), r.p999Micros(), r.rssKib(), r.heapKib(),
                r.note().isEmpty() ? "" : " (" + r.note() + ")");
        out.flush();
    }

    /** One run of {@code server} in {@code scenario}: one measured window, or one per command (kv). */
    private List<SuiteRun> runOne(SuiteScenario scenario, String server) throws IOException, InterruptedException {
        String name = scenario.key() + "-" + server;
        boolean nginx = server.equals(SuiteScenario.NGINX);
        int fixedPort = server.equals(SuiteScenario.REDIS) || nginx ? freePort() : 0;
        if (nginx) {
            new NginxStatic(staticDir, fixedPort).writeConfig();
        }
        try (ServerProcess process = ServerProcess.start(
                commands.server(scenario, server, fixedPort, certificate, scenario.staticFile() ? staticDir : null),
                config.logDir().resolve(name + ".log"), START_TIMEOUT,
                nginx ? NGINX_READY : fixedPort > 0 ? REDIS_READY : LISTENING, fixedPort)) {
            if (nginx) {
                awaitListening(fixedPort); // the ready line comes just before nginx binds
            }
            String tlsNote = scenario.tls() ? negotiated(process) : "";
            if (scenario.tls() && scenario.kind() != SuiteScenario.Kind.HANDSHAKE) {
                // the load's own connections make few handshakes (64 per wrk run): compile that code before the window
                runTool(commands.handshakes(process.port(), config.handshakeWarmup(), !scenario.echo()),
                        name + "-warmup-handshakes", l -> { });
            }
            List<SuiteRun> runs = switch (scenario.kind()) {
                case WRK_PLAIN -> List.of(wrk(scenario, server, process, List.of()));
                case WRK_PIPELINE -> List.of(wrk(scenario, server, process, List.of("pipeline", "16")));
                case WRK_POST -> List.of(wrk(scenario, server, process, List.of("post", "4096")));
                case WRK_STATIC -> List.of(wrk(scenario, server, process, List.of()));
                case WRK_GZIP -> List.of(wrk(scenario, server, process, List.of("gzip")));
                case HANDSHAKE -> List.of(handshakes(scenario, server, process));
                case ECHO_128 -> List.of(echo(scenario, server, process, tcpEchoLoad(scenario, process, 128, 64)));
                case ECHO_16K -> List.of(echo(scenario, server, process, tcpEchoLoad(scenario, process, 16 * 1024, 16)));
                case UDP_ECHO_64 -> List.of(echo(scenario, server, process, commands.udpLoad(process.port(), 64, 64)));
                case WS_ECHO_128 -> List.of(echo(scenario, server, process, commands.wsLoad(process.port(), 128, 64)));
                case WS_BROADCAST -> List.of(broadcast(scenario, server, process));
                case IDLE, IDLE_NO_PRETOUCH, WS_IDLE, WS_IDLE_DEFLATE -> List.of(idle(scenario, server, process));
                case CHURN -> List.of(churn(scenario, server, process));
                case KV -> kv(scenario, server, process);
                case H2LOAD -> List.of(h2load(scenario, server, process));
                case RAPID_RESET -> List.of(rapidReset(scenario, server, process));
            };
            if (!process.isAlive()) {
                throw new IOException(server + " server died during the run; see " + config.logDir().resolve(name + ".log"));
            }
            process.stop();
            return tlsNote.isEmpty() ? runs : runs.stream().map(r -> r.withNote(tlsNote)).toList();
        }
    }

    /**
     * What the server negotiates with OpenSSL's client ({@link TlsProbe}), and the certificate: the TLS scenarios'
     * note. It says so when the server negotiated other parameters than the scenario's first server.
     */
    private String negotiated(ServerProcess process) throws IOException, InterruptedException {
        String tls = TlsProbe.run(process.port(), certificate.certificate());
        String note = "OpenSSL's client negotiated " + tls + " with the " + certificate.type().label() + " test certificate";
        if (firstNegotiated == null) {
            firstNegotiated = tls;
        } else if (!firstNegotiated.equals(tls)) {
            note += " (NOT THE SAME as the first server's " + firstNegotiated + ")";
        }
        out.println("  " + note);
        return note;
    }

    // ---- scenarios

    private SuiteRun wrk(SuiteScenario scenario, String server, ServerProcess process, List<String> scriptArgs)
            throws IOException, InterruptedException {
        String path = switch (scenario.kind()) {
            case WRK_POST -> "/echo";
            case WRK_GZIP -> "/json64k";
            case WRK_STATIC -> "/static/" + SuiteScenario.STATIC_FILE;
            default -> "/plaintext";
        };
        int connections = scenario.staticFile() ? SuiteScenario.STATIC_CONNECTIONS : 64;
        runTool(commands.wrk(process.port(), scenario.tls(), path, config.warmup(scenario), scriptArgs, connections),
                scenario.key() + "-" + server + "-warmup", l -> { });
        long[] jit = scenario.tls() ? jitNow(process) : null;
        Window w = new Window(process.pid());
        String output = runTool(commands.wrk(process.port(), scenario.tls(), path, config.duration(), scriptArgs, connections),
                scenario.key() + "-" + server + "-wrk", l -> { });
        w.end();
        w.loadCpu = SuiteCommands.childCpuNanos(output);
        LoadOutcome o = output.lines().map(LoadOutcome::parseResultLine).filter(x -> x != null).findFirst()
                .orElseThrow(() -> new IOException("wrk printed no result line: " + output));
        return finish(scenario, "", server, "wrk", process, o, w, jit == null ? "" : jitNote(process, jit, w));
    }

    /** h2load's warm-up, then its measured window. */
    private SuiteRun h2load(SuiteScenario scenario, String server, ServerProcess process)
            throws IOException, InterruptedException {
        runTool(commands.h2load(process.port(), config.warmup(scenario)), scenario.key() + "-" + server + "-warmup", l -> { });
        Window w = new Window(process.pid());
        String output = runTool(commands.h2load(process.port(), config.duration()), scenario.key() + "-" + server + "-h2load",
                l -> { });
        w.end();
        w.loadCpu = SuiteCommands.childCpuNanos(output);
        LoadOutcome o = LoadOutcome.parseH2load(output);
        if (o == null) {
            throw new IOException("h2load printed no result: " + output);
        }
        return finish(scenario, "", server, "h2load", process, o, w, "");
    }

    /**
     * h2-rapid-reset: the attacker's warm-up, then the measured window of the attack alone (one op = one reset the
     * server took), then the legitimate h2load alone and during a second attack, for the note.
     */
    private SuiteRun rapidReset(SuiteScenario scenario, String server, ServerProcess process)
            throws IOException, InterruptedException {
        String name = scenario.key() + "-" + server;
        runTool(commands.rapidReset(process.port(), config.warmup(scenario)), name + "-warmup", l -> { });
        Window w = new Window(process.pid());
        String output = runTool(commands.rapidReset(process.port(), config.duration()), name + "-attack", l -> { });
        w.end();
        w.loadCpu = SuiteCommands.childCpuNanos(output);
        Map<String, String> attack = RapidResetLoad.result(output);
        if (attack == null) {
            throw new IOException("rapid-reset-load printed no result: " + output);
        }
        LoadOutcome alone = LoadOutcome.parseH2load(runTool(commands.legitH2load(process.port(), config.duration()),
                name + "-legit-alone", l -> { }));
        Process attacker = new ProcessBuilder(commands.rapidReset(process.port(), config.duration().plusSeconds(2)))
                .redirectErrorStream(true).redirectOutput(config.logDir().resolve(name + "-attack-2.log").toFile()).start();
        LoadOutcome attacked;
        try {
            attacked = LoadOutcome.parseH2load(runTool(commands.legitH2load(process.port(), config.duration()),
                    name + "-legit-attacked", l -> { }));
        } finally {
            if (!attacker.waitFor(config.duration().toSeconds() + 60, TimeUnit.SECONDS)) {
                attacker.destroyForcibly();
            }
        }
        String note = String.format(Locale.ROOT, "the server stopped %s connections, after min/median/max %s resets each"
                        + " (GOAWAY %s); h2load -c%d -m%d: %s req/s alone, %s req/s during the attack",
                attack.get("stopped"), attack.get("per_connection"), attack.get("goaway"), SuiteScenario.LEGIT_CONNECTIONS,
                SuiteScenario.LEGIT_STREAMS, rate(alone), rate(attacked));
        LoadOutcome o = new LoadOutcome(Long.parseLong(attack.get("resets")), Double.parseDouble(attack.get("seconds")),
                Long.parseLong(attack.get("errors")), Double.NaN, Double.NaN, Double.NaN);
        return finish(scenario, "", server, "rapid-reset-load", process, o, w, note);
    }

    private static String rate(LoadOutcome o) {
        return o == null ? "no result" : String.format(Locale.ROOT, "%,.0f", o.ops() / o.seconds());
    }

    /**
     * The JIT's part of a window: the compilations made in it and their compiler threads' CPU time, which counts in
     * the server's CPU time (the compilers run on the server's core). {@code before} is {@link #jitNow} read just
     * before the window began. The TLS scenarios note it: the JDK's TLS code takes long to compile fully.
     */
    private String jitNote(ServerProcess process, long[] before, Window w) throws IOException, InterruptedException {
        long[] after = jitNow(process);
        double compilerMillis = (after[1] - before[1]) / 1e6;
        return String.format(Locale.ROOT, "in the window %d JIT compilations; compiler threads %.0f ms of CPU (%.1f %% of the"
                + " server's)", after[0] - before[0], compilerMillis, compilerMillis * 1e6 * 100 / w.cpu.schedstatNanos());
    }

    /** The compilations so far and the compiler threads' CPU nanoseconds, for {@link #jitNote}. */
    private long[] jitNow(ServerProcess process) throws IOException, InterruptedException {
        return new long[] {ServerMemory.jitCompilations(process.pid()), cpuTime.compilerNanos(process.pid())};
    }

    /**
     * Full TLS handshakes ({@link SuiteCommands#handshakes}): a warm-up of {@link SuiteConfig#warmup()}, then one
     * window of {@link SuiteConfig#duration()}; one op is one connection that was answered.
     */
    private SuiteRun handshakes(SuiteScenario scenario, String server, ServerProcess process)
            throws IOException, InterruptedException {
        String name = scenario.key() + "-" + server;
        runTool(commands.handshakes(process.port(), config.warmup(scenario)), name + "-warmup", l -> { });
        long[] jit = jitNow(process);
        Window w = new Window(process.pid());
        String output = runTool(commands.handshakes(process.port(), config.duration()), name + "-s_time", l -> { });
        w.end();
        w.loadCpu = SuiteCommands.childCpuNanos(output);
        LoadOutcome o = LoadOutcome.parseSTime(output);
        if (o == null) {
            throw new IOException("openssl s_time printed no result: " + output);
        }
        return finish(scenario, "", server, "openssl s_time", process, o, w, jitNote(process, jit, w));
    }

    /** The TCP echo load for a scenario: over TLS, trusting the run's certificate, when the scenario is a TLS one. */
    private List<String> tcpEchoLoad(SuiteScenario scenario, ServerProcess process, int size, int connections) {
        return commands.echoLoad(process.port(), size, connections, scenario.tls() ? certificate : null);
    }

    private SuiteRun echo(SuiteScenario scenario, String server, ServerProcess process, List<String> command)
            throws IOException, InterruptedException {
        Window[] w = new Window[1];
        long[] loadCpu = new long[1];
        String output = runTool(command, scenario.key() + "-" + server + "-load", (line, load) -> {
            try {
                if (line.equals(EchoLoad.MEASURE_START)) {
                    loadCpu[0] = -cpuTime.sample(load.pid()).schedstatNanos();
                    w[0] = new Window(process.pid());
                } else if (line.equals(EchoLoad.MEASURE_END) && w[0] != null) {
                    w[0].end();
                    w[0].loadCpu = loadCpu[0] + cpuTime.sample(load.pid()).schedstatNanos();
                }
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        LoadOutcome o = LoadOutcome.parseEchoLoad(output);
        if (o == null || w[0] == null || w[0].wallNanos < 0) {
            throw new IOException("echo-load gave no result: " + output);
        }
        String note = output.lines().filter(l -> l.startsWith(EchoLoad.NEGOTIATED)).findFirst()
                .map(l -> "the JDK's client negotiated " + l.substring(EchoLoad.NEGOTIATED.length()).trim())
                .or(() -> output.lines().filter(l -> l.startsWith(BROADCAST_SUMMARY)).findFirst().map(String::trim))
                .orElse("");
        String tool = switch (scenario.kind()) {
            case UDP_ECHO_64 -> "udp-load";
            case WS_ECHO_128 -> "ws-load";
            case WS_BROADCAST -> "ws-broadcast-load";
            default -> "echo-load";
        };
        return finish(scenario, "", server, tool, process, o, w[0], note);
    }

    /** The line of ws-broadcast-load's summary, kept as the run's note. */
    private static final String BROADCAST_SUMMARY = "broadcast:";

    /**
     * ws-broadcast-10k: {@link SuiteConfig#idleConnections()} WebSockets, one message a second broadcast to all
     * ({@link WsBroadcastLoad}); the window spans the measured rounds, so the server's CPU per op is per message
     * delivered, and the latencies are the send-to-last-receipt times of the rounds.
     */
    private SuiteRun broadcast(SuiteScenario scenario, String server, ServerProcess process)
            throws IOException, InterruptedException {
        checkOpenFileLimit(config.idleConnections());
        return echo(scenario, server, process, commands.wsBroadcastLoad(process.port()));
    }

    private SuiteRun churn(SuiteScenario scenario, String server, ServerProcess process)
            throws IOException, InterruptedException {
        runTool(commands.ab(process.port(), config.warmup()), scenario.key() + "-" + server + "-warmup", l -> { });
        Window w = new Window(process.pid());
        String output = runTool(commands.ab(process.port(), config.duration()), scenario.key() + "-" + server + "-ab", l -> { });
        w.end();
        w.loadCpu = SuiteCommands.childCpuNanos(output);
        LoadOutcome o = LoadOutcome.parseAb(output);
        if (o == null) {
            throw new IOException("ab printed no report: " + output);
        }
        return finish(scenario, "", server, "ab", process, o, w, "latency: ab's whole milliseconds");
    }

    /**
     * redis-benchmark, one measured window per command of the scenario (SET, then GET), each sized from a warm-up
     * run of both to last about {@link SuiteConfig#duration()}. Without {@code -r} every request goes to the key
     * {@code key:__rand_int__}: the SET window writes it, and before the GET window the runner checks that it
     * exists, so that every GET is a hit on both servers.
     */
    private List<SuiteRun> kv(SuiteScenario scenario, String server, ServerProcess process)
            throws IOException, InterruptedException {
        String name = scenario.key() + "-" + server;
        List<String> tests = scenario.commands();
        String warm = runTool(commands.redisBenchmark(process.port(), String.join(",", tests).toLowerCase(Locale.ROOT),
                200_000), name + "-warmup", l -> { });
        List<SuiteRun> runs = new ArrayList<>();
        for (String test : tests) {
            double rate = LoadOutcome.redisRate(warm, test);
            if (rate <= 0) {
                throw new IOException("redis-benchmark printed no " + test + " rate: " + warm);
            }
            if (test.equals("GET") && !RespProbe.exists(process.port(), RespProbe.BENCHMARK_KEY)) {
                throw new IOException(RespProbe.BENCHMARK_KEY + " is missing after the SETs: the GETs would all miss");
            }
            long requests = Math.max(100_000, Math.round(rate * config.duration().toNanos() / 1e9));
            Window w = new Window(process.pid());
            String output = runTool(commands.redisBenchmark(process.port(), test.toLowerCase(Locale.ROOT), requests),
                    name + "-" + test.toLowerCase(Locale.ROOT), l -> { });
            w.end();
            w.loadCpu = SuiteCommands.childCpuNanos(output);
            LoadOutcome o = LoadOutcome.parseRedisBenchmark(output, test, requests);
            if (o == null) {
                throw new IOException("redis-benchmark printed no " + test + " result: " + output);
            }
            runs.add(finish(scenario, test, server, "redis-benchmark", process, o, w, ""));
        }
        return runs;
    }

    /**
     * Holds {@link SuiteConfig#idleConnections()} idle keep-alive connections on the server and reads its memory
     * before they connect and once they are all answered and idle, after a warm-up that pays the one-off costs
     * of a first burst ({@link #warmUpIdle}). The heap is read after a full GC at both ends;
     * the resident set, the part of it in the heap's pages and the memory from {@code Unsafe.allocateMemory}
     * (direct buffers) are read with no GC forced between the two readings, so that memory left for a collector
     * to free counts. Then the connections close and as many open again: the resident set's growth over that
     * second wave checks the first (it comes after a burst of its own).
     */
    private SuiteRun idle(SuiteScenario scenario, String server, ServerProcess process)
            throws IOException, InterruptedException {
        checkOpenFileLimit(config.idleConnections());
        long pid = process.pid();
        String name = scenario.key() + "-" + server;
        // warm the request path so that the baseline holds the JIT's and the loop's own memory
        runTool(commands.wrk(process.port(), "/plaintext", config.warmup(), List.of()), name + "-warmup", l -> { });
        long files = ServerMemory.openFiles(pid);
        String warmNote = warmUpIdle(scenario, name, process, files);
        long compilations = ServerMemory.jitCompilations(pid);
        long youngGcs = ServerMemory.youngCollections(pid);
        long baseHeap = ServerMemory.heapUsedAfterGcKib(pid); // the last GC forced before the idle readings
        long baseDirect = ServerMemory.unsafeAllocatedKib(pid);
        long baseHeapPages = ServerMemory.heapResidentKib(pid);
        long baseRss = ServerMemory.rssKib(pid);
        Window w;
        long rss;
        long direct;
        long heapPages;
        long heap;
        long servedMillis;
        long lateRss;
        IdleWave wave = IdleWave.start(commands.idleClients(scenario, process.port()), config.logDir().resolve(name + "-clients.log"));
        try (wave) {
            w = new Window(pid);
            wave.awaitReady();
            w.end();
            Thread.sleep(IDLE_SETTLE.toMillis()); // every connection answered; now let them be idle
            rss = ServerMemory.rssKib(pid);
            heapPages = ServerMemory.heapResidentKib(pid);
            direct = ServerMemory.unsafeAllocatedKib(pid);
            compilations = ServerMemory.jitCompilations(pid) - compilations;
            youngGcs = ServerMemory.youngCollections(pid) - youngGcs;
            heap = ServerMemory.heapUsedAfterGcKib(pid);
            servedMillis = newClientServed(process.port());
            lateRss = scenario.webSocket() ? rssAfterIdle(pid, w.startNanos + w.wallNanos) : -1;
        }
        String note = warmNote + "; burst: " + compilations + " JIT compilations, " + youngGcs + " young GCs; "
                + (servedMillis >= 0 ? "a new client was served in " + servedMillis + " ms with the connections open"
                : "a NEW CLIENT WAS NOT SERVED within 10 s");
        if (lateRss >= 0 && wave.answered() > 0) {
            note += String.format(Locale.ROOT, "; RSS growth %,.0f B/conn after %d s idle (no GC forced since the heap's"
                    + " reading)", (lateRss - baseRss) * 1024.0 / wave.answered(), WS_IDLE_LATE.toSeconds());
        }
        if (!awaitOpenFiles(pid, files + 16, Duration.ofSeconds(30))) {
            note += "; the server still had " + ServerMemory.openFiles(pid) + " files open 30 s after the clients left";
        }
        ServerMemory.heapUsedAfterGcKib(pid); // the second wave starts from an empty young generation too
        long againBaseHeapPages = ServerMemory.heapResidentKib(pid);
        long againBaseRss = ServerMemory.rssKib(pid);
        long againRss;
        long againHeapPages;
        IdleWave again = IdleWave.start(commands.idleClients(scenario, process.port()), config.logDir().resolve(name + "-clients-again.log"));
        try (again) {
            again.awaitReady();
            Thread.sleep(IDLE_SETTLE.toMillis());
            againRss = ServerMemory.rssKib(pid);
            againHeapPages = ServerMemory.heapResidentKib(pid);
        }
        long errors = wave.errors() + again.errors() + (servedMillis < 0 ? 1 : 0);
        return new SuiteRun(scenario.key(), "", server, "idle-clients", wave.answered(), w.wallNanos / 1e9, errors,
                w.cpu.schedstatNanos(), w.serverCore, w.loadCore, -1, Double.NaN, Double.NaN, Double.NaN,
                rss, heap, baseRss, baseHeap, baseDirect, direct, heapPages - baseHeapPages, againRss - againBaseRss,
                againHeapPages - againBaseHeapPages, note);
    }

    /**
     * Pays the one-off costs of a first burst of connections before the idle scenario's baseline, the same way
     * for every server, so that the resident set's growth over the measured burst is what the connections
     * hold and not what the process would have spent once anyway. After the wrk warm-up: {@link #WARMUP_WAVES}
     * warm-up waves of as many idle connections as the measured one, each answered once, then closed (the JIT
     * compiles the accept, registration, timer and close paths to their last tier, which takes thousands of
     * calls, and glibc's malloc keeps the compilers' scratch memory for the next compilations), each followed by
     * a wait until the server holds at most {@code files} + 16 files again; then more wrk load, {@link SuiteConfig#warmup()} at a time, until the
     * server has completed at least one young collection (at most {@link #YOUNG_GC_WARMUP_LIMIT}), so that its
     * young generation has been written through once, as in a server that has run for a while (without
     * {@code AlwaysPreTouch} a server that allocates little would otherwise touch eden pages for the first time
     * during the burst); then waits until the JIT has compiled nothing for a second (at most
     * {@link #JIT_QUIET_LIMIT}). Returns a note on what it did.
     *
     * <p>ws-idle-10k-deflate warms up with WebSockets that do not offer compression: waves with it would leave the
     * zlib states of their 10,000 connections (about 100 KiB each) freed to the C allocator, which the measured wave
     * would then reuse without growing the resident set, and the growth would no longer show what compression
     * costs an idle connection.
     */
    private String warmUpIdle(SuiteScenario scenario, String name, ServerProcess process, long files)
            throws IOException, InterruptedException {
        long pid = process.pid();
        List<String> notes = new ArrayList<>();
        List<Long> compiled = new ArrayList<>();
        for (int wave = 1; wave <= WARMUP_WAVES; wave++) {
            long before = ServerMemory.jitCompilations(pid);
            IdleWave warm = IdleWave.start(commands.idleClients(warmUpAs(scenario), process.port()),
                    config.logDir().resolve(name + "-clients-warmup-" + wave + ".log"));
            try (warm) {
                warm.awaitReady();
            }
            compiled.add(ServerMemory.jitCompilations(pid) - before);
            if (!awaitOpenFiles(pid, files + 16, Duration.ofSeconds(30))) {
                notes.add("the server still had " + ServerMemory.openFiles(pid) + " files open 30 s after warm-up wave "
                        + wave + " left");
            }
        }
        notes.add(WARMUP_WAVES + " warm-up waves of " + config.idleConnections() + " connections"
                + (warmUpAs(scenario) != scenario ? " without compression" : "") + " (JIT compilations "
                + compiled.stream().map(String::valueOf).collect(java.util.stream.Collectors.joining(", ")) + ")");
        long deadline = System.nanoTime() + YOUNG_GC_WARMUP_LIMIT.toNanos();
        int slices = 0;
        while (ServerMemory.youngCollections(pid) == 0 && System.nanoTime() < deadline) {
            runTool(commands.wrk(process.port(), "/plaintext", config.warmup(), List.of()), name + "-warmup-gc", l -> { });
            slices++;
        }
        long young = ServerMemory.youngCollections(pid);
        notes.add(young == 0 ? "NO YOUNG GC within " + YOUNG_GC_WARMUP_LIMIT.toSeconds() + " s of extra warm-up"
                : young + " young GCs before the baseline (" + slices + " extra warm-up runs)");
        long quietDeadline = System.nanoTime() + JIT_QUIET_LIMIT.toNanos();
        long compilations = ServerMemory.jitCompilations(pid);
        while (System.nanoTime() < quietDeadline) {
            Thread.sleep(1000); // the JIT's counters are read once a second; the runner is not a test
            long now = ServerMemory.jitCompilations(pid);
            if (now == compilations) {
                break;
            }
            compilations = now;
        }
        return String.join("; ", notes);
    }

    /** The resident set of {@code pid} once {@link #WS_IDLE_LATE} has passed since {@code readyNanos}. */
    private static long rssAfterIdle(long pid, long readyNanos) throws IOException, InterruptedException {
        long left = readyNanos + WS_IDLE_LATE.toNanos() - System.nanoTime();
        if (left > 0) {
            TimeUnit.NANOSECONDS.sleep(left); // the connections' idle time; the runner is not a test
        }
        return ServerMemory.rssKib(pid);
    }

    /** The scenario whose idle clients warm up {@code scenario}'s server: the same but without compression. */
    private static SuiteScenario warmUpAs(SuiteScenario scenario) {
        return scenario.kind() == SuiteScenario.Kind.WS_IDLE_DEFLATE ? SuiteScenario.byKey("ws-idle-10k") : scenario;
    }

    /** Waits until process {@code pid} has at most {@code files} files open; returns false when it did not in time. */
    private static boolean awaitOpenFiles(long pid, long files, Duration timeout) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (ServerMemory.openFiles(pid) > files) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            Thread.sleep(100); // polling another process's file table; the runner is not a test
        }
        return true;
    }

    /**
     * Fails unless this process may open enough files for the idle scenario: the server and idle-clients each
     * hold one socket per connection and raise their soft limit to the hard one, which they inherit from here.
     */
    private static void checkOpenFileLimit(int connections) throws IOException {
        long hard = openFileHardLimit();
        long needed = connections + 1024L;
        if (hard >= 0 && hard < needed) {
            throw new IOException("the hard limit on open files is " + hard + "; " + connections
                    + " idle connections need " + needed + ": raise it (as root: ulimit -Hn " + needed + ") and run again");
        }
    }

    /** The hard limit on open files of this process from {@code /proc/self/limits}, or -1 when unknown or unlimited. */
    static long openFileHardLimit() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/limits"))) {
            if (line.startsWith("Max open files")) {
                String[] f = line.substring("Max open files".length()).trim().split("\\s+");
                return f[1].equals("unlimited") ? -1 : Long.parseLong(f[1]);
            }
        }
        return -1;
    }

    /** Sends one GET over a new connection; returns the milliseconds until a 200 came back, or -1. */
    private static long newClientServed(int port) {
        long start = System.nanoTime();
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 10_000);
            s.setSoTimeout(10_000);
            OutputStream o = s.getOutputStream();
            o.write("GET /plaintext HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            o.flush();
            byte[] head = s.getInputStream().readNBytes(12);
            return new String(head, StandardCharsets.US_ASCII).startsWith("HTTP/1.1 200")
                    ? TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start) : -1;
        } catch (IOException e) {
            log.debug("the new client was not served", e);
            return -1;
        }
    }

    private SuiteRun finish(SuiteScenario scenario, String command, String server, String tool, ServerProcess process,
                            LoadOutcome o, Window w, String note) throws IOException, InterruptedException {
        long rss = ServerMemory.rssKib(process.pid());
        long heap = SuiteScenario.java(server) ? ServerMemory.heapUsedAfterGcKib(process.pid()) : -1;
        double seconds = w.wallNanos / 1e9;
        return new SuiteRun(scenario.key(), command, server, tool, o.ops(), seconds, o.errors(), w.cpu.schedstatNanos(),
                w.serverCore, w.loadCore, w.loadCpu, o.p50Micros(), o.p99Micros(), o.p999Micros(), rss, heap, -1, -1,
                -1, -1, SuiteRun.NOT_MEASURED, SuiteRun.NOT_MEASURED, SuiteRun.NOT_MEASURED, note);
    }

    /** Runs a load tool to its end; returns its output (also written to the log folder). */
    private String runTool(List<String> command, String name, Consumer<String> lines)
            throws IOException, InterruptedException {
        return runTool(command, name, (line, process) -> lines.accept(line));
    }

    /** Runs a load tool to its end, showing each line and the process to {@code lines}; returns its output. */
    private String runTool(List<String> command, String name, BiConsumer<String, Process> lines)
            throws IOException, InterruptedException {
        log.debug("running {}", command);
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        StringBuilder text = new StringBuilder();
        try (InputStream in = p.getInputStream();
             BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                text.append(line).append('\n');
                lines.accept(line, p);
            }
        } finally {
            if (!p.waitFor(config.duration().toSeconds() + Math.max(config.warmup().toSeconds(),
                    Math.max(config.tlsWarmup().toSeconds(), config.handshakeWarmup().toSeconds())) + 120, TimeUnit.SECONDS)) {
                p.destroyForcibly();
            }
        }
        Files.writeString(config.logDir().resolve(name + ".log"), text);
        if (p.exitValue() != 0) {
            out.println("  " + command + " exited with " + p.exitValue() + " (see " + config.logDir().resolve(name + ".log") + ")");
        }
        return text.toString();
    }

    /** Waits up to {@link #START_TIMEOUT} until {@code port} accepts a connection. */
    private static void awaitListening(int port) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (true) {
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 1000);
                return;
            } catch (IOException e) {
                if (System.nanoTime() > deadline) {
                    throw new IOException("nothing listens on port " + port + " after " + START_TIMEOUT.toSeconds() + " s", e);
                }
                Thread.sleep(20); // polling another process's socket; the runner is not a test
            }
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    /** CPU readings at the edges of one measured window. */
    private final class Window {
        private final long pid;
        private final CpuTime.Sample before;
        private final long startNanos;
        private CpuTime.Sample cpu;
        private long serverCore;
        private long loadCore;
        private long wallNanos = -1;
        private long loadCpu = -1;

        Window(long pid) throws IOException {
            this.pid = pid;
            this.serverCore = -cpuTime.coreBusyNanos(config.serverCpu());
            this.loadCore = -cpuTime.coreBusyNanos(config.loadCpu());
            this.before = cpuTime.sample(pid);
            this.startNanos = System.nanoTime();
        }

        void end() throws IOException {
            wallNanos = System.nanoTime() - startNanos;
            cpu = cpuTime.sample(pid).minus(before);
            serverCore += cpuTime.coreBusyNanos(config.serverCpu());
            loadCore += cpuTime.coreBusyNanos(config.loadCpu());
        }
    }
}
