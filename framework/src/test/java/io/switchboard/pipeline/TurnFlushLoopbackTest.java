package io.switchboard.pipeline;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.internal.BufferPool;
import io.switchboard.server.Server;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The answers to the reads of one loop turn leave together when the turn ends (while the loop's pool has chunks to
 * lend), over loopback: a connection read later in the same turn finds the earlier one's answer not yet sent.
 */
class TurnFlushLoopbackTest {
    private static final int CONNECTIONS = 3;
    private final List<AutoCloseable> toClose = new ArrayList<>();

    @AfterEach
    void tearDown() throws Exception {
        for (int i = toClose.size() - 1; i >= 0; i--) {
            toClose.get(i).close();
        }
    }

    @Test
    void answersOfOneTurnLeaveWhenEveryReadyConnectionWasRead() throws Exception {
        List<Socket> clients = new CopyOnWriteArrayList<>();
        ConcurrentLinkedQueue<Connection> accepted = new ConcurrentLinkedQueue<>();
        // What each read saw: the answer bytes that had already reached the clients when it began.
        ConcurrentLinkedQueue<Integer> arrivedBeforeRead = new ConcurrentLinkedQueue<>();
        AtomicInteger reads = new AtomicInteger();
        Server server = Server.builder().workers(1).pipeline(p -> p.add(new Handler() {
            @Override
            public void connected(HandlerContext ctx) {
                accepted.add(ctx.connection());
            }

            @Override
            public void read(HandlerContext ctx, Object message) throws IOException {
                arrivedBeforeRead.add(available(clients));
                reads.incrementAndGet();
                ByteBuffer in = (ByteBuffer) message;
                byte[] echo = new byte[in.remaining()];
                in.get(echo);
                ctx.write(echo);
            }
        })).start();
        toClose.add(server);
        for (int i = 0; i < CONNECTIONS; i++) {
            Socket s = new Socket("127.0.0.1", server.localAddress().getPort());
            s.setSoTimeout(30_000);
            toClose.add(s);
            clients.add(s);
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> accepted.size() == CONNECTIONS);

        // Hold the loop while every client sends one byte, so that the next turn finds all three ready at once.
        CountDownLatch release = block(accepted.peek());
        for (Socket s : clients) {
            s.getOutputStream().write('x');
        }
        release.countDown();

        for (Socket s : clients) {
            assertEquals('x', s.getInputStream().read(), "each of the 3 clients gets its 1-byte echo");
        }
        assertEquals(CONNECTIONS, reads.get(), "one read per connection, all in one turn");
        for (int arrived : arrivedBeforeRead) {
            assertEquals(0, arrived, "no answer of the turn left before the turn's last read: " + arrivedBeforeRead);
        }
    }

    @Test
    void poolLendsWhileAChunkIsFreeOrStillToAllocate() {
        BufferPool pool = new BufferPool(1024, 256, 2, false);
        assertTrue(pool.canLend(), "2 chunks still to allocate");
        ByteBuffer first = pool.acquire(10);
        ByteBuffer second = pool.acquire(10);
        assertEquals(false, pool.canLend(), "both chunks lent: the next acquire would be a heap overflow buffer");
        pool.release(first);
        assertTrue(pool.canLend(), "1 chunk back for reuse");
        pool.release(second);
    }

    /** Bytes waiting in the clients' receive buffers. */
    private static int available(List<Socket> clients) throws IOException {
        int n = 0;
        for (Socket s : clients) {
            InputStream in = s.getInputStream();
            n += in.available();
        }
        return n;
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
}
