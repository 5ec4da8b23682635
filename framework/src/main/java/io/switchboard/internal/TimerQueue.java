package io.switchboard.internal;

import io.switchboard.loop.Scheduled;
import java.util.PriorityQueue;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * The timers of one loop: a heap ordered by deadline, then by submission. Cancelled timers stay in the
 * heap until they come due (lazy removal), without their task: cancelling drops it, so that what the task
 * refers to (a closed connection, its TLS engine) is not kept until the deadline. Loop thread only, except
 * {@link Timer#cancel()}.
 */
public final class TimerQueue {
    private final PriorityQueue<Timer> heap = new PriorityQueue<>();
    private long sequence;

    /** Adds a task due at {@code deadline} (nanoseconds on the loop's clock). */
    public Timer add(Runnable task, long deadline) {
        Timer timer = new Timer(task, deadline, sequence++);
        heap.add(timer);
        return timer;
    }

    /** Adds an already created timer (one scheduled from another thread). */
    public void add(Timer timer) {
        timer.seq = sequence++;
        heap.add(timer);
    }

    /** Creates a timer without queueing it; {@link #add(Timer)} queues it later on the loop. */
    public static Timer create(Runnable task, long deadline) {
        return new Timer(task, deadline, 0);
    }

    /** Nanoseconds until the next deadline, 0 when one is due, or -1 when there is none. */
    public long nextDelay(long now) {
        Timer next;
        while ((next = heap.peek()) != null && next.isCancelled()) {
            heap.poll();
        }
        return next == null ? -1 : Math.max(0, next.deadline - now);
    }

    /**
     * Runs every timer due at {@code now}, in deadline order. A timer that a task adds for a deadline
     * already due runs in the same call. Returns how many ran.
     */
    public int runDue(long now, TaskRunner runner) {
        int ran = 0;
        Timer next;
        while ((next = heap.peek()) != null && next.deadline - now <= 0) {
            heap.poll();
            if (next.fire()) {
                runner.run(next.task);
                ran++;
            }
        }
        return ran;
    }

    /** Number of timers queued, cancelled ones included. */
    public int size() {
        return heap.size();
    }

    /** How a loop runs a task (so it can catch and log what the task throws). */
    @FunctionalInterface
    public interface TaskRunner {
        void run(Runnable task);
    }

    /** One scheduled task. */
    public static final class Timer implements Scheduled, Comparable<Timer> {
        /** Dropped by {@link #cancel()}; read only after {@link #fire()} won, so never once dropped. */
        private Runnable task;
        private final long deadline;
        private long seq;
        private static final VarHandle DONE;

        static {
            try {
                DONE = MethodHandles.lookup().findVarHandle(Timer.class, "done", boolean.class);
            } catch (ReflectiveOperationException e) {
                throw new ExceptionInInitializerError(e);
            }
        }

        /** Set once, by the first of run or cancel (a VarHandle: no extra object per timer). */
        @SuppressWarnings("unused")
        private volatile boolean done;
        private volatile boolean cancelled;

        Timer(Runnable task, long deadline, long seq) {
            this.task = task;
            this.deadline = deadline;
            this.seq = seq;
        }

        @Override
        public boolean cancel() {
            if (DONE.compareAndSet(this, false, true)) {
                cancelled = true;
                task = null;
                return true;
            }
            return false;
        }

        @Override
        public boolean isCancelled() {
            return cancelled;
        }

        boolean fire() {
            return DONE.compareAndSet(this, false, true);
        }

        @Override
        public int compareTo(Timer other) {
            int byDeadline = Long.compare(deadline - other.deadline, 0);
            return byDeadline != 0 ? byDeadline : Long.compare(seq, other.seq);
        }
    }
}
