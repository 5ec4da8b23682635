package io.switchboard.http;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.loop.Offload;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** The executor HTTP handlers offload blocking work to is bounded in threads and tasks, on Java 17 and on 21+. */
@Tag("hardening")
class OffloadTest {

    private static long threadsNamed(String prefix) {
        return Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().startsWith(prefix)).count();
    }

    @Test
    void tasksPastTheBoundAreRejectedAndThreadsStayWithinTheirs() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger ran = new AtomicInteger();
        try (Offload offload = Offload.create("bounded-offload", 4, 10)) {
            for (int i = 0; i < 10; i++) {
                offload.execute(() -> {
                    try {
                        release.await(10, TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    ran.incrementAndGet();
                });
            }
            assertEquals(10, offload.tasks(), "10 tasks waiting or running: the bound");
            assertThrows(RejectedExecutionException.class, () -> offload.execute(ran::incrementAndGet),
                    "the 11th task is refused at once");
            assertEquals(1, offload.rejectedCount());
            if (!offload.isVirtual()) {
                assertTrue(threadsNamed("bounded-offload-") <= 4, "at most 4 platform threads for 10 tasks");
            }

            release.countDown();
            await().atMost(Duration.ofSeconds(10)).until(() -> offload.tasks() == 0);
            assertEquals(10, ran.get(), "every task taken ran; the refused one did not");
            offload.execute(ran::incrementAndGet);
            await().atMost(Duration.ofSeconds(10)).until(() -> ran.get() == 11);
        }
    }

    @Test
    void closeHasADeadlineAndSaysWhetherTasksWereLeft() {
        Offload idle = Offload.create("idle-offload");
        assertTrue(idle.close(Duration.ofSeconds(5)), "nothing running: closed in time");
        assertThrows(RejectedExecutionException.class, () -> idle.execute(() -> { }), "a closed offload takes no task");

        Offload stuck = Offload.create("stuck-offload", 2, 10);
        CountDownLatch never = new CountDownLatch(1);
        stuck.execute(() -> {
            try {
                never.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        assertFalse(stuck.close(Duration.ofMillis(200)), "a task still running at the deadline is reported");
        await().atMost(Duration.ofSeconds(10)).until(() -> stuck.tasks() == 0);
    }

    @Test
    void defaultsAreDocumentedBounds() {
        try (Offload offload = Offload.create("default-offload")) {
            assertEquals(Offload.DEFAULT_MAX_THREADS, offload.maxThreads());
            assertEquals(Offload.DEFAULT_MAX_TASKS, offload.maxTasks());
        }
    }
}
