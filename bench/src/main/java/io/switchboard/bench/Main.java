package io.switchboard.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.net.URISyntaxException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.CodeSource;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The bench jar's command line: {@code java -jar switchboard-bench.jar <command> [flags]}. Commands run
 * JMH, a Netty echo server, the echo load generator, and the side-by-side echo comparison.
 */
public final class Main {
    private static final Logger log = LoggerFactory.getLogger(Main.class);

    static final String USAGE = String.join("\n",
            "usage: java -jar switchboard-bench.jar <command> [flags]",
            "",
            "commands:",
            "  jmh [JMH options]      run the JMH benchmarks (-l lists them, -h shows JMH's options)",
            "  netty-echo             the standard Netty 4.2 echo server     [--host H] [--port N (7001)] [--workers N]",
            "                         [--tls-cert FILE --tls-key FILE]  (PEM: TLS with SslHandler on the JDK provider)",
            "  netty-http             Netty 4.2 HTTP server, TechEmpower style: /plaintext /json POST /echo /json64k",
            "                                                                [--host H] [--port N (8081)] [--workers N]",
            "                         [--compress LEVEL]  (HttpContentCompressor, gzip and deflate at LEVEL 1-9)",
            "                         [--tls-cert FILE --tls-key FILE]  (PEM: HTTPS with SslHandler on the JDK provider)",
            "  netty-ws               Netty 4.2 WebSocket server (WebSocketServerProtocolHandler, WebSocketServerCompressionHandler):",
            "                         /ws/echo (echo), /ws/broadcast (ChannelGroup), GET /plaintext",
            "                                                                [--host H] [--port N (8083)] [--workers N]",
            "  ws-broadcast           Switchboard WebSocket broadcast server (ConnectionGroup, WebSocketFrame): /ws/broadcast,",
            "                         GET /plaintext                         [--host H] [--port N (8084)] [--workers N]",
            "  netty-h2               Netty 4.2 h2c server (prior knowledge; Http2FrameCodec): GET /plaintext /json",
            "                                                                [--host H] [--port N (8085)] [--workers N]",
            "  rapid-reset-load       Rapid Reset attacker (h2c): HEADERS then RST_STREAM CANCEL, over and over",
            "                         --host H --port P --connections N (16) --duration S (10)",
            "  netty-static           Netty 4.2 static file server (DefaultFileRegion): the files of DIR at /static/",
            "                         --dir DIR                              [--host H] [--port N (8083)] [--workers N]",
            "  observe-servers        GET /plaintext twice in one JVM, one worker each: PORT counts nothing, PORT+1 keeps",
            "                         every count; stdin 'jfr on' / 'jfr off' starts and stops a default recording",
            "                         (bench/observe.sh)                     [--host H] [--port N (8090)]",
            "  floor-http             minimal one-thread NIO HTTP server: every request head gets the plaintext answer",
            "                                                                [--host H] [--port N (8082)]",
            "  floor-echo             minimal one-thread NIO echo server     [--host H] [--port N (7002)]",
            "  floor-ws               minimal one-thread NIO WebSocket echo: any head with a key gets a 101, then every",
            "                         frame is echoed unmasked in place      [--host H] [--port N (8086)]",
            "  ws-alternate           WebSocket echo servers side by side in one load process: 64 ws-load connections",
            "                         to each, one server driven at a time, windows alternating round by round",
            "                         --targets NAME:PORT:PID,NAME:PORT:PID[,...] (the first is the reference)",
            "                         [--host H] [--path P (/ws/echo)] [-c N (64)] [--size N (128)] [--warmup S (10)]",
            "                         [--window S (4)] [--rounds N (12)] [--csv FILE]   (bench/ws-alternate.sh)",
            "  netty-udp-echo         the standard Netty 4.2 UDP echo server (one NioDatagramChannel)",
            "                                                                [--host H] [--port N (7003)]",
            "  load URL               HTTP load on Switchboard's Client      [-c CONNECTIONS (64)] [-d SECONDS (10)]",
            "                         [--warmup S (0)] [--pipeline N (1)] [--rate REQ/S (0: closed loop)]",
            "                         [--method GET|POST (GET)] [--body BYTES (0)]     URL: http://HOST:PORT/PATH",
            "                         or https://HOST:PORT/PATH [--tls-ca FILE | --tls-insecure]",
            "                         [--h2 [--streams N (16)]]  (HTTP/2: h2c with prior knowledge, h2 by ALPN over https)",
            "  echo-load              echo load on Switchboard's Client      [--host H] [--port N (7000)] [-c CONNECTIONS (64)]",
            "                         [--size BYTES (128)] [-d SECONDS (10)] [--warmup SECONDS (0)] [--loops N (1)]",
            "                         [--tls [--tls-ca FILE | --tls-insecure]]",
            "  ws-load                WebSocket echo load on Switchboard's WebSocketClient: text messages of --size ASCII",
            "                         characters, one in flight per connection, as echo-load",
            "                         [--host H] [--port N (8080)] [--path P (/ws/echo)] [-c CONNECTIONS (64)] [--size N (128)]",
            "                         [-d SECONDS (10)] [--warmup SECONDS (0)]",
            "  ws-broadcast-load      WebSocket broadcast load: N WebSockets, one binary message a second sent on the first,",
            "                         timed from the send to the last receipt  [--host H] [--port N (8084)]",
            "                         [--path P (/ws/broadcast)] [-c N (10000)] [--size BYTES (128)] [--rounds N (60)]",
            "                         [--warmup-rounds N (5)]",
            "  udp-load               UDP echo load: connected sockets on one thread, one datagram in flight each",
            "                         [--host H] [--port N (7002)] [-c SOCKETS (64)] [--size BYTES (64)] [-d SECONDS (10)]",
            "                         [--warmup SECONDS (0)]",
            "  compare-echo           Switchboard's echo example vs the Netty echo server, server CPU per message",
            "                         [--duration S (15)] [--warmup S (5)] [--rounds N (1)] [--csv FILE]",
            "                         [--examples-jar FILE] [--bench-jar FILE] [--server-cpu N (0)] [--load-cpu N (1)]",
            "                         [--jvm-args \"FLAGS\"] [--jfr DIR] [--log-dir DIR] [--noise-limit PERCENT (5)] [--retries N (2)]",
            "  compare                the side-by-side suite: Switchboard vs Netty vs the floor (vs redis-server for kv,",
            "                         nginx for static-1m)",
            "                         [--scenarios a,b,... (all)] [--duration S (10)] [--warmup S (5)]",
            "                         [--out FILE (bench/results/compare.csv)] [--examples-jar FILE] [--bench-jar FILE]",
            "                         [--wrk-script FILE (bench/wrk/bench.lua)] [--server-cpu N (0)] [--load-cpu N (1)]",
            "                         [--jvm-args \"FLAGS\"] [--idle-connections N (10000)] [--log-dir DIR]",
            "                         [--noise-limit PERCENT (10)] [--retries N (1)] [--echo-rounds N (3)] [--idle-rounds N (3)]",
            "                         [--tls-cert-type p256|rsa2048 (p256)] [--tls-handshake-warmup S (60)] [--tls-warmup S (15)]",
            "                         (every TLS scenario first makes full handshakes, then its own load warms up)",
            "                         scenarios: http-plain,https-plain,http-pipe16,https-pipe16,http-echo-4k,echo-128,",
            "                         echo-16k,tls-echo-16k,idle-10k,idle-10k-nopretouch,churn,tls-handshake,kv,udp-echo-64,",
            "                         ws-echo-128,ws-broadcast-10k,ws-idle-10k,ws-idle-10k-deflate",
            "                         [--broadcast-rounds N (60)] (measured rounds of ws-broadcast-10k, one a second)",
            "                         static-1m (with nginx: apt-get install nginx-light)",
            "                         http-gzip-64k",
            "                         http-plain-observe (the http example four ways: --echo-rounds rounds, not in the default set)",
            "                         (the TLS ones share a test certificate made with openssl for the run)",
            "  ws-idle-clients        hold N idle WebSockets (one 1 KiB text echoed each) until stdin ends",
            "                         [--host H] [--port N] [-c N (10000)] [--path P (/ws/echo)] [--deflate]",
            "  fanout                 chat broadcast fan-out latency: -c line clients spread over the chat ports, one",
            "                         sender, p50/p99 from send to last receipt   [--ports P1,P2,... (7001)] [-c N (3000)]",
            "                         [--lines N (200)] [--rate LINES/S (20)] [--loops N (1)]   (bench/fanout.sh runs it)",
            "  idle-clients           hold N idle HTTP connections (one GET each) until stdin ends",
            "                                                                [--host H] [--port N] [-c N (10000)] [--path P]",
            "  report                 rewrite the results section of docs/benchmarks.md and docs/img/*.png from the CSV",
            "                         [--in FILE (bench/results/compare.csv)] [--doc FILE (docs/benchmarks.md)]",
            "                         [--img-dir DIR (docs/img)]",
            "",
            "load keeps --pipeline requests in flight per connection on one client thread and prints req/s, errors,",
            "latency percentiles and how busy that thread was; above 90 % it warns that the load generator, not the",
            "server, may have set the pace. bench/load-vs-wrk.sh compares it with wrk on the same server.",
            "load --h2 speaks HTTP/2 with Switchboard's Http2Client instead (closed loop, no --pipeline or --rate):",
            "--streams requests in flight on each connection, the same report (compare: h2load -c C -m STREAMS).",
            "echo-load keeps one message of random bytes in flight per connection, checks every echoed byte, prints",
            "a progress line each second and the measured msgs/s, MiB/s and errors; it exits 1 if any byte differed.",
            "Over TLS (https:// for load, --tls for echo-load) the framework's TLS stage is used; the server's certificate",
            "must chain to the JDK's CAs, or to the PEM CAs of --tls-ca FILE (its name checked as well), or anything with",
            "--tls-insecure (for a self-signed test certificate).",
            "load and echo-load start the warm-up once the connections are open and the first answer came back",
            "(at most 30 s each), so the measured window never holds a cold server's first answer.",
            "compare-echo runs from the repository root by default (examples/target/switchboard-examples.jar),",
            "pins the server to --server-cpu and the load to --load-cpu with taskset, and writes bench/results/echo.csv.",
            "A run during which other processes kept the two cores busy for more than --noise-limit percent of a core",
            "is repeated up to --retries times, then kept and marked noisy.",
            "Servers print a line containing 'listening' when ready and stop on SIGTERM.");

