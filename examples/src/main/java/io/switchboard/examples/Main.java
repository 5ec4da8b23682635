package io.switchboard.examples;

import io.switchboard.examples.kv.KvServer;
import io.switchboard.examples.syslog.SyslogServer;
import io.switchboard.http.CompressionOptions;
import io.switchboard.http.HttpConfig;
import io.switchboard.loop.Offload;
import io.switchboard.pipeline.MemoryBudget;
import io.switchboard.proxy.ProxyProtocol;
import io.switchboard.redis.RedisPubSub;
import io.switchboard.server.Server;
import io.switchboard.tls.TlsConfigException;
import io.switchboard.tls.TlsServerContext;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** The examples' command line: {@code java -jar switchboard-examples.jar <command> [flags]}. */
public final class Main {
    static final String USAGE = String.join("\n",
            "usage: java -jar switchboard-examples.jar <command> [flags]",
            "",
            "commands:",
            "  http    HTTP/1.1 and HTTP/2 server: /plaintext /json /json64k /echo /stream?n=K /delay?ms=N",
            "          PUT /upload (SHA-256 of any size) /users/{id}",
            "          WebSocket: /ws/echo                   [--host H] [--port N (8080)] [--workers N]",
            "          [--idle-timeout S (75)] [--request-timeout S (60)] [--static DIR]",
            "          [--compress LEVEL] [TLS] [PROXY]",
            "          [--metrics: GET /metrics in Prometheus text | --no-metrics: count nothing]",
            "          GET /whoami answers the client's IP:PORT",
            "  chat    line chat with heartbeats             [--host H] [--port N (7001)] [--workers N]",
            "          and its web page                      [--http-port N (8081)]",
            "          [--ping-interval S (15)] [--idle-timeout S (60)] [TLS] [PROXY]",
            "          [--redis HOST:PORT: one room across instances, through Redis pub/sub]",
            "  chat-client  stdin to the chat, chat to stdout [--host H] [--port N (7001)]",
            "          [--tls [--tls-ca FILE | --tls-insecure]]",
            "  kv      Redis-protocol key-value server       [--host H] [--port N (6380)] [--workers N] [TLS]",
            "  echo    echo every byte back                  [--host H] [--port N (7000)] [--workers N] [TLS]",
            "  udp-echo  echo every datagram to its sender   [--host H] [--port N (7002)] [--workers N (1)]",
            "  syslog  syslog receiver, RFC 5424 and 3164, over UDP and TCP (RFC 6587)",
            "                                                [--host H] [--port N (5514)] [--tcp-port N (5514)]",
            "          [--workers N]",
            "",
            "flags:",
            "  --host H       address to listen on (default 127.0.0.1; 0.0.0.0 for all)",
            "  --port N       port to listen on (0 picks a free one)",
            "  --workers N    worker loops (default: available processors)",
            "  --idle-timeout S     http: close keep-alive connections silent this long;",
            "                       chat: close clients that sent nothing this long",
            "  --request-timeout S  http: a request's header (and a new connection's first",
            "                       request) must arrive within this time",
            "  --static DIR         http: serve the files under DIR at /static/ (ranges, ETag and",
            "                       304, precompressed NAME.gz, sendfile on plain connections)",
            "  --compress LEVEL     http: gzip or deflate answers of 1 KiB or more as the client's",
            "                       Accept-Encoding asks, at deflate level 1 (fastest) to 9 (smallest);",
            "                       off by default",
            "  --ping-interval S    chat: send PING to clients written nothing for this long",
            "                       (a WebSocket ping to web clients; an event stream's comment)",
            "  --http-port N        chat: port of the web page (http://HOST:N/), which joins",
            "                       over WebSocket, or over Server-Sent Events with /?transport=sse",
            "  --tcp-port N   syslog: the TCP port (--port is the UDP one)",
            "  --redis HOST:PORT    chat: share the room with every instance given the same",
            "                       Redis (channel switchboard-chat); see docs/scale-out.md",
            "  --log-level L  every command: logging level, TRACE DEBUG INFO WARN ERROR OFF",
            "                 (default INFO), or LOGGER=LEVEL for one logger, as in",
            "                 --log-level io.switchboard.http=DEBUG; may be repeated",
            "                 (-Dswitchboard.log.level=L before -jar does the same for the root)",
            "  --help         this text",
            "",
            "[TLS] of the servers: --tls-cert FILE --tls-key FILE [--tls-reload S]",
            "  --tls-cert FILE      serve TLS on the same port with this PEM certificate chain",
            "                       (leaf first); needs --tls-key. http offers ALPN h2, http/1.1",
            "  --tls-key FILE       the certificate's PEM private key (PKCS#8, PKCS#1 or SEC1)",
            "  --tls-reload S       read both files again when they change (checked every S s),",
            "                       for new connections",
            "[PROXY] of http and chat, behind HAProxy (send-proxy or send-proxy-v2):",
            "  --proxy-protocol     require the PROXY protocol header (v1 or v2) on every",
            "                       connection: the client's address replaces the proxy's",
            "  --trusted-proxy CIDR where proxies connect from (repeatable; default loopback:",
            "                       127.0.0.0/8 and ::1); other peers are closed",
            "TLS of chat-client:",
            "  --tls                connect with TLS; trusts the JDK's CAs and checks the host name",
            "  --tls-ca FILE        trust the CA certificates of this PEM file instead",
            "  --tls-insecure       accept any certificate for any name (test certificates only)",
            "",
            "Each server prints one line containing 'listening' and its address when ready,",
            "and stops on SIGTERM or Ctrl-C. With TLS the line is the same; the certificate",
            "is logged on stderr. The chat prints the address of its web page on the line before",
            "(https, and wss for its WebSocket, with TLS: the same certificate on both ports).");

