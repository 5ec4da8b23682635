package io.switchboard.loop;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** A flood of tasks from other threads does not push the loop's own work to the back of the line. */
@Tag("hardening")
class LoopFairnessTest {
    private static final int FLOOD = 100_000;
    private final LoopGroup group = new LoopGroup("fair-test", 1);
    private final SelectorLoop loop = group.next();

    @AfterEach
    void stop() throws Exception {
        group.shutdown();
        assertTrue(loop.awaitTermination(10, TimeUnit.SECONDS));
    }

    @Test
    void theLoopsOwnTaskRunsAheadOfAForeignFlood() throws Exception {
        CountDownLatch flooded = new CountDownLatch(1);
        AtomicInteger foreignRun = new AtomicInteger();
        CompletableFuture<Integer> seenByOwnTask = new CompletableFuture<>();
        loop.execute(() -> {
            await(flooded);
            // On the loop, with 100,000 foreign tasks queued behind this one.
            loop.execute(() -> seenByOwnTask.complete(foreignRun.get()));
        });
        for (int i = 0; i < FLOOD; i++) {
            loop.execute(foreignRun::incrementAndGet);
        }
        flooded.countDown();
        int seen = seenByOwnTask.get(10, TimeUnit.SECONDS);
        // At most one turn's share of foreign tasks (4,096) runs first; a single queue ran all 100,000.
        assertTrue(seen <= 4096, "foreign tasks run before the loop's own: " + seen + " of " + FLOOD);
    }

    private static void await(CountDownLatch latch) {
        try {
            assertTrue(latch.await(10, TimeUnit.SECONDS));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