    private static final Set<String> SERVER_FLAGS = Set.of("host", "port", "workers", "tls-cert", "tls-key");
    private static final Set<String> NETTY_HTTP_FLAGS = Set.of("host", "port", "workers", "tls-cert", "tls-key", "compress");
    private static final Set<String> FLOOR_FLAGS = Set.of("host", "port");
    private static final Set<String> STATIC_FLAGS = Set.of("host", "port", "workers", "dir");
    private static final Set<String> HTTP_LOAD_FLAGS = Set.of("connections", "duration", "warmup", "pipeline", "rate",
            "method", "body", "tls-ca", "streams");
    /** The HTTP load's switches: TLS comes from an https URL, so only the trust switch; and HTTP/2. */
    private static final Set<String> HTTP_LOAD_SWITCHES = Set.of("tls-insecure", "h2");
    private static final Set<String> LOAD_FLAGS = Set.of("host", "port", "connections", "size", "duration", "warmup", "loops",
            "tls-ca");
    private static final Set<String> UDP_LOAD_FLAGS = Set.of("host", "port", "connections", "size", "duration", "warmup");
    private static final Map<String, String> LOAD_ALIASES = Map.of("-c", "connections", "-d", "duration");
    private static final Set<String> SUITE_FLAGS = Set.of("scenarios", "duration", "warmup", "out", "examples-jar",
            "bench-jar", "wrk-script", "server-cpu", "load-cpu", "jvm-args", "idle-connections", "log-dir", "noise-limit", "retries",
            "echo-rounds", "idle-rounds", "tls-cert-type", "tls-warmup", "tls-handshake-warmup", "broadcast-rounds");
    private static final Set<String> IDLE_FLAGS = Set.of("host", "port", "connections", "path");
    private static final Set<String> WS_LOAD_FLAGS = Set.of("host", "port", "path", "connections", "size", "duration",
            "warmup");
    private static final Set<String> WS_BROADCAST_FLAGS = Set.of("host", "port", "path", "connections", "size", "rounds",
            "warmup-rounds");
    private static final Set<String> FANOUT_FLAGS = Set.of("ports", "connections", "lines", "rate", "loops");
    private static final Set<String> REPORT_FLAGS = Set.of("in", "doc", "img-dir");
    private static final Set<String> COMPARE_FLAGS = Set.of("duration", "warmup", "rounds", "csv", "examples-jar",
            "bench-jar", "server-cpu", "load-cpu", "jvm-args", "jfr", "log-dir", "noise-limit", "retries");

