package io.switchboard.loop;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.classic.spi.StackTraceElementProxy;
import ch.qos.logback.core.read.ListAppender;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * The stall detector with a short limit (200 ms): a task or a timer that holds the loop past it is logged once, as
 * what it is, with its frame, and counted; an idle loop and a loop busy with many short turns are not stalled.
 */
class StallTest {
    private static final Duration LIMIT = Duration.ofMillis(200);
    /** How long the work under test holds the loop: three times the limit. */
    private static final long HOLD_MILLIS = 600;

    private final Logger logger = (Logger) LoggerFactory.getLogger(Stalls.class);
    private final ListAppender<ILoggingEvent> logs = new ListAppender<>();
    private LoopGroup group;
    private SelectorLoop loop;

    @BeforeEach
    void start() {
        logs.start();
        logger.addAppender(logs);
        group = new LoopGroup("stall-test", 1, LIMIT);
        loop = group.next();
    }

    @AfterEach
    void stop() throws InterruptedException {
        logger.detachAppender(logs);
        assertTrue(group.shutdown(Duration.ofSeconds(10)));
    }

    /** The work under test: it holds the loop thread (a sleep is the blocking call a handler should not make). */
    private static void holdsTheLoop() {
        try {
            Thread.sleep(HOLD_MILLIS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The warnings about this test's loop (the watch looks at every loop of the process). */
    private List<ILoggingEvent> warnings() {
        return logs.list.stream().filter(e -> e.getLevel() == Level.WARN
                && e.getFormattedMessage().contains("event loop " + loop.thread().getName() + " ")).collect(Collectors.toList());
    }

    private static boolean hasFrame(IThrowableProxy stack, String method) {
        if (stack == null) {
            return false;
        }
        for (StackTraceElementProxy f : stack.getStackTraceElementProxyArray()) {
            if (f.getStackTraceElement().getClassName().equals(StallTest.class.getName())
                    && f.getStackTraceElement().getMethodName().equals(method)) {
                return true;
            }
        }
        return false;
    }

    @Test
    void aTaskThatHoldsTheLoopIsLoggedOnceAsATaskWithItsFrameAndCounted() {
        CompletableFuture<Void> after = new CompletableFuture<>();
        loop.execute(StallTest::holdsTheLoop);
        loop.execute(() -> after.complete(null));
        after.join();
        // the stall is counted once, by the watch while it held the loop or by the loop when it came back
        await().atMost(5, TimeUnit.SECONDS).until(() -> loop.stalls() == 1);
        await().atMost(5, TimeUnit.SECONDS).until(() -> logs.list.stream().anyMatch(e -> e.getLevel() == Level.INFO
                && e.getFormattedMessage().contains(loop.thread().getName() + " runs again")));
        List<ILoggingEvent> warnings = warnings();
        assertEquals(1, warnings.size(), "one warning per stall: " + logs.list);
        ILoggingEvent warning = warnings.get(0);
        assertTrue(warning.getFormattedMessage().contains("by a task"), warning.getFormattedMessage());
        assertTrue(warning.getFormattedMessage().contains("StallTest.holdsTheLoop"), warning.getFormattedMessage());
        assertTrue(hasFrame(warning.getThrowableProxy(), "holdsTheLoop"), "the loop thread's stack, with the task's frame");
    }

    @Test
    void aTimerThatHoldsTheLoopIsATimer() {
        CompletableFuture<Void> ran = new CompletableFuture<>();
        loop.schedule(() -> {
            holdsTheLoop();
            ran.complete(null);
        }, 1, TimeUnit.MILLISECONDS);
        ran.join();
        await().atMost(5, TimeUnit.SECONDS).until(() -> loop.stalls() == 1);
        List<ILoggingEvent> warnings = warnings();
        assertEquals(1, warnings.size(), logs.list.toString());
        assertTrue(warnings.get(0).getFormattedMessage().contains("by a timer"), warnings.get(0).getFormattedMessage());
    }

    @Test
    void aLoopThatWaitsLongerThanTheLimitIsNotStalled() {
        // the loop waits in select for three limits, until its timer: waiting holds no one up
        CompletableFuture<Void> woke = new CompletableFuture<>();
        loop.schedule(() -> woke.complete(null), 3 * LIMIT.toMillis(), TimeUnit.MILLISECONDS);
        woke.join();
        CompletableFuture<Void> next = new CompletableFuture<>();
        loop.execute(() -> next.complete(null));
        next.join();
        assertEquals(0, loop.stalls());
        assertEquals(List.of(), warnings());
    }

    @Test
    void manyShortTurnsLongerThanTheLimitTogetherAreNotAStall() {
        // a chain of short tasks, each submitted by the one before: one per turn, for three limits in all
        long until = System.nanoTime() + 3 * LIMIT.toNanos();
        AtomicInteger turns = new AtomicInteger();
        CompletableFuture<Void> done = new CompletableFuture<>();
        Runnable step = new Runnable() {
            @Override
            public void run() {
                turns.incrementAndGet();
                if (System.nanoTime() - until < 0) {
                    loop.execute(this);
                } else {
                    done.complete(null);
                }
            }
        };
        loop.execute(step);
        done.join();
        assertTrue(turns.get() > 1, "the chain ran over many turns: " + turns);
        assertEquals(0, loop.stalls(), "no single turn held the loop past the limit");
        assertEquals(List.of(), warnings());
    }

    @Test
    void aZeroLimitTurnsDetectionOff() throws InterruptedException {
        LoopGroup unwatched = new LoopGroup("unwatched", 1, Duration.ZERO);
        try {
            SelectorLoop l = unwatched.next();
            CompletableFuture<Void> ran = new CompletableFuture<>();
            l.execute(() -> {
                holdsTheLoop();
                ran.complete(null);
            });
            ran.join();
            CompletableFuture<Void> next = new CompletableFuture<>();
            l.execute(() -> next.complete(null));
            next.join();
            assertEquals(0, l.stalls());
            assertEquals(Duration.ZERO, l.stallLimit());
        } finally {
            assertTrue(unwatched.shutdown(Duration.ofSeconds(10)));
        }
    }

    @Test
    void thePhaseAndTheFrameAreReadFromTheStack() {
        StackTraceElement[] inRead = {
            new StackTraceElement("java.lang.Thread", "sleep", null, -1),
            new StackTraceElement("com.example.Slow", "handle", "Slow.java", 12),
            new StackTraceElement(SelectorLoop.class.getName(), "ready", "SelectorLoop.java", 1),
        };
        assertEquals("read", Stalls.phase(inRead));
        assertEquals("com.example.Slow.handle(Slow.java:12)", Stalls.frame(inRead));
        StackTraceElement[] inBatchEnd = {new StackTraceElement(SelectorLoop.class.getName(), "runBatchEnd", null, -1)};
        assertEquals("batch end", Stalls.phase(inBatchEnd));
        assertEquals("unknown", Stalls.phase(new StackTraceElement[0]));
    }
}