    private static final Set<String> SERVER_FLAGS = withTls("host", "port", "workers");
    private static final Set<String> HTTP_FLAGS = withTls("host", "port", "workers", "idle-timeout", "request-timeout",
            "static", "compress", "trusted-proxy");
    private static final Set<String> HTTP_SWITCHES = Set.of("metrics", "no-metrics", "proxy-protocol");
    private static final Set<String> CHAT_FLAGS = withTls("host", "port", "workers", "ping-interval", "idle-timeout",
            "http-port", "trusted-proxy", "redis");
    private static final Set<String> CLIENT_FLAGS = Set.of("host", "port", "tls-ca");
    private static final Set<String> UDP_FLAGS = Set.of("host", "port", "workers");
    private static final Set<String> SYSLOG_FLAGS = Set.of("host", "port", "tcp-port", "workers");
    private static final int DAY = 86_400;

    private Main() {
    }

    /** Runs a command; exits 2 on a usage error, 1 when the server cannot start. */
    public static void main(String[] argv) {
        System.exit(run(List.of(argv), System.out, System.err));
    }

    /** Runs a command and returns the exit status; a started server runs until the JVM is asked to stop. */
    static int run(List<String> argv, PrintStream out, PrintStream err) {
        if (argv.isEmpty()) {
            err.println(USAGE);
            return 2;
        }
        String command = argv.get(0);
        try {
            List<String> rest = LogLevel.apply(argv.subList(1, argv.size()));
            switch (command) {
                case "--help", "-h", "help" -> {
                    out.println(USAGE);
                    return 0;
                }
                case "http" -> {
                    Args args = Args.parse(rest, HTTP_FLAGS, HTTP_SWITCHES);
                    HttpConfig config = HttpConfig.DEFAULTS.withTimeouts(
                            Duration.ofSeconds(args.integer("request-timeout", 60, 1, DAY)),
                            Duration.ofSeconds(args.integer("idle-timeout", 75, 1, DAY)),
                            HttpConfig.DEFAULTS.bodyTimeout());
                    if (args.has("compress")) {
                        config = config.withCompression(CompressionOptions.DEFAULTS.withLevel(args.integer("compress", 6, 1, 9)));
                    }
                    TlsServerContext tls = TlsFlags.server(args, HttpExample.ALPN.toArray(String[]::new));
                    Path staticDir = staticDir(args);
                    ExampleMetrics metrics = ExampleMetrics.of(args.has("metrics"), args.has("no-metrics"));
                    Offload offload = Offload.create("http-offload");
                    Server server = HttpExample.start(args.string("host", "127.0.0.1"),
                            args.integer("port", 8080, 0, 65535), workers(args), config, offload, tls, staticDir, metrics,
                            ProxyFlags.server(args));
                    return serve("http", server, out, () -> offload.close(Duration.ofMillis(500)));
                }
                case "chat" -> {
                    return chat(Args.parse(rest, CHAT_FLAGS, ProxyFlags.SWITCHES), out);
                }
                case "chat-client" -> {
                    Args args = Args.parse(rest, CLIENT_FLAGS, TlsFlags.CLIENT_SWITCHES);
                    return ChatClient.run(args.string("host", "127.0.0.1"), args.integer("port", 7001, 1, 65535),
                            TlsFlags.client(args), System.in, out, err);
                }
                case "kv" -> {
                    Args args = Args.parse(rest, SERVER_FLAGS);
                    Server server = KvServer.start(args.string("host", "127.0.0.1"),
                            args.integer("port", 6380, 0, 65535), workers(args), TlsFlags.server(args));
                    return serve("kv", server, out);
                }
                case "echo" -> {
                    Args args = Args.parse(rest, SERVER_FLAGS);
                    Server server = EchoServer.start(args.string("host", "127.0.0.1"),
                            args.integer("port", 7000, 0, 65535), workers(args), TlsFlags.server(args));
                    return serve("echo", server, out);
                }
                case "udp-echo" -> {
                    Args args = Args.parse(rest, UDP_FLAGS);
                    return UdpEchoServer.serve(args.string("host", "127.0.0.1"), args.integer("port", 7002, 0, 65535),
                            args.integer("workers", 1, 1, 1024), out);
                }
                case "syslog" -> {
                    Args args = Args.parse(rest, SYSLOG_FLAGS);
                    return SyslogServer.serve(args.string("host", "127.0.0.1"), args.integer("port", 5514, 0, 65535),
                            args.integer("tcp-port", 5514, 0, 65535), workers(args), out);
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
        } catch (TlsConfigException | UncheckedIOException | java.io.IOException e) {
            err.println(command + ": " + e.getMessage());
            return 1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 1;
        }
    }

    /**
     * The line chat on {@code --port} and its web page on {@code --http-port}, one room: both servers share the
     * room, the memory budget and the TLS certificate (the web side offers ALPN http/1.1).
     */
    private static int chat(Args args, PrintStream out) {
        String host = args.string("host", "127.0.0.1");
        int port = args.integer("port", 7001, 0, 65535);
        int httpPort = args.integer("http-port", 8081, 0, 65535);
        Duration pingInterval = Duration.ofSeconds(args.integer("ping-interval", 15, 1, DAY));
        Duration idleTimeout = Duration.ofSeconds(args.integer("idle-timeout", 60, 1, DAY));
        TlsServerContext tls = TlsFlags.server(args);
        TlsServerContext webTls = tls == null ? null : TlsFlags.server(args, "http/1.1");
        MemoryBudget budget = MemoryBudget.defaults();
        ProxyProtocol proxy = ProxyFlags.server(args); // one for both ports: its counts are the process's
        InetSocketAddress redis = args.has("redis") ? hostPort("redis", args.string("redis", "")) : null;
        ChatRoom room = ChatRoom.open();
        RedisPubSub link = redis == null ? null : ChatLink.start(room, redis);
        Server server = null;
        Server web;
        try {
            server = ChatServer.start(room, host, port, workers(args), pingInterval, idleTimeout, tls, budget, proxy);
            web = ChatWeb.start(room, host, httpPort, workers(args), pingInterval, idleTimeout, webTls, budget, proxy);
        } catch (RuntimeException e) {
            if (server != null) {
                server.closeGracefully(Duration.ZERO);
            }
            room.close();
            if (link != null) {
                link.close();
            }
            throw e;
        }
        out.println("chat web page on " + (webTls != null ? "https" : "http") + "://"
                + web.localAddress().getHostString() + ":" + web.localAddress().getPort() + "/");
        return serve("chat", server, out, () -> {
            web.closeGracefully(Duration.ofSeconds(1));
            room.close();
            if (link != null) {
                link.close();
            }
        });
    }

    /** {@code HOST:PORT} ({@code [IPv6]:PORT}), resolved now. */
    private static InetSocketAddress hostPort(String flag, String value) {
        int colon = value.lastIndexOf(':');
        String host = colon > 0 ? value.substring(0, colon).replaceAll("^\\[|\\]$", "") : "";
        try {
            int port = Integer.parseInt(value.substring(colon + 1));
            if (host.isEmpty() || port < 1 || port > 65535) {
                throw new NumberFormatException();
            }
            InetSocketAddress address = new InetSocketAddress(host, port);
            if (address.isUnresolved()) {
                throw new Args.UsageException("--" + flag + ": cannot resolve " + host);
            }
            return address;
        } catch (NumberFormatException | StringIndexOutOfBoundsException e) {
            throw new Args.UsageException("--" + flag + " must be HOST:PORT, got " + value);
        }
    }

    private static Set<String> withTls(String... flags) {
        Set<String> all = new HashSet<>(Set.of(flags));
        all.addAll(TlsFlags.SERVER);
        return Set.copyOf(all);
    }

    /**
     * The directory of {@code --static}, or null without the flag.
     *
     * @throws Args.UsageException when it is not a directory
     */
    private static Path staticDir(Args args) {
        String dir = args.string("static", null);
        if (dir == null) {
            return null;
        }
        if (!Files.isDirectory(Path.of(dir))) {
            throw new Args.UsageException("--static needs a directory: " + dir);
        }
        return Path.of(dir);
    }

    private static int workers(Args args) {
        return args.integer("workers", Runtime.getRuntime().availableProcessors(), 1, 1024);
    }

    private static int serve(String name, Server server, PrintStream out) {
        return serve(name, server, out, () -> { });
    }

    /** Prints the listening line and waits; on SIGTERM closes the server gracefully (1 s), then {@code afterClose}. */
    private static int serve(String name, Server server, PrintStream out, Runnable afterClose) {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.closeGracefully(Duration.ofSeconds(1));
            afterClose.run();
        }, "shutdown"));
        out.println(name + " server listening on " + server.localAddress().getHostString() + ":"
                + server.localAddress().getPort() + " (" + server.config().workers() + " workers)");
        out.flush();
        server.closeFuture().join();
        return 0;
    }
}