    private Main() {
    }

    /** Runs a command and exits with its status: 0 done, 1 failed, 2 usage error. */
    public static void main(String[] argv) throws Exception {
        if (argv.length > 0 && argv[0].equals("jmh")) {
            org.openjdk.jmh.Main.main(Arrays.copyOfRange(argv, 1, argv.length));
            return;
        }
        System.exit(run(List.of(argv), System.out, System.err));
    }

    /** Runs every command but {@code jmh} and returns the exit status; servers run until the JVM is asked to stop. */
    static int run(List<String> argv, PrintStream out, PrintStream err) {
        if (argv.isEmpty()) {
            err.println(USAGE);
            return 2;
        }
        String command = argv.get(0);
        List<String> rest = argv.subList(1, argv.size());
        try {
            switch (command) {
                case "--help", "-h", "help" -> {
                    out.println(USAGE);
                    return 0;
                }
                case "netty-echo" -> {
                    return nettyEcho(Args.parse(rest, SERVER_FLAGS, Map.of()), out);
                }
                case "netty-http" -> {
                    return nettyHttp(Args.parse(rest, NETTY_HTTP_FLAGS, Map.of()), out);
                }
                case "netty-h2" -> {
                    return nettyH2(Args.parse(rest, Set.of("host", "port", "workers"), Map.of()), out);
                }
                case "rapid-reset-load" -> {
                    Args args = Args.parse(rest, Set.of("host", "port", "connections", "duration"), Map.of());
                    return new RapidResetLoad(args.string("host", "127.0.0.1"), args.integer("port", 8080, 1, 65535),
                            args.integer("connections", 16, 1, 1000), args.seconds("duration", Duration.ofSeconds(10),
                            0.1, 3600), out).run();
                }
                case "netty-static" -> {
                    return nettyStatic(Args.parse(rest, STATIC_FLAGS, Map.of()), out);
                }
                case "observe-servers" -> {
                    Args args = Args.parse(rest, FLOOR_FLAGS, Map.of());
                    return ObserveServers.run(args.string("host", "127.0.0.1"), args.integer("port", 8090, 1, 65534), out);
                }
                case "floor-http" -> {
                    Args args = Args.parse(rest, FLOOR_FLAGS, Map.of());
                    ByteBuffer responses = FloorHttp.responses();
                    int length = FloorHttp.response().length;
                    return floor(args, 8082, "http", ch -> new FloorHttp(ch, responses, length), out);
                }
                case "floor-echo" -> {
                    return floor(Args.parse(rest, FLOOR_FLAGS, Map.of()), 7002, "echo", FloorEcho::new, out);
                }
                case "floor-ws" -> {
                    return floor(Args.parse(rest, FLOOR_FLAGS, Map.of()), 8086, "ws", FloorWebSocket::new, out);
                }
                case "ws-alternate" -> {
                    Args args = Args.parse(rest, Set.of("targets", "host", "path", "connections", "size", "warmup",
                            "window", "rounds", "csv"), LOAD_ALIASES);
                    String targets = args.string("targets", null);
                    if (targets == null) {
                        throw new Args.UsageException("ws-alternate needs --targets NAME:PORT:PID,NAME:PORT:PID");
                    }
                    String csv = args.string("csv", null);
                    return new WsAlternate(args.string("host", "127.0.0.1"), args.string("path", "/ws/echo"),
                            Arrays.stream(targets.split(",")).map(WsAlternate.Target::parse).toList(),
                            args.integer("connections", 64, 1, 10_000), args.integer("size", 128, 1, 1 << 20),
                            args.seconds("warmup", Duration.ofSeconds(10), 0, 3600),
                            args.seconds("window", Duration.ofSeconds(4), 0.5, 3600),
                            args.integer("rounds", 12, 1, 1000), csv == null ? null : Path.of(csv), out).run();
                }
                case "load" -> {
                    String url = rest.isEmpty() ? "" : rest.get(rest.size() - 1);
                    if (!url.startsWith("http://") && !url.startsWith("https://")) {
                        throw new Args.UsageException(rest.contains("--help") || rest.contains("-h") ? null
                                : "load needs a URL: http://HOST:PORT/PATH or https://HOST:PORT/PATH");
                    }
                    HttpLoadConfig config = httpLoadConfig(Args.parse(rest.subList(0, rest.size() - 1),
                            HTTP_LOAD_FLAGS, HTTP_LOAD_SWITCHES, LOAD_ALIASES), url);
                    return new HttpLoad(config, out).run().exitCode();
                }
                case "echo-load" -> {
                    EchoLoadConfig config = loadConfig(Args.parse(rest, LOAD_FLAGS, LoadTls.SWITCHES, LOAD_ALIASES));
                    return new EchoLoad(config, out).run().exitCode();
                }
                case "netty-udp-echo" -> {
                    Args args = Args.parse(rest, FLOOR_FLAGS, Map.of());
                    NettyUdpEchoServer server = NettyUdpEchoServer.start(args.string("host", "127.0.0.1"),
                            args.integer("port", 7003, 0, 65535));
                    Runtime.getRuntime().addShutdownHook(new Thread(server::close, "shutdown"));
                    out.println("netty udp echo server listening on " + server.localAddress().getHostString() + ":"
                            + server.localAddress().getPort() + " (1 event loop)");
                    out.flush();
                    server.closeFuture().join();
                    return 0;
                }
                case "udp-load" -> {
                    Args args = Args.parse(rest, UDP_LOAD_FLAGS, LOAD_ALIASES);
                    EchoLoadConfig config = new EchoLoadConfig(args.string("host", "127.0.0.1"),
                            args.integer("port", 7002, 1, 65535), args.integer("connections", 64, 1, 10_000),
                            args.integer("size", 64, 1, 65_507), args.seconds("duration", Duration.ofSeconds(10), 0.001, 86_400),
                            args.seconds("warmup", Duration.ZERO, 0, 86_400), 1);
                    return new UdpLoad(config, out).run().exitCode();
                }
                case "compare" -> {
                    SuiteConfig config = suiteConfig(Args.parse(rest, SUITE_FLAGS, Map.of()));
                    return new SuiteRunner(config, out, new CpuTime(CpuTime.clockTicksPerSecond())).run();
                }
                case "netty-ws" -> {
                    Args args = Args.parse(rest, SERVER_FLAGS, Map.of());
                    int workers = args.integer("workers", Runtime.getRuntime().availableProcessors(), 1, 1024);
                    NettyTcpServer server = NettyWebSocketServer.start(args.string("host", "127.0.0.1"),
                            args.integer("port", 8083, 0, 65535), workers);
                    Runtime.getRuntime().addShutdownHook(new Thread(server::close, "shutdown"));
                    out.println("netty websocket server listening on " + server.localAddress().getHostString() + ":"
                            + server.localAddress().getPort() + " (" + workers + " workers)");
                    out.flush();
                    server.closeFuture().join();
                    return 0;
                }
                case "ws-broadcast" -> {
                    Args args = Args.parse(rest, SERVER_FLAGS, Map.of());
                    int workers = args.integer("workers", Runtime.getRuntime().availableProcessors(), 1, 1024);
                    io.switchboard.server.Server server = WsBroadcastServer.start(args.string("host", "127.0.0.1"),
                            args.integer("port", 8084, 0, 65535), workers);
                    Runtime.getRuntime().addShutdownHook(new Thread(() -> server.closeGracefully(Duration.ofSeconds(1)),
                            "shutdown"));
                    out.println("switchboard websocket broadcast server listening on " + server.localAddress().getHostString()
                            + ":" + server.localAddress().getPort() + " (" + workers + " workers)");
                    out.flush();
                    server.closeFuture().join();
                    return 0;
                }
                case "ws-load" -> {
                    Args args = Args.parse(rest, WS_LOAD_FLAGS, LOAD_ALIASES);
                    EchoLoadConfig config = new EchoLoadConfig(args.string("host", "127.0.0.1"),
                            args.integer("port", 8080, 1, 65535), args.integer("connections", 64, 1, 100_000),
                            args.integer("size", 128, 1, 16 * 1024 * 1024),
                            args.seconds("duration", Duration.ofSeconds(10), 0.001, 86_400),
                            args.seconds("warmup", Duration.ZERO, 0, 86_400), 1);
                    java.net.URI uri = java.net.URI.create("ws://" + config.host() + ":" + config.port()
                            + args.string("path", NettyWebSocketServer.ECHO_PATH));
                    return new EchoLoad(config, uri, out).run().exitCode();
                }
                case "ws-broadcast-load" -> {
                    Args args = Args.parse(rest, WS_BROADCAST_FLAGS, LOAD_ALIASES);
                    return new WsBroadcastLoad(args.string("host", "127.0.0.1"), args.integer("port", 8084, 1, 65535),
                            args.string("path", NettyWebSocketServer.BROADCAST_PATH),
                            args.integer("connections", 10_000, 1, 1_000_000), args.integer("size", 128, 16, 65_536),
                            args.integer("warmup-rounds", 5, 0, 100_000), args.integer("rounds", 60, 1, 100_000), out).run();
                }
                case "ws-idle-clients" -> {
                    Args args = Args.parse(rest, IDLE_FLAGS, Set.of("deflate"), LOAD_ALIASES);
                    return new WsIdleClients(args.string("host", "127.0.0.1"), args.integer("port", 8080, 1, 65535),
                            args.string("path", NettyWebSocketServer.ECHO_PATH),
                            args.integer("connections", 10_000, 1, 1_000_000), args.has("deflate"), out).run(System.in);
                }
                case "idle-clients" -> {
                    Args args = Args.parse(rest, IDLE_FLAGS, LOAD_ALIASES);
                    return new IdleClients(args.string("host", "127.0.0.1"), args.integer("port", 8080, 1, 65535),
                            args.string("path", "/plaintext"), args.integer("connections", 10_000, 1, 1_000_000), out)
                            .run(System.in);
                }
                case "fanout" -> {
                    Args args = Args.parse(rest, FANOUT_FLAGS, LOAD_ALIASES);
                    return new FanoutLoad(FanoutLoad.ports(args.string("ports", "7001")),
                            args.integer("connections", 3000, 1, 100_000), args.integer("lines", 200, 1, 100_000),
                            args.integer("rate", 20, 1, 10_000), args.integer("loops", 1, 1, 64), out).run();
                }
                case "report" -> {
                    Args args = Args.parse(rest, REPORT_FLAGS, Map.of());
                    return new SuiteReport(Path.of(args.string("in", "bench/results/compare.csv")),
                            Path.of(args.string("doc", "docs/benchmarks.md")),
                            Path.of(args.string("img-dir", "docs/img")), out).run();
                }
                case "compare-echo" -> {
                    CompareConfig config = compareConfig(Args.parse(rest, COMPARE_FLAGS, Map.of()));
                    return new CompareEcho(config, out, new CpuTime(CpuTime.clockTicksPerSecond())).run();
                }
                default -> {
                    err.println("unknown command: " + command);
                    err.println(USAGE);
                    return 2;
                }
            }
        } catch (Args.UsageException e) {
            if (e.getMessage() == null) {
                out.println(USAGE);
                return 0;
            }
            err.println(e.getMessage());
            err.println(USAGE);
            return 2;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            err.println(command + ": interrupted");
            return 1;
        } catch (IOException | RuntimeException e) {
            log.debug("{} failed", command, e);
            err.println(command + ": " + e.getMessage());
            return 1;
        }
    }

