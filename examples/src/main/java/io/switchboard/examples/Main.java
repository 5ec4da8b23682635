package io.switchboard.examples;

import io.switchboard.examples.kv.KvServer;
import io.switchboard.http.HttpConfig;
import io.switchboard.loop.Offload;
import io.switchboard.server.Server;
import io.switchboard.tls.TlsConfigException;
import io.switchboard.tls.TlsServerContext;
import java.io.PrintStream;
import java.io.UncheckedIOException;
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
            "  http    HTTP/1.1 server: /plaintext /json /echo /stream?n=K /delay?ms=N",
            "                                                [--host H] [--port N (8080)] [--workers N]",
            "          [--idle-timeout S (75)] [--request-timeout S (60)] [TLS]",
            "  chat    line chat with heartbeats             [--host H] [--port N (7001)] [--workers N]",
            "          [--ping-interval S (15)] [--idle-timeout S (60)] [TLS]",
            "  chat-client  stdin to the chat, chat to stdout [--host H] [--port N (7001)]",
            "          [--tls [--tls-ca FILE | --tls-insecure]]",
            "  kv      Redis-protocol key-value server       [--host H] [--port N (6380)] [--workers N] [TLS]",
            "  echo    echo every byte back                  [--host H] [--port N (7000)] [--workers N] [TLS]",
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
            "[TLS] of the servers: --tls-cert FILE --tls-key FILE [--tls-reload S]",
            "  --tls-cert FILE      serve TLS on the same port with this PEM certificate chain",
            "                       (leaf first); needs --tls-key. http offers ALPN http/1.1",
            "  --tls-key FILE       the certificate's PEM private key (PKCS#8, PKCS#1 or SEC1)",
            "  --tls-reload S       read both files again when they change (checked every S s),",
            "                       for new connections",
            "TLS of chat-client:",
            "  --tls                connect with TLS; trusts the JDK's CAs and checks the host name",
            "  --tls-ca FILE        trust the CA certificates of this PEM file instead",
            "  --tls-insecure       accept any certificate for any name (test certificates only)",
            "",
            "Each server prints one line containing 'listening' and its address when ready,",
            "and stops on SIGTERM or Ctrl-C. With TLS the line is the same; the certificate",
            "is logged on stderr.");

    private static final Set<String> SERVER_FLAGS = withTls("host", "port", "workers");
    private static final Set<String> HTTP_FLAGS = withTls("host", "port", "workers", "idle-timeout", "request-timeout");
    private static final Set<String> CHAT_FLAGS = withTls("host", "port", "workers", "ping-interval", "idle-timeout");
    private static final Set<String> CLIENT_FLAGS = Set.of("host", "port", "tls-ca");
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
                    TlsServerContext tls = TlsFlags.server(args, HttpExample.ALPN);
                    Offload offload = Offload.create("http-offload");
                    Server server = HttpExample.start(args.string("host", "127.0.0.1"),
                            args.integer("port", 8080, 0, 65535), workers(args), config, offload, tls);
                    return serve("http", server, out, () -> offload.close(Duration.ofMillis(500)));
                }
                case "chat" -> {
                    Args args = Args.parse(rest, CHAT_FLAGS);
                    Server server = ChatServer.start(args.string("host", "127.0.0.1"),
                            args.integer("port", 7001, 0, 65535), workers(args),
                            Duration.ofSeconds(args.integer("ping-interval", 15, 1, DAY)),
                            Duration.ofSeconds(args.integer("idle-timeout", 60, 1, DAY)), TlsFlags.server(args));
                    return serve("chat", server, out);
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

    private static Set<String> withTls(String... flags) {
        Set<String> all = new HashSet<>(Set.of(flags));
        all.addAll(TlsFlags.SERVER);
        return Set.copyOf(all);
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
