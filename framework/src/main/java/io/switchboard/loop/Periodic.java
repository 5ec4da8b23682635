package io.switchboard.loop;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A task that runs again and again on one loop, at a fixed rate or with a fixed delay between runs, each run a
 * one-shot timer of the loop's ({@link EventLoop#schedule}, so the loop's timer queue orders it with the rest).
 * The handle stays the same across runs: {@link #cancel} from any thread stops the next run and every later one.
 *
 * <p>A run that throws ends the task: the failure is logged at warn with the task, and no run follows, as
 * {@link java.util.concurrent.ScheduledExecutorService} and Netty's event loops do (a task that failed once would
 * most likely fail at every period, and a log line per period would flood). A task that must go on whatever
 * happens catches its own exceptions. Thread-safe.
 */
final class Periodic implements Scheduled, Runnable {
    private static final Logger log = LoggerFactory.getLogger(Periodic.class);

    private final EventLoop loop;
    private final Runnable task;
    private final long periodNanos;
    private final boolean fixedRate;
    /** The deadline of the next run, on the loop's clock (fixed rate: each one a period after the last). */
    private long deadline;
    private volatile Scheduled next;
    /** Set once: cancelled, or failed. */
    private final AtomicBoolean stopped = new AtomicBoolean();
    private volatile boolean failed;

    private Periodic(EventLoop loop, Runnable task, long periodNanos, boolean fixedRate) {
        this.loop = loop;
        this.task = task;
        this.periodNanos = periodNanos;
        this.fixedRate = fixedRate;
    }

    /** Schedules the first run of a periodic task; see {@link EventLoop#scheduleAtFixedRate}. */
    static Scheduled start(EventLoop loop, Runnable task, long initialDelay, long period, TimeUnit unit, boolean fixedRate) {
        java.util.Objects.requireNonNull(task, "task");
        if (period <= 0) {
            throw new IllegalArgumentException("a period must be positive, got " + period + " " + unit);
        }
        Periodic p = new Periodic(loop, task, unit.toNanos(period), fixedRate);
        long delay = unit.toNanos(Math.max(0, initialDelay));
        p.deadline = loop.nanoTime() + delay;
        p.next = loop.schedule(p, delay, TimeUnit.NANOSECONDS);
        return p;
    }

    @Override
    public void run() {
        if (stopped.get()) {
            return;
        }
        try {
            task.run();
        } catch (Throwable t) {
            failed = true;
            stopped.set(true);
            log.warn("periodic task {} on {} failed; it will not run again", task, loop, t);
            return;
        }
        if (stopped.get()) {
            return;
        }
        long now = loop.nanoTime();
        deadline = fixedRate ? deadline + periodNanos : now + periodNanos;
        next = loop.schedule(this, deadline - now, TimeUnit.NANOSECONDS);
        if (stopped.get()) {
            next.cancel(); // cancelled from another thread while the next run was being scheduled
        }
    }

    @Override
    public boolean cancel() {
        if (!stopped.compareAndSet(false, true)) {
            return false;
        }
        Scheduled n = next;
        if (n != null) {
            n.cancel();
        }
        return true;
    }

    @Override
    public boolean isCancelled() {
        return stopped.get() && !failed;
    }

    @Override
    public String toString() {
        return (fixedRate ? "every " : "with a delay of ") + periodNanos / 1_000_000.0 + " ms: " + task;
    }
}
