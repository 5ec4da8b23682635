package io.switchboard.loop;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The offload picks virtual threads at run time where the runtime has them, and its platform-thread pool, what Java
 * 17 gets, is bounded in threads and tasks on any runtime.
 */
class OffloadKindTest {

    @Test
    void virtualThreadsAreChosenAtRunTimeExactlyWhereTheRuntimeHasThem() {
        try (Offload offload = Offload.create("kind-offload")) {
            assertEquals(Runtime.version().feature() >= 21, offload.isVirtual(),
                    "Java " + Runtime.version().feature() + ": " + offload);
        }
    }

    @Test
    void thePlatformPoolIsBoundedInThreadsAndTasksOnAnyRuntime() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        Set<String> threads = ConcurrentHashMap.newKeySet();
        Offload offload = Offload.platform("platform-offload", 3, 8);
        Runnable hook = offload::close; // fits a shutdown hook: no checked exception
        try {
            assertFalse(offload.isVirtual());
            for (int i = 0; i < 8; i++) {
                offload.execute(() -> {
                    threads.add(Thread.currentThread().getName());
                    try {
                        release.await(10, TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                });
            }
            assertThrows(RejectedExecutionException.class, () -> offload.execute(() -> { }),
                    "8 tasks waiting or running: the 9th is refused");
            await().atMost(Duration.ofSeconds(10)).until(() -> threads.size() == 3);
            release.countDown();
            await().atMost(Duration.ofSeconds(10)).until(() -> offload.tasks() == 0);
            assertEquals(3, threads.size(), "8 tasks ran on at most 3 platform threads: " + threads);
            assertTrue(threads.stream().allMatch(n -> n.startsWith("platform-offload-")));
        } finally {
            hook.run();
        }
        assertThrows(RejectedExecutionException.class, () -> offload.execute(() -> { }), "closed");
    }
}
