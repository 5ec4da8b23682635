package io.switchboard.pipeline;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.codec.LineCodec;
import io.switchboard.server.Server;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** Writes from threads other than the connection's loop, over loopback (issue 9, section 5). */
@Tag("hardening")
class ForeignWritesLoopbackTest {
    private final List<AutoCloseable> toClose = new ArrayList<>();

    @AfterEach
    void tearDown() throws Exception {
        for (int i = toClose.size() - 1; i >= 0; i--) {
            toClose.get(i).close();
        }
    }

    private Server start(ConnectionConfig config, Consumer<Pipeline> pipeline) {
        Server server = Server.builder().workers(1).connection(config).pipeline(pipeline).start();
        toClose.add(server);
        return server;
    }

    private Socket connect(Server server) throws IOException {
        Socket s = new Socket("127.0.0.1", server.localAddress().getPort());
        s.setSoTimeout(30_000);
        toClose.add(s);
        return s;
    }

    /** Connects, and returns the server side of the connection once the pipeline has seen it. */
    private Connection serverSide(Server server, CompletableFuture<Connection> connected, Socket[] client) throws Exception {
        client[0] = connect(server);
        return connected.get(10, TimeUnit.SECONDS);
    }

    /** Blocks the connection's loop until the returned latch is counted down: the loop is busy. */
    private static CountDownLatch block(Connection c) throws InterruptedException {
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch blocked = new CountDownLatch(1);
        c.loop().execute(() -> {
            blocked.countDown();
            try {
                release.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        assertTrue(blocked.await(10, TimeUnit.SECONDS));
        return release;
    }

    @Test
    void contextWritesFromOtherThreadsArriveInCallOrderNoneLost() throws Exception {
        int lines = 1000;
        Server server = start(ConnectionConfig.DEFAULTS, p -> p.add(new LineCodec(100)).add(new Handler() {
            @Override
            public void read(HandlerContext ctx, Object message) {
                // As in the issue: each line written from a pool thread, one write after the other.
                Thread writer = new Thread(() -> {
                    for (String s : List.of("a", "b", "c")) {
                        CompletableFuture.runAsync(() -> ctx.write(s)).join();
                    }
                    CompletableFuture.runAsync(() -> {
                        for (int i = 0; i < lines; i++) {
                            ctx.write("line " + i);
                        }
                        ctx.writeAndFlush("end");
                    }).join();
                });
                writer.start();
            }
        }));
        Socket s = connect(server);
        s.getOutputStream().write("go\n".getBytes(StandardCharsets.US_ASCII));
        BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII));
        assertEquals("a", in.readLine());
        assertEquals("b", in.readLine());
        assertEquals("c", in.readLine());
        for (int i = 0; i < lines; i++) {
            assertEquals("line " + i, in.readLine(), "the " + lines + " lines written by one thread, in order");
        }
        assertEquals("end", in.readLine());
    }

    @Test
    void bytesWrittenFromAnotherThreadAreCopiedBeforeTheCallReturns() throws Exception {
        CompletableFuture<Connection> connected = new CompletableFuture<>();
        Server server = start(ConnectionConfig.DEFAULTS, p -> p.add(new Handler() {
            @Override
            public void connected(HandlerContext ctx) {
                connected.complete(ctx.connection());
            }
        }));
        Socket[] client = new Socket[1];
        Connection c = serverSide(server, connected, client);

        CountDownLatch release = block(c);
        ByteBuffer buffer = ByteBuffer.allocate(5).put("first".getBytes(StandardCharsets.US_ASCII)).flip();
        c.write(buffer);
        buffer.clear().put("XXXXX".getBytes(StandardCharsets.US_ASCII));
        byte[] array = "second".getBytes(StandardCharsets.US_ASCII);
        c.writeAndFlush(array);
        array[0] = 'Z';
        release.countDown();

        byte[] got = client[0].getInputStream().readNBytes(11);
        assertEquals("firstsecond", new String(got, StandardCharsets.US_ASCII),
                "the bytes as they were at the call, though the caller changed them before the loop ran");
    }

    @Test
    void writesWaitingForABusyLoopMakeTheConnectionUnwritableAndPastMaxQueuedItIsReset() throws Exception {
        // High watermark 64 KiB (default), hard limit 1 MiB.
        ConnectionConfig config = ConnectionConfig.DEFAULTS.withMaxQueued(1024 * 1024);
        CompletableFuture<Connection> connected = new CompletableFuture<>();
        Server server = start(config, p -> p.add(new Handler() {
            @Override
            public void connected(HandlerContext ctx) {
                connected.complete(ctx.connection());
            }
        }));
        Socket[] client = new Socket[1];
        Connection c = serverSide(server, connected, client);
        MemoryBudget budget = server.memoryBudget();

        CountDownLatch release = block(c);
        byte[] chunk = new byte[32 * 1024];
        c.write(chunk);
        assertTrue(c.isWritable(), "32 KiB waiting: under the 64 KiB watermark");
        c.write(chunk);
        c.write(chunk);
        assertFalse(c.isWritable(), "96 KiB waiting for the busy loop: over the watermark at once");
        assertTrue(budget.used() >= 96 * 1024, "and counted against the budget: " + budget.used());

        // A producer that ignores isWritable(): 64 writes of 32 KiB = 2 MiB, past the 1 MiB hard limit.
        for (int i = 0; i < 64; i++) {
            c.write(chunk);
        }
        release.countDown();
        c.closeFuture().get(10, TimeUnit.SECONDS);
        InputStream in = client[0].getInputStream();
        assertThrows(IOException.class, () -> {
            while (in.read(new byte[64 * 1024]) >= 0) {
                // what the socket took before the reset
            }
        }, "reset, not closed cleanly");
        await().atMost(Duration.ofSeconds(10)).until(() -> budget.used() == 0);
        assertEquals(0, budget.used(), "every byte counted for the writes is given back");
    }

    @Test
    void theBufferAWriteLeftBehindIsTheCallersAgainAtOnce() throws Exception {
        CompletableFuture<Connection> connected = new CompletableFuture<>();
        Server server = start(ConnectionConfig.DEFAULTS, p -> p.add(new Handler() {
            @Override
            public void connected(HandlerContext ctx) {
                connected.complete(ctx.connection());
            }
        }));
        Socket[] client = new Socket[1];
        Connection c = serverSide(server, connected, client);
        CountDownLatch release = block(c);
        byte[] expected = new byte[200_000];
        ByteBuffer reused = ByteBuffer.allocate(1000);
        for (int i = 0; i < 200; i++) {
            byte fill = (byte) i;
            java.util.Arrays.fill(expected, i * 1000, (i + 1) * 1000, fill);
            reused.clear();
            while (reused.hasRemaining()) {
                reused.put(fill);
            }
            c.write(reused.flip());
        }
        c.flush();
        release.countDown();
        assertArrayEquals(expected, client[0].getInputStream().readNBytes(expected.length),
                "200 writes of one reused 1000-byte buffer, each with its own bytes");
    }
}
