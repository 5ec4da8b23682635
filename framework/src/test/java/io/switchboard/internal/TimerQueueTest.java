package io.switchboard.internal;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.ref.WeakReference;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Order, cancellation, and what a cancelled timer keeps. */
class TimerQueueTest {

    @Test
    void dueTimersRunInDeadlineOrderAndCancelledOnesNever() {
        TimerQueue q = new TimerQueue();
        List<String> ran = new ArrayList<>();
        q.add(() -> ran.add("b"), 20);
        TimerQueue.Timer cancelled = q.add(() -> ran.add("x"), 10);
        q.add(() -> ran.add("a"), 10);
        assertTrue(cancelled.cancel());
        assertFalse(cancelled.cancel(), "only the first cancel counts");
        assertEquals(1, q.runDue(15, Runnable::run));
        assertEquals(1, q.runDue(20, Runnable::run));
        assertEquals(List.of("a", "b"), ran);
        assertEquals(-1, q.nextDelay(20));
    }

    /**
     * A connection that closes cancels its timeout timer, which stays in the heap until its deadline (up to the
     * 75 s keep-alive timeout): before, the timer's task kept the closed connection's whole object graph alive
     * that long, so a churn of 10,000 connections a second held 750,000 closed connections.
     */
    @Test
    void aCancelledTimerLetsGoOfItsTaskBeforeItsDeadline() {
        TimerQueue q = new TimerQueue();
        byte[][] connection = {new byte[1 << 20]};
        WeakReference<byte[]> held = new WeakReference<>(connection[0]);
        TimerQueue.Timer timer = q.add(new Holder(connection[0]), Long.MAX_VALUE / 2);
        connection[0] = null;
        timer.cancel();
        await().atMost(10, TimeUnit.SECONDS).until(() -> {
            System.gc();
            return held.get() == null;
        });
        assertEquals(1, q.size(), "the cancelled timer is still queued (lazy removal): only its task is gone");
    }

    private static final class Holder implements Runnable {
        private final byte[] state;

        Holder(byte[] state) {
            this.state = state;
        }

        @Override
        public void run() {
            state[0]++;
        }
    }
}