    static EchoLoadConfig loadConfig(Args args) {
        return new EchoLoadConfig(args.string("host", "127.0.0.1"),
                args.integer("port", 7000, 1, 65535),
                args.integer("connections", 64, 1, 100_000),
                args.integer("size", 128, 1, 64 * 1024 * 1024),
                args.seconds("duration", Duration.ofSeconds(10), 0.001, 86_400),
                args.seconds("warmup", Duration.ZERO, 0, 86_400),
                args.integer("loops", 1, 1, 1024),
                LoadTls.parse(args));
    }

    static HttpLoadConfig httpLoadConfig(Args args, String url) {
        try {
            return HttpLoadConfig.forUrl(url,
                    args.integer("connections", 64, 1, 100_000),
                    args.seconds("duration", Duration.ofSeconds(10), 0.001, 86_400),
                    args.seconds("warmup", Duration.ZERO, 0, 86_400),
                    args.integer("pipeline", 1, 1, 1024),
                    args.integer("rate", 0, 0, 100_000_000),
                    args.string("method", "GET"),
                    args.integer("body", 0, 0, 64 * 1024 * 1024),
                    LoadTls.parse(args, url.startsWith("https://")),
                    h2Streams(args));
        } catch (IllegalArgumentException e) {
            throw new Args.UsageException(e.getMessage());
        }
    }

