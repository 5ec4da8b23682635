package io.switchboard.server;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.pipeline.ConnectionConfig;
import io.switchboard.pipeline.Handler;
import io.switchboard.pipeline.HandlerContext;
import io.switchboard.pipeline.MemoryBudget;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * {@link io.switchboard.pipeline.Connection#close()} with bytes queued: the close timer resets a peer that takes
 * nothing for the whole {@link ConnectionConfig#closeTimeout()}, never one that keeps reading.
 */
@Tag("hardening")
class CloseTimerTest {
    private static final int ANSWER = 8 * 1024 * 1024;
    private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(1);

    /** Writes 8 MiB and closes at once, as an answer to an HTTP/1.0 request does. */
    private static final Handler ANSWER_THEN_CLOSE = new Handler() {
        @Override
        public void connected(HandlerContext ctx) {
            ctx.write(ByteBuffer.wrap(Peers.DATA, 0, ANSWER));
            ctx.close();
        }
    };

    private final Server server = Server.builder().workers(1)
            .socket(new SocketOptions(true, false, 0, 32 * 1024))
            .connection(ConnectionConfig.DEFAULTS.withCloseTimeout(CLOSE_TIMEOUT))
            .memoryBudget(new MemoryBudget(64L * 1024 * 1024))
            .pipeline(p -> p.add(ANSWER_THEN_CLOSE))
            .start();

    @AfterEach
    void close() {
        server.close();
    }

    @Test
    void theCloseTimerResetsOnlyAPeerThatTakesNothing() throws Exception {
        // Two closing connections, each with 8 MiB queued. One peer reads 16 KiB, then pauses 8 ms (at most 2 MB/s,
        // so 8 MiB take 4 s or more, four times the 1 s close timeout) through a 32 KiB receive buffer; the other
        // reads nothing.
        try (Socket reading = Peers.connect(server.localAddress(), 32 * 1024);
             Socket silent = Peers.connect(server.localAddress(), 32 * 1024)) {
            CompletableFuture<Peers.Received> read =
                    CompletableFuture.supplyAsync(() -> Peers.readPaced(reading, 16 * 1024, 8, null));

            // The silent peer's connection is reset once it has taken nothing for the 1 s close timeout.
            await().atMost(Duration.ofSeconds(10)).until(() -> server.connectionCount() == 2);
            await().atMost(Duration.ofSeconds(10)).until(() -> server.connectionCount() <= 1);
            Peers.Received cut = Peers.readAll(silent);
            assertEquals(Peers.End.RESET, cut.end(), "the silent peer sees a reset, not an end it could trust; " + cut);
            assertTrue(cut.bytes() < ANSWER, "it got part of the 8 MiB: " + cut);

            // Before: a fixed 1 s timer from the close reset the reading peer too, after about 2 MB.
            Peers.Received whole = read.get(60, TimeUnit.SECONDS);
            assertTrue(whole.exact(ANSWER) && whole.end() == Peers.End.EOF, "8 MiB exactly, then EOF; got " + whole);
        }
    }
}
