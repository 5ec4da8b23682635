package io.switchboard.loop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** A loop that stops: what it accepted runs, what comes after is refused, and nobody waits past a timeout. */
@Tag("hardening")
class LoopShutdownTest {
    private final LoopGroup group = new LoopGroup("stop-test", 1);
    private final SelectorLoop loop = group.next();
    private final CountDownLatch release = new CountDownLatch(1);

    @AfterEach
    void stop() throws Exception {
        release.countDown();
        group.shutdown();
        assertTrue(loop.awaitTermination(10, TimeUnit.SECONDS));
    }

    @Test
    void tasksFromOtherThreadsAfterTheStopAreRejected() throws Exception {
        assertTrue(group.shutdown(Duration.ofSeconds(10)));
        // Before: the task was queued and silently never ran.
        assertThrows(RejectedExecutionException.class, () -> loop.execute(() -> { }));
        assertThrows(RejectedExecutionException.class, () -> loop.schedule(() -> { }, 1, TimeUnit.MILLISECONDS));
    }

    @Test
    void everyTaskQueuedBeforeTheStopRuns() throws Exception {
        // 20,000 tasks queued while the loop is busy, then the stop: all 20,000 run. Before, the stop ran at most
        // three turns' worth of 4,096 (the busy turn's rest and two at the stop) and dropped the rest unseen.
        int queued = 20_000;
        CountDownLatch busy = new CountDownLatch(1);
        loop.execute(() -> {
            busy.countDown();
            awaitRelease();
        });
        assertTrue(busy.await(10, TimeUnit.SECONDS));
        int[] ran = new int[1];
        for (int i = 0; i < queued; i++) {
            loop.execute(() -> ran[0]++);
        }
        loop.shutdown();
        release.countDown();
        assertTrue(loop.awaitTermination(10, TimeUnit.SECONDS));
        assertEquals(queued, ran[0], "tasks accepted before the stop that ran"); // the join orders the read
    }

    @Test
    void shutdownWithATimeoutDoesNotWaitForTheThreadPastTheTimeout() throws Exception {
        // Whatever runs on the loop thread after it has finished its work (here a callback of terminated(), run by
        // the thread that completes it) keeps the thread alive; before, shutdown(Duration) joined it with no bound.
        loop.terminated().thenRun(this::awaitRelease);
        CompletableFuture<Boolean> result = CompletableFuture.supplyAsync(() -> {
            try {
                return group.shutdown(Duration.ofMillis(300));
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        long start = System.nanoTime();
        assertFalse(result.get(300 + 2_000, TimeUnit.MILLISECONDS), "the loop thread had not finished");
        assertElapsedAtMost(start, 300 + 2_000);
    }

    @Test
    void blockingCallsRefuseToRunOnALoopThread() throws Exception {
        CompletableFuture<Throwable> thrown = new CompletableFuture<>();
        loop.execute(() -> {
            try {
                group.shutdown(Duration.ofSeconds(1));
                thrown.complete(null);
            } catch (Throwable t) {
                thrown.complete(t);
            }
        });
        Throwable t = thrown.get(10, TimeUnit.SECONDS);
        assertTrue(t instanceof IllegalStateException && t.getMessage().contains("loop thread stop-test-1"),
                String.valueOf(t));
        assertFalse(loop.isShuttingDown(), "the refused call stopped nothing");
        assertFalse(SelectorLoop.onLoopThread(), "the test thread is no loop thread");
    }

    private void awaitRelease() {
        try {
            release.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The upper bound on a blocking call's duration is the behaviour under test here (with generous slack). */
    private static void assertElapsedAtMost(long startNanos, long millis) {
        long elapsed = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos);
        assertTrue(elapsed <= millis, "took " + elapsed + " ms, more than " + millis);
    }
}