    /** {@return 0 without {@code --h2}, else {@code --streams} (16)} */
    private static int h2Streams(Args args) {
        if (!args.has("h2")) {
            if (args.has("streams")) {
                throw new Args.UsageException("--streams needs --h2 (HTTP/1 keeps --pipeline requests in flight)");
            }
            return 0;
        }
        if (args.has("pipeline") || args.has("rate")) {
            throw new Args.UsageException("--h2 takes --streams, not --pipeline, and runs closed loop (no --rate)");
        }
        return args.integer("streams", 16, 1, 1024);
    }

    static SuiteConfig suiteConfig(Args args) {
        String jvm = args.string("jvm-args", null);
        String keys = args.string("scenarios", null);
        List<SuiteScenario> scenarios;
        try {
            // the observability comparison measures the example against itself: asked for by name only
            scenarios = keys == null ? SuiteScenario.ALL.stream().filter(s -> !s.variants()).toList()
                    : Arrays.stream(keys.split(",")).map(String::trim).map(SuiteScenario::byKey).toList();
        } catch (IllegalArgumentException e) {
            throw new Args.UsageException(e.getMessage());
        }
        return new SuiteConfig(scenarios,
                args.seconds("duration", Duration.ofSeconds(10), 1, 86_400),
                args.seconds("warmup", Duration.ofSeconds(5), 1, 86_400),
                Path.of(args.string("out", "bench/results/compare.csv")),
                Path.of(args.string("examples-jar", "examples/target/switchboard-examples.jar")),
                args.string("bench-jar", null) != null ? Path.of(args.string("bench-jar", null)) : ownJar(),
                Path.of(args.string("wrk-script", "bench/wrk/bench.lua")),
                args.integer("server-cpu", 0, 0, 4095),
                args.integer("load-cpu", 1, 0, 4095),
                jvm == null ? CompareConfig.DEFAULT_JVM_ARGS : List.of(jvm.trim().split("\\s+")),
                SuiteConfig.IDLE_JVM_ARGS,
                args.integer("idle-connections", 10_000, 1, 60_000),
                Path.of(args.string("log-dir", "bench/results/tmp")),
                args.integer("noise-limit", 10, 0, 200) / 100.0,
                args.integer("retries", 1, 0, 100),
                args.integer("echo-rounds", 3, 1, 100),
                args.integer("idle-rounds", 3, 1, 100),
                certificateType(args.string("tls-cert-type", "p256")),
                args.seconds("tls-warmup", SuiteConfig.DEFAULT_TLS_WARMUP, 1, 86_400),
                args.seconds("tls-handshake-warmup", SuiteConfig.DEFAULT_HANDSHAKE_WARMUP, 1, 86_400),
                args.integer("broadcast-rounds", SuiteConfig.DEFAULT_BROADCAST_ROUNDS, 1, 100_000));
    }

