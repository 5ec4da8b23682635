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
     * Runs {@code task} on this loop after {@code initialDelay}, then every {@code period}: the runs are due at
     * {@code initialDelay}, {@code initialDelay + period}, {@code initialDelay + 2 * period} and so on, on the loop's
     * clock, whatever each run takes. A loop that fell behind (a run, or other work, took longer than a period)
     * runs the late ones one after another until it has caught up, as
     * {@link java.util.concurrent.ScheduledExecutorService#scheduleAtFixedRate} and Netty do; runs never overlap.
     * A run that throws ends the task: the failure is logged at warn and no run follows (as in
     * {@code ScheduledExecutorService} and Netty); {@link Scheduled#isCancelled()} stays false then. Thread-safe.
     *
     * <pre>{@code
     * Scheduled stats = loop.scheduleAtFixedRate(() -> log.info("{} connections", server.connectionCount()),
     *         10, 10, TimeUnit.SECONDS);
     * ...
     * stats.cancel();   // from any thread: no run after this returns, unless one is running now
     * }</pre>
     *
     * @param task         the task; it runs on this loop, so it must not block
     * @param initialDelay how long until the first run; a negative delay counts as zero
     * @param period       the time between the starts of two runs; positive
     * @param unit         the unit of {@code initialDelay} and {@code period}
     * @return a handle whose {@link Scheduled#cancel()} stops every later run
     * @throws IllegalArgumentException when {@code period} is not positive
     */
    default Scheduled scheduleAtFixedRate(Runnable task, long initialDelay, long period, TimeUnit unit) {
        return Periodic.start(this, task, initialDelay, period, unit, true);
    }

    /**
     * Runs {@code task} on this loop after {@code initialDelay}, then again {@code delay} after each run has
     * returned, as {@link java.util.concurrent.ScheduledExecutorService#scheduleWithFixedDelay} does: a loop that
     * fell behind does not catch up. A run that throws ends the task, as for {@link #scheduleAtFixedRate}.
     * Thread-safe.
     *
     * @param task         the task; it runs on this loop, so it must not block
     * @param initialDelay how long until the first run; a negative delay counts as zero
     * @param delay        the time between the end of one run and the start of the next; positive
     * @param unit         the unit of {@code initialDelay} and {@code delay}
     * @return a handle whose {@link Scheduled#cancel()} stops every later run
     * @throws IllegalArgumentException when {@code delay} is not positive
     */
    default Scheduled scheduleWithFixedDelay(Runnable task, long initialDelay, long delay, TimeUnit unit) {
        return Periodic.start(this, task, initialDelay, delay, unit, false);
    }

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
