package io.switchboard.loop;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class SelectorLoopTest {
    private final LoopGroup group = new LoopGroup("test-loop", 1);
    private final SelectorLoop loop = group.next();

    @AfterEach
    void stop() throws InterruptedException {
        assertTrue(group.shutdown(Duration.ofSeconds(10)));
    }

    @Test
    void tasksFromManyThreadsRunOnTheLoopInEachThreadsOrder() throws Exception {
        int threads = 4;
        int perThread = 20_000;
        int[] next = new int[threads];
        AtomicInteger wrongThread = new AtomicInteger();
        AtomicInteger outOfOrder = new AtomicInteger();
        CountDownLatch done = new CountDownLatch(threads * perThread);
        List<Thread> submitters = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int id = t;
            submitters.add(new Thread(() -> {
                for (int i = 0; i < perThread; i++) {
                    int n = i;
                    loop.execute(() -> {
                        if (!loop.inLoop()) {
                            wrongThread.incrementAndGet();
                        }
                        if (next[id] != n) {
                            outOfOrder.incrementAndGet();
                        }
                        next[id] = n + 1;
                        done.countDown();
                    });
                }
            }));
        }
        submitters.forEach(Thread::start);
        assertTrue(done.await(30, TimeUnit.SECONDS));
        assertEquals(0, wrongThread.get());
        assertEquals(0, outOfOrder.get());
        assertFalse(loop.inLoop(), "the test thread is not the loop");
    }

    @Test
    void timersRunInDeadlineOrderAndCancelledOnesDoNot() throws Exception {
        List<String> ran = java.util.Collections.synchronizedList(new ArrayList<>());
        loop.schedule(() -> ran.add("late"), 60, TimeUnit.MILLISECONDS);
        loop.schedule(() -> ran.add("early"), 10, TimeUnit.MILLISECONDS);
        Scheduled cancelled = loop.schedule(() -> ran.add("cancelled"), 20, TimeUnit.MILLISECONDS);
        assertTrue(cancelled.cancel());
        assertTrue(cancelled.isCancelled());
        await().atMost(Duration.ofSeconds(10)).until(() -> ran.size() == 2);
        assertEquals(List.of("early", "late"), ran);
    }

    @Test
    void batchEndTasksRunAfterTheTasksOfTheTurn() throws Exception {
        CompletableFuture<String> order = new CompletableFuture<>();
        StringBuilder sb = new StringBuilder();
        // Submitted from the loop itself, both tasks are queued before the turn runs its tasks.
        loop.execute(() -> {
            loop.execute(() -> {
                loop.atBatchEnd(() -> {
                    sb.append("end");
                    order.complete(sb.toString());
                });
                sb.append("task1,");
            });
            loop.execute(() -> sb.append("task2,"));
        });
        assertEquals("task1,task2,end", order.get(10, TimeUnit.SECONDS));
    }

    @Test
    void aFailingTaskDoesNotStopTheLoop() throws Exception {
        loop.execute(() -> {
            throw new IllegalStateException("task bug");
        });
        CompletableFuture<Boolean> after = new CompletableFuture<>();
        loop.execute(() -> after.complete(loop.inLoop()));
        assertTrue(after.get(10, TimeUnit.SECONDS));
    }
}
