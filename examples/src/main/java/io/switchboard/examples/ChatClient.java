package io.switchboard.examples;

import io.switchboard.codec.LineCodec;
import io.switchboard.lifecycle.Backoff;
import io.switchboard.lifecycle.Heartbeat;
import io.switchboard.lifecycle.IdleDetector;
import io.switchboard.lifecycle.Reconnector;
import io.switchboard.pipeline.Connection;
import io.switchboard.pipeline.Handler;
import io.switchboard.pipeline.HandlerContext;
import io.switchboard.server.Client;
import io.switchboard.tls.TlsClientContext;
import io.switchboard.tls.TlsHandshakeCompleted;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import javax.net.ssl.SSLException;

/**
 * The chat client: sends each line of standard input, prints each line that arrives, answers {@code PING}
 * with {@code PONG} (and pings the server after 30 s of its own silence), and reconnects with backoff when
 * the server goes away.
 *
 * <p>With TLS, a failed handshake (a certificate not trusted or not naming the host, a server that does not
 * speak TLS) ends the client with status 1 and the reason on stderr instead of reconnecting: trying again
 * would fail the same way.
 */
public final class ChatClient {
    private static final Duration OWN_PING = Duration.ofSeconds(30);

    private ChatClient() {
    }

    /**
     * Runs until standard input ends (status 0) or a TLS handshake fails (status 1).
     *
     * @param tls the TLS client context, or null for plaintext
     */
    public static int run(String host, int port, TlsClientContext tls, InputStream stdin, PrintStream out,
                          PrintStream err) throws IOException, InterruptedException {
        Handler print = new Handler() {
            @Override
            public void read(HandlerContext ctx, Object line) {
                out.println(line);
                out.flush();
            }
        };
        Heartbeat heartbeat = new Heartbeat("PING", "PONG");
        CompletableFuture<Integer> done = new CompletableFuture<>();
        Client.Builder builder = Client.builder()
                .connectTimeout(Duration.ofSeconds(5))
                .tls(tls)
                .pipeline(p -> {
                    if (tls != null) {
                        p.add(new HandshakeWatch(host + ":" + port, err, done));
                    }
                    p.add(new LineCodec(ChatServer.MAX_LINE))
                            .add(new IdleDetector(Duration.ZERO, OWN_PING, Duration.ZERO))
                            .add(heartbeat)
                            .add(print);
                });
        try (Client client = builder.build();
             Reconnector link = new Reconnector(client, new InetSocketAddress(host, port), Backoff.DEFAULTS,
                     c -> err.println("connected to " + c.remoteAddress() + " from " + c.localAddress()))) {
            Thread input = new Thread(() -> {
                try {
                    send(stdin, link, err);
                    done.complete(0);
                } catch (IOException e) {
                    done.completeExceptionally(new UncheckedIOException(e));
                }
            }, "chat-stdin");
            input.setDaemon(true); // left blocked in a read when a handshake failure ends the client
            input.start();
            try {
                return done.join();
            } catch (CompletionException e) {
                throw (UncheckedIOException) e.getCause();
            }
        }
    }

    private static void send(InputStream stdin, Reconnector link, PrintStream err) throws IOException {
        BufferedReader in = new BufferedReader(new InputStreamReader(stdin, StandardCharsets.UTF_8));
        String line;
        while ((line = in.readLine()) != null) {
            Connection c = link.connection();
            if (c == null) {
                err.println("not connected; line dropped");
            } else {
                c.write(line);
            }
        }
    }

    /**
     * First after the TLS stage: reports the handshake's outcome on stderr, and ends the client when it fails.
     * One per connection, loop thread only.
     */
    private static final class HandshakeWatch implements Handler {
        private final String server;
        private final PrintStream err;
        private final CompletableFuture<Integer> done;
        private boolean handshaken;

        HandshakeWatch(String server, PrintStream err, CompletableFuture<Integer> done) {
            this.server = server;
            this.err = err;
            this.done = done;
        }

        @Override
        public void userEvent(HandlerContext ctx, Object event) throws Exception {
            if (event instanceof TlsHandshakeCompleted tls) {
                handshaken = true;
                err.println("tls: " + tls.protocol() + ", " + tls.cipherSuite());
            }
            ctx.fireUserEvent(event);
        }

        @Override
        public void exceptionCaught(HandlerContext ctx, Throwable cause) throws Exception {
            if (!handshaken && cause instanceof SSLException) {
                err.println("chat-client: TLS handshake with " + server + " failed: " + cause.getMessage());
                done.complete(1);
            }
            ctx.fireExceptionCaught(cause);
        }
    }
}
