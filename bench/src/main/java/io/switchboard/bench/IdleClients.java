package io.switchboard.bench;

import io.switchboard.pipeline.Connection;
import io.switchboard.pipeline.Handler;
import io.switchboard.pipeline.HandlerContext;
import io.switchboard.server.Client;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Holds many idle HTTP keep-alive connections open: opens them (at most 1,000 connects in flight), sends
 * one GET on each, and once every response has arrived prints {@code # idle ready N ok E errors}. Then it
 * keeps them open until its standard input ends, and closes them. The side-by-side runner measures the
 * server's memory while they are idle. Not thread-safe: one run per instance.
 */
final class IdleClients {
    static final String READY = "# idle ready";

    private final String host;
    private final int port;
    private final String path;
    private final int connections;
    private final PrintStream out;
    private final AtomicLong ok = new AtomicLong();
    private final AtomicLong errors = new AtomicLong();

    IdleClients(String host, int port, String path, int connections, PrintStream out) {
        this.host = host;
        this.port = port;
        this.path = path;
        this.connections = connections;
        this.out = out;
    }

    /** Opens, requests, reports, waits for {@code stdin} to end; returns 0 when every connection was answered. */
    int run(InputStream stdin) throws InterruptedException, IOException {
        byte[] request = ("GET " + path + " HTTP/1.1\r\nHost: " + host + ":" + port + "\r\n\r\n")
                .getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        CompletableFuture<Void> answered = new CompletableFuture<>();
        AtomicLong outstanding = new AtomicLong(connections);
        Runnable done = () -> {
            if (outstanding.decrementAndGet() == 0) {
                answered.complete(null);
            }
        };
        Semaphore connecting = new Semaphore(1000);
        try (Client client = Client.builder().connectTimeout(java.time.Duration.ofSeconds(30))
                .pipeline(p -> p.add(new OneRequest(request, done))).build()) {
            List<CompletableFuture<Connection>> all = new ArrayList<>(connections);
            for (int i = 0; i < connections; i++) {
                connecting.acquire();
                CompletableFuture<Connection> c = client.connect(host, port);
                c.whenComplete((conn, e) -> {
                    connecting.release();
                    if (e != null) {
                        errors.incrementAndGet();
                        done.run();
                    }
                });
                all.add(c);
            }
            try {
                answered.get(120, TimeUnit.SECONDS);
            } catch (ExecutionException | TimeoutException e) {
                out.println("idle-clients: not every connection was answered within 120 s");
            }
            out.println(READY + " " + ok.get() + " ok " + errors.get() + " errors");
            out.flush();
            while (stdin.read() >= 0) {
                // wait for the runner to close our input
            }
        }
        return errors.get() == 0 && ok.get() == connections ? 0 : 1;
    }

    /** Sends one request when connected and counts the first bytes of the answer. One per connection. */
    private final class OneRequest implements Handler {
        private final byte[] request;
        private final Runnable done;
        private boolean answered;

        OneRequest(byte[] request, Runnable done) {
            this.request = request;
            this.done = done;
        }

        @Override
        public void connected(HandlerContext ctx) {
            ctx.write(ByteBuffer.wrap(request));
        }

        @Override
        public void read(HandlerContext ctx, Object message) {
            ByteBuffer in = (ByteBuffer) message;
            if (!answered && in.remaining() >= 12) {
                answered = true;
                if (in.get(in.position() + 9) == '2') {
                    ok.incrementAndGet();
                } else {
                    errors.incrementAndGet();
                }
                done.run();
            }
            in.position(in.limit());
        }

        @Override
        public void exceptionCaught(HandlerContext ctx, Throwable cause) {
            ctx.connection().abort();
        }

        @Override
        public void closed(HandlerContext ctx) {
            if (!answered) {
                answered = true;
                errors.incrementAndGet();
                done.run();
            }
        }
    }
}
