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
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * The chat client: sends each line of standard input, prints each line that arrives, answers {@code PING}
 * with {@code PONG} (and pings the server after 30 s of its own silence), and reconnects with backoff when
 * the server goes away.
 */
public final class ChatClient {
    private static final Duration OWN_PING = Duration.ofSeconds(30);

    private ChatClient() {
    }

    /** Runs until standard input ends; returns the exit status. */
    public static int run(String host, int port, InputStream stdin, PrintStream out, PrintStream err)
            throws IOException, InterruptedException {
        Handler print = new Handler() {
            @Override
            public void read(HandlerContext ctx, Object line) {
                out.println(line);
                out.flush();
            }
        };
        Heartbeat heartbeat = new Heartbeat("PING", "PONG");
        try (Client client = Client.builder()
                .connectTimeout(Duration.ofSeconds(5))
                .pipeline(p -> p.add(new LineCodec(ChatServer.MAX_LINE))
                        .add(new IdleDetector(Duration.ZERO, OWN_PING, Duration.ZERO))
                        .add(heartbeat)
                        .add(print))
                .build();
             Reconnector link = new Reconnector(client, new InetSocketAddress(host, port), Backoff.DEFAULTS,
                     c -> err.println("connected to " + c.remoteAddress()))) {
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
        return 0;
    }
}
