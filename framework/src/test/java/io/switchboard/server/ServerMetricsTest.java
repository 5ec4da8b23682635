package io.switchboard.server;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.pipeline.Handler;
import io.switchboard.pipeline.HandlerContext;
import java.io.InputStream;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/** What a server counts over loopback: connections opened, closed, open and refused, and the bytes both ways. */
class ServerMetricsTest {
    /** Bytes each client sends (and gets echoed back). */
    private static final int SIZE = 1000;
    private static final int CLIENTS = 3;

    private static final Consumer<io.switchboard.pipeline.Pipeline> ECHO = p -> p.add(new Handler() {
        @Override
        public void read(HandlerContext ctx, Object message) {
            ByteBuffer in = (ByteBuffer) message;
            byte[] copy = new byte[in.remaining()];
            in.get(copy);
            ctx.write(copy);
        }
    });

    private static void echoOnce(int port) throws Exception {
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(10_000);
            s.getOutputStream().write(new byte[SIZE]);
            InputStream in = s.getInputStream();
            int got = 0;
            while (got < SIZE) {
                int n = in.read(new byte[SIZE]);
                assertTrue(n > 0, "echo cut short after " + got);
                got += n;
            }
        }
    }

    @Test
    void connectionsAndBytesAreCountedOnTheirLoops() throws Exception {
        try (Server server = Server.builder().workers(2).pipeline(ECHO).start()) {
            ServerMetrics m = server.metrics();
            assertTrue(m.enabled());
            assertEquals(2, m.loops().size());
            for (int i = 0; i < CLIENTS; i++) {
                echoOnce(server.localAddress().getPort());
            }
            // 3 connections, each 1,000 bytes in and 1,000 echoed out, all closed by their clients
            await().atMost(10, TimeUnit.SECONDS).until(() -> m.connectionsClosed() == CLIENTS);
            assertEquals(CLIENTS, m.connectionsOpened());
            assertEquals(0, m.connectionsOpen());
            assertEquals(CLIENTS * SIZE, m.bytesRead());
            assertEquals(CLIENTS * SIZE, m.bytesWritten());
            assertEquals(0, m.connectionsRefused());
            for (var loop : m.loops()) {
                assertEquals(0, loop.queuedOutboundBytes(), "nothing left queued on " + loop);
            }
        }
    }

    @Test
    void connectionsOverTheLimitAreCountedAsRefused() throws Exception {
        try (Server server = Server.builder().workers(1).maxConnections(1).pipeline(ECHO).start();
             Socket first = new Socket("127.0.0.1", server.localAddress().getPort())) {
            await().atMost(10, TimeUnit.SECONDS).until(() -> server.metrics().connectionsOpened() == 1);
            try (Socket second = new Socket("127.0.0.1", server.localAddress().getPort())) {
                second.setSoTimeout(10_000);
                assertEquals(-1, second.getInputStream().read(), "the second connection is closed at once");
            }
            // one refused, one open; the refused one never reached a loop
            await().atMost(10, TimeUnit.SECONDS).until(() -> server.metrics().connectionsRefused() == 1);
            assertEquals(1, server.metrics().connectionsOpen());
            assertEquals(1, server.metrics().connectionsOpened());
        }
    }

    @Test
    void aServerBuiltWithoutMetricsCountsNothingOnItsLoops() throws Exception {
        try (Server server = Server.builder().workers(1).metrics(false).pipeline(ECHO).start()) {
            echoOnce(server.localAddress().getPort());
            await().atMost(10, TimeUnit.SECONDS).until(() -> server.metrics().connectionsOpen() == 0);
            ServerMetrics m = server.metrics();
            assertFalse(m.enabled());
            assertEquals(0, m.connectionsOpened());
            assertEquals(0, m.connectionsClosed());
            assertEquals(0, m.bytesRead());
            assertEquals(0, m.bytesWritten());
        }
    }
}
