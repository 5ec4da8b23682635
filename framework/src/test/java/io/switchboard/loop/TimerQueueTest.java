package io.switchboard.loop;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.switchboard.internal.TimerQueue;
import java.lang.ref.WeakReference;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class TimerQueueTest {

    @Test
    void runsDueTimersByDeadlineThenBySubmission() {
        TimerQueue timers = new TimerQueue();
        StringBuilder ran = new StringBuilder();
        timers.add(() -> ran.append('c'), 30);
        timers.add(() -> ran.append('a'), 10);
        timers.add(() -> ran.append('b'), 10);
        timers.add(() -> ran.append('z'), 100);
        assertEquals(10, timers.nextDelay(0));
        assertEquals(3, timers.runDue(30, Runnable::run));
        assertEquals("abc", ran.toString());
        assertEquals(70, timers.nextDelay(30));
    }

    @Test
    void cancelledTimersAreSkippedAndCannotBeCancelledTwice() {
        TimerQueue timers = new TimerQueue();
        StringBuilder ran = new StringBuilder();
        TimerQueue.Timer t = timers.add(() -> ran.append('x'), 5);
        assertEquals(true, t.cancel());
        assertFalse(t.cancel());
        assertEquals(-1, timers.nextDelay(0), "a queue of cancelled timers has no next deadline");
        assertEquals(0, timers.runDue(10, Runnable::run));
        assertEquals("", ran.toString());
    }

    @Test
    void deadlinesCompareAcrossNanoTimeOverflow() {
        TimerQueue timers = new TimerQueue();
        StringBuilder ran = new StringBuilder();
        long near = Long.MAX_VALUE - 5;
        timers.add(() -> ran.append('2'), near + 10);
        timers.add(() -> ran.append('1'), near);
        assertEquals(2, timers.runDue(near + 10, Runnable::run));
        assertEquals("12", ran.toString());
    }

    /**
     * A cancelled timer stays in the heap until its deadline, but without its task: whatever the task refers to (a
     * closed connection and its TLS engine, for a handshake timer of 10 s) can be collected at once.
     */
    @Test
    void aCancelledTimerLetsGoOfItsTask() {
        TimerQueue timers = new TimerQueue();
        WeakReference<Runnable> task = scheduleAndCancel(timers);
        await().atMost(Duration.ofSeconds(5)).until(() -> {
            System.gc();
            return task.get() == null;
        });
        assertEquals(1, timers.size(), "the timer itself leaves the heap at its deadline");
        assertEquals(0, timers.runDue(1_000, Runnable::run));
        assertEquals(0, timers.size());
    }

    private static WeakReference<Runnable> scheduleAndCancel(TimerQueue timers) {
        Runnable task = new Runnable() {
            private final byte[] held = new byte[1 << 20];

            @Override
            public void run() {
                held[0]++;
            }
        };
        timers.add(task, 1_000).cancel();
        return new WeakReference<>(task);
    }
}
