package io.switchboard.server;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.loop.EventLoop;
import io.switchboard.loop.LoopGroup;
import io.switchboard.loop.Scheduled;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** A server's worker loops are there to schedule on, and a loop group closes without a checked exception. */
class ServerLoopsTest {

    @Test
    void aServerExposesItsWorkerLoopsForTimers() {
        try (Server server = Server.builder().port(0).workers(3).pipeline(p -> { }).start()) {
            List<EventLoop> loops = server.loops();
            assertEquals(3, loops.size(), "one per worker, the boss not among them");
            assertThrows(UnsupportedOperationException.class, () -> loops.add(loops.get(0)));
            AtomicInteger runs = new AtomicInteger();
            AtomicBoolean onLoop = new AtomicBoolean(true);
            EventLoop loop = loops.get(1);
            Scheduled stats = loop.scheduleAtFixedRate(() -> {
                onLoop.compareAndSet(true, loop.inLoop());
                runs.incrementAndGet();
            }, 0, 5, TimeUnit.MILLISECONDS);
            await().atMost(Duration.ofSeconds(10)).until(() -> runs.get() >= 3);
            stats.cancel();
            assertTrue(onLoop.get(), "the task ran on the loop it was scheduled on");
        }
    }

    @Test
    void aServerOnSharedLoopsExposesThoseLoops() {
        try (LoopGroup shared = new LoopGroup("shared-loops", 2);
             Server server = Server.builder().port(0).loops(shared).pipeline(p -> { }).start()) {
            assertEquals(List.copyOf(shared.loops()), server.loops());
        }
    }

    @Test
    void closingALoopGroupFitsAShutdownHookAndKeepsTheCallersInterrupt() {
        LoopGroup group = new LoopGroup("hook-loops", 2);
        Runnable hook = group::close; // compiles only because close() throws no checked exception
        Thread.currentThread().interrupt();
        hook.run();
        assertTrue(Thread.interrupted(), "an interrupted caller stops waiting and keeps its interrupt status");
        await().atMost(Duration.ofSeconds(10)).until(() -> group.loops().stream().allMatch(l -> l.terminated().isDone()));
        assertFalse(Thread.currentThread().isInterrupted());
    }
}
