package io.switchboard.bench;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The command lines of the side-by-side suite: each server pinned to the server CPU with the scenario's JVM
 * flags, each load tool pinned to the load CPU. Immutable.
 */
final class SuiteCommands {
    /** A line of bash's {@code times}: user and system time, as in {@code 0m1.234s 0m0.567s}. */
    private static final Pattern TIMES = Pattern.compile("(?m)^(\\d+)m([0-9.]+)s (\\d+)m([0-9.]+)s$");

    private final SuiteConfig config;
    private final String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();

    SuiteCommands(SuiteConfig config) {
        this.config = config;
    }

    /** The command line of {@code server} in a plaintext {@code scenario}; {@code redisPort} for redis-server. */
    List<String> server(SuiteScenario scenario, String server, int redisPort) {
        return server(scenario, server, redisPort, null);
    }

    /**
     * The command line of {@code server} in {@code scenario}; {@code redisPort} for redis-server; the
     * {@code certificate} the TLS scenarios' servers serve.
     *
     * @throws IllegalArgumentException for a TLS scenario without a certificate, or a server that has no TLS
     */
    List<String> server(SuiteScenario scenario, String server, int redisPort, TestCertificate certificate) {
        return server(scenario, server, redisPort, certificate, null);
    }

    /**
     * The command line of {@code server} in {@code scenario}, as {@link #server(SuiteScenario, String, int,
     * TestCertificate)}, serving the files of {@code staticDir}{@code /files} in the static scenario (nginx listens on
     * {@code port}, its configuration written already by {@link NginxStatic#writeConfig()}).
     */
    List<String> server(SuiteScenario scenario, String server, int port, TestCertificate certificate, Path staticDir) {
        if (scenario.staticFile() != (staticDir != null) || server.equals(SuiteScenario.NGINX) && staticDir == null) {
            throw new IllegalArgumentException(scenario.key() + " with " + server + " and the folder " + staticDir);
        }
        if (server.equals(SuiteScenario.NGINX)) {
            NginxStatic nginx = new NginxStatic(staticDir, port);
            List<String> c = new ArrayList<>(List.of("bash", "-c", "ulimit -n hard && exec \"$@\"", "bash",
                    "taskset", "-c", Integer.toString(config.serverCpu())));
            c.addAll(nginx.command());
            return c;
        }
        int redisPort = port;
        if (scenario.tls() && (certificate == null
                || !server.equals(SuiteScenario.SWITCHBOARD) && !server.equals(SuiteScenario.NETTY))) {
            throw new IllegalArgumentException(scenario.key() + " needs a certificate and a server with TLS, got "
                    + server + " with " + certificate);
        }
        List<String> c = new ArrayList<>(List.of("bash", "-c", "ulimit -n hard && exec \"$@\"", "bash",
                "taskset", "-c", Integer.toString(config.serverCpu())));
        if (server.equals(SuiteScenario.REDIS)) {
            c.addAll(List.of("redis-server", "--port", Integer.toString(redisPort), "--bind", "127.0.0.1",
                    "--save", "", "--appendonly", "no", "--protected-mode", "no"));
            return c;
        }
        c.add(java);
        c.addAll(scenario.idle() ? config.idleJvmArgs() : config.jvmArgs());
        if (scenario.preTouch()) {
            c.add(SuiteConfig.PRE_TOUCH);
        }
        String examples = config.examplesJar().toString();
        String bench = config.benchJar().toString();
        boolean echo = scenario.echo();
        boolean kv = scenario.kind() == SuiteScenario.Kind.KV;
        boolean broadcast = scenario.kind() == SuiteScenario.Kind.WS_BROADCAST;
        switch (server) {
            case SuiteScenario.SWITCHBOARD, SuiteScenario.SB_NO_METRICS, SuiteScenario.SB_METRICS, SuiteScenario.SB_JFR -> {
                if (server.equals(SuiteScenario.SB_JFR)) {
                    c.add("-XX:StartFlightRecording=settings=default,maxage=2m");
                }
                c.addAll(List.of("-jar", broadcast ? bench : examples));
                if (broadcast) {
                    c.add("ws-broadcast");
                } else if (scenario.webSocket()) {
                    c.addAll(List.of("http", "--idle-timeout", "3600", "--request-timeout", "3600"));
                } else if (scenario.udp()) {
                    c.add("udp-echo");
                } else if (echo) {
                    c.add("echo");
                } else if (kv) {
                    c.add("kv");
                } else {
                    c.addAll(List.of("http", "--idle-timeout", "3600", "--request-timeout", "3600"));
                    if (staticDir != null) {
                        c.addAll(List.of("--static", staticDir.resolve("files").toString()));
                    }
                    if (server.equals(SuiteScenario.SB_NO_METRICS)) {
                        c.add("--no-metrics");
                    } else if (server.equals(SuiteScenario.SB_METRICS)) {
                        c.add("--metrics");
                    }
                }
                c.addAll(List.of("--workers", "1"));
                if (scenario.kind() == SuiteScenario.Kind.WRK_GZIP) {
                    c.addAll(List.of("--compress", Integer.toString(SuiteScenario.GZIP_LEVEL)));
                }
            }
            case SuiteScenario.NETTY -> {
                c.addAll(scenario.udp() ? List.of("-jar", bench, "netty-udp-echo")
                        : scenario.h2() ? List.of("-jar", bench, "netty-h2", "--workers", "1")
                        : staticDir != null ? List.of("-jar", bench, "netty-static", "--dir",
                                staticDir.resolve("files").toString(), "--workers", "1")
                        : List.of("-jar", bench, scenario.webSocket() ? "netty-ws" : echo ? "netty-echo" : "netty-http",
                                "--workers", "1"));
                if (scenario.kind() == SuiteScenario.Kind.WRK_GZIP) {
                    c.addAll(List.of("--compress", Integer.toString(SuiteScenario.GZIP_LEVEL)));
                }
            }
            case SuiteScenario.FLOOR -> c.addAll(List.of("-jar", bench,
                    scenario.webSocket() ? "floor-ws" : echo ? "floor-echo" : "floor-http"));
            default -> throw new IllegalArgumentException("unknown server " + server);
        }
        c.addAll(List.of("--host", "127.0.0.1", "--port", "0"));
        if (scenario.tls()) {
            c.addAll(certificate.serverFlags());
        }
        return c;
    }