    private static TestCertificate.KeyType certificateType(String flag) {
        try {
            return TestCertificate.KeyType.byFlag(flag);
        } catch (IllegalArgumentException e) {
            throw new Args.UsageException("--tls-cert-type: " + e.getMessage());
        }
    }

    static CompareConfig compareConfig(Args args) {
        String jvm = args.string("jvm-args", null);
        String jfr = args.string("jfr", null);
        return new CompareConfig(
                args.seconds("duration", Duration.ofSeconds(15), 0.001, 86_400),
                args.seconds("warmup", Duration.ofSeconds(5), 0, 86_400),
                args.integer("rounds", 1, 1, 1000),
                Path.of(args.string("csv", "bench/results/echo.csv")),
                Path.of(args.string("examples-jar", "examples/target/switchboard-examples.jar")),
                args.string("bench-jar", null) != null ? Path.of(args.string("bench-jar", null)) : ownJar(),
                args.integer("server-cpu", 0, 0, 4095),
                args.integer("load-cpu", 1, 0, 4095),
                jvm == null ? CompareConfig.DEFAULT_JVM_ARGS : List.of(jvm.trim().split("\\s+")),
                jfr == null ? null : Path.of(jfr),
                Path.of(args.string("log-dir", "bench/results/tmp")),
                args.integer("noise-limit", 5, 0, 200) / 100.0,
                args.integer("retries", 2, 0, 100));
    }

