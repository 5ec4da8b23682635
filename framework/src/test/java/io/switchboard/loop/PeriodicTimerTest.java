package io.switchboard.loop;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.testing.EmbeddedConnection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Periodic timers on a loop: fixed rate and fixed delay, cancellable from any thread, ended by a failure. */
class PeriodicTimerTest {
    /** A loop whose clock moves only when told: the embedded connection's. */
    private final EmbeddedConnection clock = new EmbeddedConnection(p -> { });
    private final EventLoop loop = clock.connection().loop();

    private long millis() {
        return TimeUnit.NANOSECONDS.toMillis(loop.nanoTime() - start);
    }

    private final long start = loop.nanoTime();

    @Test
    void aFixedRateTaskRunsAtEveryPeriodAndCatchesUpWhenLate() {
        List<Long> runs = new ArrayList<>();
        loop.scheduleAtFixedRate(() -> runs.add(millis()), 10, 100, TimeUnit.MILLISECONDS);
        clock.advance(Duration.ofMillis(9));
        assertEquals(List.of(), runs, "not before its initial delay");
        clock.advance(Duration.ofMillis(1));
        clock.advance(Duration.ofMillis(100));
        assertEquals(List.of(10L, 110L), runs);
        clock.advance(Duration.ofMillis(350));
        // The loop was away for 350 ms: the runs due at 210, 310 and 410 run now, one after another.
        assertEquals(List.of(10L, 110L, 460L, 460L, 460L), runs, "three late runs caught up");
        clock.advance(Duration.ofMillis(50));
        assertEquals(6, runs.size(), "then back on the grid: the next at 510");
    }

    @Test
    void aFixedDelayTaskWaitsItsDelayAfterEachRunAndDoesNotCatchUp() {
        List<Long> runs = new ArrayList<>();
        loop.scheduleWithFixedDelay(() -> runs.add(millis()), 10, 100, TimeUnit.MILLISECONDS);
        clock.advance(Duration.ofMillis(10));
        clock.advance(Duration.ofMillis(350));
        assertEquals(List.of(10L, 360L), runs, "one late run, not three");
        clock.advance(Duration.ofMillis(99));
        assertEquals(2, runs.size());
        clock.advance(Duration.ofMillis(1));
        assertEquals(List.of(10L, 360L, 460L), runs, "100 ms after the late run");
    }

    @Test
    void cancelStopsEveryLaterRun() {
        AtomicInteger runs = new AtomicInteger();
        Scheduled task = loop.scheduleAtFixedRate(runs::incrementAndGet, 0, 10, TimeUnit.MILLISECONDS);
        clock.advance(Duration.ofMillis(25));
        assertEquals(3, runs.get(), "at 0, 10 and 20 ms");
        assertTrue(task.cancel());
        assertTrue(task.isCancelled());
        assertFalse(task.cancel(), "cancelled once");
        clock.advance(Duration.ofSeconds(1));
        assertEquals(3, runs.get(), "no run after the cancel");

        AtomicInteger self = new AtomicInteger();
        Scheduled[] handle = new Scheduled[1];
        handle[0] = loop.scheduleWithFixedDelay(() -> {
            if (self.incrementAndGet() == 2) {
                handle[0].cancel(); // a task may cancel itself from its own run
            }
        }, 0, 10, TimeUnit.MILLISECONDS);
        for (int i = 0; i < 100; i++) {
            clock.advance(Duration.ofMillis(10)); // a fixed delay does not catch up: step through a second
        }
        assertEquals(2, self.get(), "no run after the one that cancelled itself");
    }

    @Test
    void aRunThatThrowsEndsTheTaskAndTheLoopGoesOn() {
        AtomicInteger runs = new AtomicInteger();
        Scheduled task = loop.scheduleAtFixedRate(() -> {
            if (runs.incrementAndGet() == 3) {
                throw new IllegalStateException("task bug");
            }
        }, 0, 10, TimeUnit.MILLISECONDS);
        AtomicInteger other = new AtomicInteger();
        loop.scheduleAtFixedRate(other::incrementAndGet, 0, 10, TimeUnit.MILLISECONDS);
        clock.advance(Duration.ofMillis(100));
        assertEquals(3, runs.get(), "no run after the one that threw, as ScheduledExecutorService and Netty do");
        assertFalse(task.isCancelled(), "ended by its failure, not cancelled");
        assertEquals(11, other.get(), "another periodic task on the loop runs on (0 to 100 ms)");
    }

    @Test
    void aPeriodMustBePositive() {
        assertThrows(IllegalArgumentException.class, () -> loop.scheduleAtFixedRate(() -> { }, 0, 0, TimeUnit.SECONDS));
        assertThrows(IllegalArgumentException.class, () -> loop.scheduleWithFixedDelay(() -> { }, 0, -1, TimeUnit.SECONDS));
    }

    @Test
    void onARealLoopTheRunsAreOnTheLoopThreadAndACancelFromAnotherThreadHolds() throws Exception {
        try (LoopGroup group = new LoopGroup("periodic-test", 1)) {
            SelectorLoop real = group.next();
            AtomicInteger runs = new AtomicInteger();
            AtomicBoolean offLoop = new AtomicBoolean();
            Scheduled task = real.scheduleAtFixedRate(() -> {
                offLoop.compareAndSet(false, !real.inLoop());
                runs.incrementAndGet();
            }, 0, 2, TimeUnit.MILLISECONDS);
            await().atMost(Duration.ofSeconds(10)).until(() -> runs.get() >= 5);
            assertTrue(task.cancel(), "cancelled from the test thread");
            // A run already under way may finish; wait for the loop to pass through a task, then for 20 periods.
            CompletableFuture<Integer> after = new CompletableFuture<>();
            real.execute(() -> after.complete(runs.get()));
            int seen = after.get(10, TimeUnit.SECONDS);
            CompletableFuture<Integer> later = new CompletableFuture<>();
            real.schedule(() -> later.complete(runs.get()), 40, TimeUnit.MILLISECONDS);
            assertEquals(seen, later.get(10, TimeUnit.SECONDS), "no run in the 20 periods after the cancel");
            assertFalse(offLoop.get(), "every run was on the loop's thread");
        }
    }
}