    /**
     * {@code tool} pinned to the load CPU, run by a shell that prints, when the tool has exited, the CPU time
     * its children used (bash's {@code times}), for {@link #childCpuNanos}.
     */
    private List<String> timedOnLoadCpu(List<String> tool) {
        List<String> c = new ArrayList<>(List.of("taskset", "-c", Integer.toString(config.loadCpu()), "bash", "-c",
                "\"$@\"; s=$?; times; exit $s", "bash"));
        c.addAll(tool);
        return c;
    }

    /** The user + system time of the children, from the last line of bash's {@code times}; -1 if absent. */
    static long childCpuNanos(String output) {
        Matcher m = TIMES.matcher(output);
        long nanos = -1;
        while (m.find()) {
            nanos = Math.round((Long.parseLong(m.group(1)) * 60 + Double.parseDouble(m.group(2))
                    + Long.parseLong(m.group(3)) * 60 + Double.parseDouble(m.group(4))) * 1e9);
        }
        return nanos;
    }

    /** wrk for {@code d} on {@code path}, with the bench.lua script's arguments, timed on the load CPU. */
    List<String> wrk(int port, String path, Duration d, List<String> scriptArgs) {
        return wrk(port, false, path, d, scriptArgs);
    }

    /**
     * wrk for {@code d} on {@code path} ({@code https://} when {@code tls}: wrk checks no certificate), with the
     * bench.lua script's arguments, timed on the load CPU.
     */
    List<String> wrk(int port, boolean tls, String path, Duration d, List<String> scriptArgs) {
        return wrk(port, tls, path, d, scriptArgs, 64);
    }

    /** As {@link #wrk(int, boolean, String, Duration, List)}, with {@code connections} connections. */
    List<String> wrk(int port, boolean tls, String path, Duration d, List<String> scriptArgs, int connections) {
        List<String> c = new ArrayList<>(List.of("wrk", "-t1", "-c" + connections,
                "-d" + Math.max(1, Math.round(d.toNanos() / 1e9)) + "s", "-s", config.wrkScript().toString(),
                (tls ? "https" : "http") + "://127.0.0.1:" + port + path));
        if (!scriptArgs.isEmpty()) {
            c.add("--");
            c.addAll(scriptArgs);
        }
        return timedOnLoadCpu(c);
    }

    /**
     * h2load for {@code d} (whole seconds) on {@code /plaintext} over h2c with prior knowledge:
     * {@link SuiteScenario#H2_CONNECTIONS} connections with {@link SuiteScenario#H2_STREAMS} streams in flight each,
     * one thread, timed on the load CPU.
     */
    List<String> h2load(int port, Duration d) {
        return timedOnLoadCpu(List.of("h2load", "-t1", "-c" + SuiteScenario.H2_CONNECTIONS, "-m" + SuiteScenario.H2_STREAMS,
                "-D" + Math.max(1, Math.round(d.toNanos() / 1e9)), "http://127.0.0.1:" + port + "/plaintext"));
    }