    private static int nettyEcho(Args args, PrintStream out) throws InterruptedException, IOException {
        String host = args.string("host", "127.0.0.1");
        int port = args.integer("port", 7001, 0, 65535);
        int workers = args.integer("workers", Runtime.getRuntime().availableProcessors(), 1, 1024);
        NettyTls tls = nettyTls(args);
        NettyTcpServer server = NettyEchoServer.start(host, port, workers, tls == null ? null : tls.context());
        Runtime.getRuntime().addShutdownHook(new Thread(server::close, "shutdown"));
        out.println("netty echo server listening on " + server.localAddress().getHostString() + ":"
                + server.localAddress().getPort() + " (" + workers + " workers"
                + (tls == null ? "" : "; TLS, SslHandler on the JDK provider, " + tls.describe()) + ")");
        out.flush();
        server.closeFuture().join();
        return 0;
    }

    private static int nettyHttp(Args args, PrintStream out) throws InterruptedException, IOException {
        String host = args.string("host", "127.0.0.1");
        int port = args.integer("port", 8081, 0, 65535);
        int workers = args.integer("workers", Runtime.getRuntime().availableProcessors(), 1, 1024);
        NettyTls tls = nettyTls(args);
        int compress = args.integer("compress", 0, 0, 9);
        NettyTcpServer server = NettyHttpServer.start(host, port, workers, tls == null ? null : tls.context(), compress);
        Runtime.getRuntime().addShutdownHook(new Thread(server::close, "shutdown"));
        out.println("netty http server listening on " + server.localAddress().getHostString() + ":"
                + server.localAddress().getPort() + " (" + workers + " workers"
                + (tls == null ? "" : "; TLS, SslHandler on the JDK provider, " + tls.describe())
                + (compress == 0 ? "" : "; HttpContentCompressor, gzip and deflate at level " + compress) + ")");
        out.flush();
        server.closeFuture().join();
        return 0;
    }

