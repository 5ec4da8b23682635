package io.switchboard.lifecycle;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.codec.LineCodec;
import io.switchboard.http.HttpConfig;
import io.switchboard.http.HttpResponse;
import io.switchboard.http.HttpService;
import io.switchboard.http.Routes;
import io.switchboard.pipeline.Connection;
import io.switchboard.pipeline.Handler;
import io.switchboard.pipeline.HandlerContext;
import io.switchboard.server.Client;
import io.switchboard.server.Server;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Lifecycle behaviour over real loopback sockets. */
class LifecycleLoopbackTest {
    private final List<AutoCloseable> toClose = new ArrayList<>();

    @AfterEach
    void tearDown() throws Exception {
        for (int i = toClose.size() - 1; i >= 0; i--) {
            toClose.get(i).close();
        }
    }

    private <T extends AutoCloseable> T closing(T resource) {
        toClose.add(resource);
        return resource;
    }

    private Socket connect(Server server) throws IOException {
        Socket s = closing(new Socket("127.0.0.1", server.localAddress().getPort()));
        s.setSoTimeout(30_000);
        return s;
    }

    @Test
    void broadcastReachesAHundredClients() throws Exception {
        ConnectionGroup group = new ConnectionGroup();
        Server server = closing(Server.builder().workers(2).pipeline(p -> p.add(new LineCodec(100)).add(new Handler() {
            @Override
            public void connected(HandlerContext ctx) {
                group.add(ctx.connection());
            }
        })).start());
        List<BufferedReader> readers = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            readers.add(new BufferedReader(new InputStreamReader(connect(server).getInputStream(), StandardCharsets.UTF_8)));
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> group.size() == 100);
        Thread pusher = new Thread(() -> {
            for (int n = 0; n < 50; n++) {
                group.broadcast("news " + n);
            }
        });
        pusher.start();
        pusher.join();
        for (BufferedReader r : readers) {
            for (int n = 0; n < 50; n++) {
                assertEquals("news " + n, r.readLine());
            }
        }
        readers.get(0).close();
        await().atMost(Duration.ofSeconds(10)).until(() -> group.size() == 99);
    }

    @Test
    void aPeerThatDoesNotReadGetsEveryByteBackWithBoundedServerMemory() throws Exception {
        long total = 256L * 1024 * 1024;
        AtomicLong maxQueued = new AtomicLong();
        AtomicReference<Connection> serverSide = new AtomicReference<>();
        Server server = closing(Server.builder().workers(1).pipeline(p -> p.add(new Handler() {
            @Override
            public void connected(HandlerContext ctx) {
                serverSide.set(ctx.connection());
            }

            @Override
            public void read(HandlerContext ctx, Object message) {
                ctx.write(message);
                maxQueued.accumulateAndGet(ctx.connection().queuedBytes(), Math::max);
            }
        })).start());
        Socket socket = connect(server);
        AtomicLong sent = new AtomicLong();
        CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> {
            try {
                OutputStream out = socket.getOutputStream();
                SplittableRandom random = new SplittableRandom(42);
                byte[] chunk = new byte[64 * 1024];
                while (sent.get() < total) {
                    fill(chunk, random);
                    out.write(chunk);
                    sent.addAndGet(chunk.length);
                }
                socket.shutdownOutput();
            } catch (IOException e) {
                throw new RuntimeException(e);
            }
        });
        // Until the client reads, the writer stalls: the kernel buffers fill and the server stops reading.
        long[] last = {-1};
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200)).until(() -> {
            long now = sent.get();
            boolean stalled = now == last[0];
            last[0] = now;
            return stalled;
        });
        assertTrue(sent.get() < total / 4, "the server stopped taking bytes, sent " + sent.get());
        assertTrue(maxQueued.get() <= 64 * 1024 + 64 * 1024, "server queue stayed near the high watermark: " + maxQueued.get());

        InputStream in = socket.getInputStream();
        SplittableRandom expected = new SplittableRandom(42);
        byte[] want = new byte[64 * 1024];
        byte[] got = new byte[64 * 1024];
        long received = 0;
        while (received < total) {
            fill(want, expected);
            int n = in.readNBytes(got, 0, got.length);
            assertEquals(got.length, n, "stream ended early at " + received);
            assertTrue(java.util.Arrays.equals(want, got), "bytes differ in the chunk at " + received);
            received += n;
        }
        assertEquals(-1, in.read());
        writer.get(30, TimeUnit.SECONDS);
        assertTrue(maxQueued.get() <= 128 * 1024, "server queue bounded: " + maxQueued.get());
    }

    private static void fill(byte[] chunk, SplittableRandom random) {
        for (int i = 0; i < chunk.length; i += 8) {
            long v = random.nextLong();
            for (int j = 0; j < 8; j++) {
                chunk[i + j] = (byte) (v >>> (8 * j));
            }
        }
    }

    @Test
    void slowlorisIsClosedAtTheHeaderDeadline() throws Exception {
        HttpConfig config = HttpConfig.DEFAULTS.withTimeouts(Duration.ofSeconds(1), Duration.ofSeconds(5), Duration.ofSeconds(5));
        Routes routes = Routes.builder().get("/", (req, res) -> res.send(HttpResponse.text("ok"))).build();
        Server server = closing(Server.builder().workers(1).pipeline(new HttpService(config, routes)).start());
        Socket socket = connect(server);
        OutputStream out = socket.getOutputStream();
        // One byte every 50 ms: the whole header would take 20 s; the deadline is 1 s after its first byte.
        byte[] trickle = ("GET / HTTP/1.1\r\nHost: a\r\nX-Trickle: " + "a".repeat(400)).getBytes(StandardCharsets.US_ASCII);
        AtomicLong sent = new AtomicLong();
        ScheduledExecutorService pacer = Executors.newSingleThreadScheduledExecutor();
        toClose.add(pacer::shutdownNow);
        pacer.scheduleAtFixedRate(() -> {
            int i = (int) sent.get();
            if (i < trickle.length) {
                try {
                    out.write(trickle[i]);
                    out.flush();
                    sent.incrementAndGet();
                } catch (IOException closedUnderUs) {
                    pacer.shutdown();
                }
            }
        }, 0, 50, TimeUnit.MILLISECONDS);
        String response = new String(socket.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
        long sentWhenClosed = sent.get();
        assertTrue(response.startsWith("HTTP/1.1 408 "), response);
        assertTrue(sentWhenClosed < trickle.length / 2, "closed after " + sentWhenClosed + " of " + trickle.length + " bytes");
    }

    @Test
    void connectionsPastTheLimitAreClosedAndCounted() throws Exception {
        Server server = closing(Server.builder().workers(1).maxConnections(3)
                .pipeline(p -> p.add(new Handler() {
                    @Override
                    public void read(HandlerContext ctx, Object message) {
                        ctx.write(message);
                    }
                })).start());
        List<Socket> admitted = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            Socket s = connect(server);
            s.getOutputStream().write('a');
            assertEquals('a', s.getInputStream().read());
            admitted.add(s);
        }
        Socket refused = connect(server);
        assertEquals(-1, refused.getInputStream().read(), "closed at once");
        assertEquals(1, server.rejectedConnections());
        admitted.get(0).close();
        await().atMost(Duration.ofSeconds(10)).until(() -> server.connectionCount() == 2);
        Socket fresh = connect(server);
        fresh.getOutputStream().write('b');
        assertEquals('b', fresh.getInputStream().read(), "a slot freed up");
    }

    @Test
    void clientReconnectsWithBackoffAfterTheServerRestarts() throws Exception {
        Handler greet = new Handler() {
            @Override
            public void connected(HandlerContext ctx) {
                ctx.write("hello");
            }
        };
        Server first = Server.builder().workers(1).pipeline(p -> p.add(new LineCodec(100)).add(greet)).start();
        int port = first.localAddress().getPort();
        ConcurrentLinkedQueue<String> greetings = new ConcurrentLinkedQueue<>();
        Client client = closing(Client.builder().connectTimeout(Duration.ofSeconds(2)).pipeline(p -> p.add(new LineCodec(100)).add(new Handler() {
            @Override
            public void read(HandlerContext ctx, Object message) {
                greetings.add((String) message);
            }
        })).build());
        Backoff fast = new Backoff(Duration.ofMillis(20), Duration.ofMillis(200), 2.0, 0.2);
        AtomicLong connects = new AtomicLong();
        Reconnector link = closing(new Reconnector(client, new InetSocketAddress("127.0.0.1", port), fast, c -> connects.incrementAndGet()));
        await().atMost(Duration.ofSeconds(10)).until(() -> greetings.size() == 1 && link.connection() != null);

        first.closeGracefully(Duration.ofSeconds(5));
        await().atMost(Duration.ofSeconds(10)).until(() -> link.connection() == null);
        Server second = closing(Server.builder().port(port).workers(1).pipeline(p -> p.add(new LineCodec(100)).add(greet)).start());
        await().atMost(Duration.ofSeconds(10)).until(() -> greetings.size() == 2 && link.connection() != null);
        assertEquals(2, connects.get());
        assertEquals(1, second.connectionCount());
    }
}