    /**
     * The Rapid Reset attacker for {@code d} on {@link SuiteScenario#RAPID_RESET_CONNECTIONS} connections, timed on the
     * load CPU.
     */
    List<String> rapidReset(int port, Duration d) {
        return timedOnLoadCpu(List.of(java, "-jar", config.benchJar().toString(), "rapid-reset-load", "--host",
                "127.0.0.1", "--port", Integer.toString(port), "--connections",
                Integer.toString(SuiteScenario.RAPID_RESET_CONNECTIONS), "--duration",
                String.format(Locale.ROOT, "%.3f", d.toNanos() / 1e9)));
    }

    /** h2-rapid-reset's legitimate client: h2load on {@code /plaintext} for {@code d}, small, timed on the load CPU. */
    List<String> legitH2load(int port, Duration d) {
        return timedOnLoadCpu(List.of("h2load", "-t1", "-c" + SuiteScenario.LEGIT_CONNECTIONS,
                "-m" + SuiteScenario.LEGIT_STREAMS, "-D" + Math.max(1, Math.round(d.toNanos() / 1e9)),
                "http://127.0.0.1:" + port + "/plaintext"));
    }

    /** ab for {@code d}, HTTP/1.0 without keep-alive, timed on the load CPU. */
    List<String> ab(int port, Duration d) {
        return timedOnLoadCpu(List.of("ab", "-q", "-r", "-c", "16",
                "-t", Long.toString(Math.max(1, Math.round(d.toNanos() / 1e9))), "-n", "100000000",
                "http://127.0.0.1:" + port + "/plaintext"));
    }

    /**
     * redis-benchmark of {@code tests} (as for {@code -t}: {@code set,get}, {@code set}), 16 pipelined, 50 clients,
     * {@code requests} of each test, timed on the load CPU. Without {@code -r} every SET and GET goes to the one key
     * {@code key:__rand_int__}.
     */
    List<String> redisBenchmark(int port, String tests, long requests) {
        return timedOnLoadCpu(List.of("redis-benchmark", "-h", "127.0.0.1",
                "-p", Integer.toString(port), "-t", tests, "-P", "16", "-q", "-n", Long.toString(requests)));
    }

    /**
     * {@link SuiteScenario#HANDSHAKE_CLIENTS} {@code openssl s_time -new -tls1_3} clients at once for {@code d}
     * (whole seconds), each fetching {@code /plaintext} over one new connection after another: a full TLS 1.3
     * handshake each (-new resumes no session), an HTTP/1.0 GET, the answer, the server's close. Timed on the load
     * CPU; the script prints how many of the clients failed.
     */
    List<String> handshakes(int port, Duration d) {
        return handshakes(port, d, true);
    }

    /**
     * As {@link #handshakes(int, Duration)}; without {@code fetch} each client only completes the handshake and closes
     * (for an echo server, which would echo the GET back and never close).
     */
    List<String> handshakes(int port, Duration d, boolean fetch) {
        String script = "pids=(); for i in $(seq \"$1\"); do openssl s_time -connect \"$2\" -new -tls1_3"
                + (fetch ? " -www /plaintext" : "")
                + " -time \"$3\" & pids+=($!); done; failed=0; for p in \"${pids[@]}\"; do wait \"$p\" || failed=$((failed + 1));"
                + " done; echo \"" + S_TIME_FAILED + " $failed\"";
        return timedOnLoadCpu(List.of("bash", "-c", script, "bash", Integer.toString(SuiteScenario.HANDSHAKE_CLIENTS),
                "127.0.0.1:" + port, Long.toString(Math.max(1, Math.round(d.toNanos() / 1e9)))));
    }

    /** The line {@link #handshakes} ends with, before the number of s_time clients that exited with an error. */
    static final String S_TIME_FAILED = "s_time clients failed:";

    /** echo-load with {@code connections} connections of {@code size}-byte messages, pinned to the load CPU. */
    List<String> echoLoad(int port, int size, int connections) {
        return echoLoad(port, size, connections, null);
    }

    /**
     * echo-load with {@code connections} connections of {@code size}-byte messages, pinned to the load CPU; over TLS
     * trusting {@code certificate} when it is not null, then after the TLS warm-up.
     */
    List<String> echoLoad(int port, int size, int connections, TestCertificate certificate) {
        List<String> command = new ArrayList<>(List.of("taskset", "-c", Integer.toString(config.loadCpu()), java));
        command.addAll(config.jvmArgs());
        command.addAll(List.of("-jar", config.benchJar().toString(), "echo-load", "--host", "127.0.0.1",
                "--port", Integer.toString(port), "-c", Integer.toString(connections),
                "--size", Integer.toString(size), "--warmup", seconds(certificate == null ? config.warmup() : config.tlsWarmup()),
                "-d", seconds(config.duration())));
        if (certificate != null) {
            command.addAll(new LoadTls(certificate.certificate(), false).flags());
        }
        return command;
    }

