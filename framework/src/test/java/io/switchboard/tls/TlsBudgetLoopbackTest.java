package io.switchboard.tls;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.pipeline.Handler;
import io.switchboard.pipeline.HandlerContext;
import io.switchboard.pipeline.MemoryBudget;
import io.switchboard.server.Server;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Cut records against the memory budget over real sockets: 100 peers each send a ClientHello header announcing
 * 16,384 bytes and 2,000 bytes of it, then stall, against a server whose budget is 100,000 bytes. Each kept start
 * holds between 2,005 and 4,010 bytes (twice what one read brought), so at most 49 fit and the others are reset
 * by the server; then half of the peers reset their connection (RST) and half close it (FIN), and every byte comes
 * back.
 */
@Tag("hardening")
class TlsBudgetLoopbackTest {
    private static final int PEERS = 100;
    private static final int SENT = 5 + 2_000;

    private final TlsServerContext tls = TlsPair.ecServer();
    private final MemoryBudget budget = new MemoryBudget(100_000);
    private final AtomicInteger settled = new AtomicInteger();
    private final AtomicInteger closed = new AtomicInteger();
    private final Queue<TlsHandler> stages = new ConcurrentLinkedQueue<>();
    private Server server;

    /** Put before the TLS stage: a connection is settled once all its bytes were read, or once it closed. */
    private final class Watch implements Handler {
        private int read;
        private boolean done;

        @Override
        public void connected(HandlerContext ctx) {
            stages.add(ctx.pipeline().get(TlsHandler.class));
            ctx.fireConnected();
        }

        @Override
        public void read(HandlerContext ctx, Object message) {
            read += ((ByteBuffer) message).remaining();
            ctx.fireRead(message);
            if (read == SENT) {
                settle();
            }
        }

        @Override
        public void closed(HandlerContext ctx) {
            settle();
            closed.incrementAndGet();
            ctx.fireClosed();
        }

        private void settle() {
            if (!done) {
                done = true;
                settled.incrementAndGet();
            }
        }
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void peersPastTheBudgetAreShedAndResetsAndClosesGiveEveryByteBack() throws Exception {
        server = Server.builder().workers(1).memoryBudget(budget).tls(tls).pipeline(p -> p.addFirst(new Watch())).start();
        byte[] start = new byte[SENT];
        System.arraycopy(new byte[] {22, 3, 1, 0x40, 0}, 0, start, 0, 5);
        List<Socket> peers = new ArrayList<>();
        try {
            for (int i = 0; i < PEERS; i++) {
                Socket s = new Socket("127.0.0.1", server.localAddress().getPort());
                peers.add(s);
                OutputStream out = s.getOutputStream();
                out.write(start);
                out.flush();
            }
            await().atMost(Duration.ofSeconds(10)).until(() -> settled.get() == PEERS);
            long shed = budget.shedCount();
            long kept = PEERS - shed;
            assertEquals(shed, closed.get(), "every peer the server closed was shed");
            assertTrue(kept <= 100_000 / SENT, kept + " kept, at most 49 of at least 2,005 bytes");
            assertTrue(budget.used() <= budget.limit() && budget.used() >= kept * SENT, budget.toString());

            for (int i = 0; i < PEERS; i++) {
                Socket s = peers.get(i);
                if (i % 2 == 0) {
                    s.setSoLinger(true, 0); // a reset in the middle of the record
                }
                s.close();
            }
            await().atMost(Duration.ofSeconds(10)).until(() -> closed.get() == PEERS);
            assertEquals(0, budget.used(), "every byte given back");
            assertEquals(PEERS, stages.size());
            for (TlsHandler stage : stages) {
                assertFalse(stage.handshakeTimerPending(), "no handshake timer left");
            }
            assertEquals(0, tls.counters().handshakeTimeouts());
        } finally {
            for (Socket s : peers) {
                s.close();
            }
        }
    }
}
