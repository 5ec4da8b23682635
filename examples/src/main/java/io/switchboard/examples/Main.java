package io.switchboard.examples;

import io.switchboard.examples.kv.KvServer;
import io.switchboard.http.HttpConfig;
import io.switchboard.loop.Offload;
import io.switchboard.server.Server;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.List;
import java.util.Set;

/** The examples' command line: {@code java -jar switchboard-examples.jar <command> [flags]}. */
public final class Main {
    static final String USAGE = String.join("\n",
            "usage: java -jar switchboard-examples.jar <command> [flags]",
            "",
            "commands:",
            "  http    HTTP/1.1 server: /plaintext /json /echo /stream?n=K /delay?ms=N",
            "                                                [--host H] [--port N (8080)] [--workers N]",
            "          [--idle-timeout S (75)] [--request-timeout S (60)]",
            "  chat    line chat with heartbeats             [--host H] [--port N (7001)] [--workers N]",
            "          [--ping-interval S (15)] [--idle-timeout S (60)]",
            "  chat-client  stdin to the chat, chat to stdout [--host H] [--port N (7001)]",
            "  kv      Redis-protocol key-value server       [--host H] [--port N (6380)] [--workers N]",
            "  echo    echo every byte back                  [--host H] [--port N (7000)] [--workers N]",
            "",
            "flags:",
            "  --host H       address to listen on (default 127.0.0.1; 0.0.0.0 for all)",
            "  --port N       port to listen on (0 picks a free one)",
            "  --workers N    worker loops (default: available processors)",
            "  --idle-timeout S     http: close keep-alive connections silent this long;",
            "                       chat: close clients that sent nothing this long",
            "  --request-timeout S  http: a request's header (and a new connection's first",
            "                       request) must arrive within this time",
            "  --ping-interval S    chat: send PING to clients written nothing for this long",
            "  --help         this text",
            "",
            "Each server prints one line containing 'listening' and its address when ready,",
            "and stops on SIGTERM or Ctrl-C.");

    private static final Set<String> SERVER_FLAGS = Set.of("host", "port", "workers");
    private static final Set<String> HTTP_FLAGS = Set.of("host", "port", "workers", "idle-timeout", "request-timeout");
    private static final Set<String> CHAT_FLAGS = Set.of("host", "port", "workers", "ping-interval", "idle-timeout");
    private static final Set<String> CLIENT_FLAGS = Set.of("host", "port");
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
        List<String> rest = argv.subList(1, argv.size());
        try {
            switch (command) {
                case "--help", "-h", "help" -> {
                    out.println(USAGE);
                    return 0;
                }
                case "http" -> {
                    Args args = Args.parse(rest, HTTP_FLAGS);
                    HttpConfig config = HttpConfig.DEFAULTS.withTimeouts(
                            Duration.ofSeconds(args.integer("request-timeout", 60, 1, DAY)),
                            Duration.ofSeconds(args.integer("idle-timeout", 75, 1, DAY)),
                            HttpConfig.DEFAULTS.bodyTimeout());
                    Offload offload = Offload.create("http-offload");
                    Server server = HttpExample.start(args.string("host", "127.0.0.1"),
                            args.integer("port", 8080, 0, 65535), workers(args), config, offload);
                    return serve("http", server, out, () -> offload.close(Duration.ofMillis(500)));
                }
                case "chat" -> {
                    Args args = Args.parse(rest, CHAT_FLAGS);
                    Server server = ChatServer.start(args.string("host", "127.0.0.1"),
                            args.integer("port", 7001, 0, 65535), workers(args),
                            Duration.ofSeconds(args.integer("ping-interval", 15, 1, DAY)),
                            Duration.ofSeconds(args.integer("idle-timeout", 60, 1, DAY)));
                    return serve("chat", server, out);
                }
                case "chat-client" -> {
                    Args args = Args.parse(rest, CLIENT_FLAGS);
                    return ChatClient.run(args.string("host", "127.0.0.1"), args.integer("port", 7001, 1, 65535),
                            System.in, out, err);
                }
                case "kv" -> {
                    Args args = Args.parse(rest, SERVER_FLAGS);
                    Server server = KvServer.start(args.string("host", "127.0.0.1"),
                            args.integer("port", 6380, 0, 65535), workers(args));
                    return serve("kv", server, out);
                }
                case "echo" -> {
                    Args args = Args.parse(rest, SERVER_FLAGS);
                    Server server = EchoServer.start(args.string("host", "127.0.0.1"),
                            args.integer("port", 7000, 0, 65535), workers(args));
                    return serve("echo", server, out);
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
        } catch (UncheckedIOException | java.io.IOException e) {
            err.println(command + ": " + e.getMessage());
            return 1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 1;
        }
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