    /** udp-load with {@code sockets} sockets of {@code size}-byte datagrams, pinned to the load CPU. */
    List<String> udpLoad(int port, int size, int sockets) {
        List<String> command = new ArrayList<>(List.of("taskset", "-c", Integer.toString(config.loadCpu()), java));
        command.addAll(config.jvmArgs());
        command.addAll(List.of("-jar", config.benchJar().toString(), "udp-load", "--host", "127.0.0.1",
                "--port", Integer.toString(port), "-c", Integer.toString(sockets),
                "--size", Integer.toString(size), "--warmup", seconds(config.warmup()), "-d", seconds(config.duration())));
        return command;
    }

    /** {@code idle-clients} holding {@link SuiteConfig#idleConnections()} connections to {@code port}, pinned to the load CPU. */
    List<String> idleClients(int port) {
        return idleClients(port, config.idleConnections());
    }

    /**
     * The idle connections of {@code scenario}: {@code idle-clients} (HTTP), or {@code ws-idle-clients} on the echo
     * route (with {@code --deflate} for ws-idle-10k-deflate), {@link SuiteConfig#idleConnections()} of them to
     * {@code port}, pinned to the load CPU.
     */
    List<String> idleClients(SuiteScenario scenario, int port) {
        if (!scenario.webSocket()) {
            return idleClients(port);
        }
        List<String> command = new ArrayList<>(List.of("bash", "-c", "ulimit -n hard && exec \"$@\"", "bash",
                "taskset", "-c", Integer.toString(config.loadCpu()), java));
        command.addAll(config.jvmArgs());
        command.addAll(List.of("-jar", config.benchJar().toString(), "ws-idle-clients", "--port", Integer.toString(port),
                "-c", Integer.toString(config.idleConnections()), "--path", NettyWebSocketServer.ECHO_PATH));
        if (scenario.kind() == SuiteScenario.Kind.WS_IDLE_DEFLATE) {
            command.add("--deflate");
        }
        return command;
    }

    /** ws-load: {@code connections} WebSockets to the echo route, {@code size}-character text messages, on the load CPU. */
    List<String> wsLoad(int port, int size, int connections) {
        List<String> command = new ArrayList<>(List.of("taskset", "-c", Integer.toString(config.loadCpu()), java));
        command.addAll(config.jvmArgs());
        command.addAll(List.of("-jar", config.benchJar().toString(), "ws-load", "--host", "127.0.0.1",
                "--port", Integer.toString(port), "--path", NettyWebSocketServer.ECHO_PATH,
                "-c", Integer.toString(connections), "--size", Integer.toString(size),
                "--warmup", seconds(config.warmup()), "-d", seconds(config.duration())));
        return command;
    }

    /**
     * ws-broadcast-load: {@link SuiteConfig#idleConnections()} WebSockets to the broadcast route,
     * {@link SuiteConfig#broadcastRounds()} measured rounds of one 128-byte message, on the load CPU with its open-file
     * limit raised to the hard one.
     */
    List<String> wsBroadcastLoad(int port) {
        List<String> command = new ArrayList<>(List.of("bash", "-c", "ulimit -n hard && exec \"$@\"", "bash",
                "taskset", "-c", Integer.toString(config.loadCpu()), java));
        command.addAll(config.jvmArgs());
        command.addAll(List.of("-jar", config.benchJar().toString(), "ws-broadcast-load", "--host", "127.0.0.1",
                "--port", Integer.toString(port), "--path", NettyWebSocketServer.BROADCAST_PATH,
                "-c", Integer.toString(config.idleConnections()), "--size", "128",
                "--rounds", Integer.toString(config.broadcastRounds())));
        return command;
    }

    /** {@code idle-clients} holding {@code connections} connections to {@code port}, pinned to the load CPU. */
    List<String> idleClients(int port, int connections) {
        List<String> command = new ArrayList<>(List.of("bash", "-c", "ulimit -n hard && exec \"$@\"", "bash",
                "taskset", "-c", Integer.toString(config.loadCpu()), java));
        command.addAll(config.jvmArgs());
        command.addAll(List.of("-jar", config.benchJar().toString(), "idle-clients", "--port", Integer.toString(port),
                "-c", Integer.toString(connections)));
        return command;
    }

    private static String seconds(Duration d) {
        return String.format(Locale.ROOT, "%.3f", d.toNanos() / 1e9);
    }
}
