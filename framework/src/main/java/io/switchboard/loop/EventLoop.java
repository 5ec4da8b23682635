package io.switchboard.loop;

import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;

/**
 * One thread that runs the I/O, tasks and timers of the connections it owns.
 *
 * <p>Every handler callback of a connection runs on its loop, so handler state needs no locks.
 * {@link #execute} and {@link #schedule} are thread-safe; everything else a loop offers is for its own
 * thread only. Loop-only methods in Switchboard start with {@code assert loop.inLoop();}.
 */
public interface EventLoop extends Executor {

    /** {@return true when the calling thread is this loop's thread} Thread-safe. */
    boolean inLoop();

    /**
     * Runs {@code task} on this loop, after the tasks already submitted. Thread-safe; submissions from
     * other threads wake the loop at most once per batch.
     */
    @Override
    void execute(Runnable task);

    /**
     * Runs {@code task} on this loop once {@code delay} has passed. Thread-safe.
     *
     * @param task  the task
     * @param delay how long to wait; a negative delay counts as zero
     * @param unit  the unit of {@code delay}
     * @return a handle that can cancel the task
     */
    Scheduled schedule(Runnable task, long delay, TimeUnit unit);

    /**
     * Runs {@code task} once on this loop after the current batch of I/O events and tasks, before the loop
     * waits again. Connections use it to flush all writes of a batch with one system call. Loop thread only.
     *
     * @param task the task
     */
    void atBatchEnd(Runnable task);

    /**
     * The loop's clock in nanoseconds ({@link System#nanoTime()} for real loops; settable in tests).
     *
     * @return the current time on the loop's clock
     */
    long nanoTime();
}