    private static int nettyH2(Args args, PrintStream out) throws InterruptedException {
        String host = args.string("host", "127.0.0.1");
        int port = args.integer("port", 8085, 0, 65535);
        int workers = args.integer("workers", Runtime.getRuntime().availableProcessors(), 1, 1024);
        NettyTcpServer server = NettyH2Server.start(host, port, workers);
        Runtime.getRuntime().addShutdownHook(new Thread(server::close, "shutdown"));
        out.println("netty h2c server listening on " + server.localAddress().getHostString() + ":"
                + server.localAddress().getPort() + " (" + workers + " workers, prior knowledge)");
        out.flush();
        server.closeFuture().join();
        return 0;
    }

    private static int nettyStatic(Args args, PrintStream out) throws InterruptedException {
        String host = args.string("host", "127.0.0.1");
        int port = args.integer("port", 8083, 0, 65535);
        int workers = args.integer("workers", Runtime.getRuntime().availableProcessors(), 1, 1024);
        String dir = args.string("dir", null);
        if (dir == null || !Files.isDirectory(Path.of(dir))) {
            throw new Args.UsageException("netty-static needs --dir DIR, a directory");
        }
        NettyTcpServer server = NettyStaticServer.start(host, port, workers, Path.of(dir).toFile());
        Runtime.getRuntime().addShutdownHook(new Thread(server::close, "shutdown"));
        out.println("netty static server listening on " + server.localAddress().getHostString() + ":"
                + server.localAddress().getPort() + " (" + workers + " workers; " + dir + " at "
                + NettyStaticServer.PREFIX + ")");
        out.flush();
        server.closeFuture().join();
        return 0;
    }

    /**
     * The Netty servers' TLS from {@code --tls-cert FILE --tls-key FILE} (PEM), or null without them.
     *
     * @throws Args.UsageException when only one of the two is given or a file does not exist
     */
    static NettyTls nettyTls(Args args) throws IOException {
        String cert = args.string("tls-cert", null);
        String key = args.string("tls-key", null);
        if (cert == null && key == null) {
            return null;
        }
        if (cert == null || key == null) {
            throw new Args.UsageException("--tls-cert and --tls-key go together: the certificate chain and its key (PEM)");
        }
        for (String file : List.of(cert, key)) {
            if (!Files.isRegularFile(Path.of(file))) {
                throw new Args.UsageException("no such file: " + file);
            }
        }
        return NettyTls.server(Path.of(cert), Path.of(key));
    }

    private static int floor(Args args, int defaultPort, String name,
                             Function<SocketChannel, FloorServer.Protocol> protocol, PrintStream out) throws IOException {
        FloorServer server = FloorServer.start(args.string("host", "127.0.0.1"),
                args.integer("port", defaultPort, 0, 65535), "floor-" + name, protocol);
        Runtime.getRuntime().addShutdownHook(new Thread(server::close, "shutdown"));
        out.println("floor " + name + " server listening on " + server.localAddress().getHostString() + ":"
                + server.localAddress().getPort() + " (1 thread)");
        out.flush();
        server.closeFuture().join();
        return 0;
    }

    /** The jar this class was loaded from, or the default build location when run from classes. */
    private static Path ownJar() {
        CodeSource source = Main.class.getProtectionDomain().getCodeSource();
        if (source != null && source.getLocation() != null) {
            try {
                Path location = Path.of(source.getLocation().toURI());
                if (Files.isRegularFile(location)) {
                    return location;
                }
            } catch (URISyntaxException | IllegalArgumentException e) {
                log.debug("cannot tell where the bench jar is", e);
            }
        }
        return Path.of("bench/target/switchboard-bench.jar");
    }
}
