package io.switchboard.loop;

import io.switchboard.internal.jfr.FlightEvents;
import io.switchboard.internal.jfr.LoopStallEvent;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The stall detector of one {@link SelectorLoop}: whether one turn of its work (a read, a timer, a task, the flushes
 * at the batch's end) holds it longer than its limit.
 *
 * <p>It reads no clock of its own on the loop. The loop reads its clock once when a turn starts and once when it wakes
 * from its wait, as it always did; it publishes the second reading here with one plain (opaque) store per turn, and
 * compares the first with the turn before when the next one starts. The {@link StallWatch} thread compares the
 * published moment with its own clock a few times a second: a loop held past the limit is logged at warn once, with
 * the loop thread's stack, while it is still held, and counted. A stall that ends between two looks of the watch is
 * found by the loop when its next turn starts, counted, and logged without a stack. Either way a JFR
 * {@link LoopStallEvent} is committed when the loop comes back, while a recording runs. Thread-safe: the loop calls
 * {@link #turnStarts}, {@link #waiting} and {@link #working}, the watch calls {@link #check}.
 */
final class Stalls {
    private static final Logger log = LoggerFactory.getLogger(Stalls.class);
    /** Published while the loop waits for I/O: nothing holds it. */
    static final long WAITING = Long.MIN_VALUE;
    private static final VarHandle BUSY_SINCE;

    static {
        try {
            BUSY_SINCE = MethodHandles.lookup().findVarHandle(Stalls.class, "busySince", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final Thread thread;
    private final long limitNanos;
    /** When the loop's current work began ({@link System#nanoTime()}), or {@link #WAITING}; opaque stores and loads. */
    @SuppressWarnings("unused")
    private long busySince = WAITING;
    /** The loop's own copy of {@link #busySince}. */
    private long since = WAITING;
    /** The {@code busySince} of the last stall counted, by the watch or the loop, whichever saw it first. */
    private final AtomicLong claimed = new AtomicLong(WAITING);
    private final AtomicLong count = new AtomicLong();
    /** What the watch saw the loop run during its last stall; written by the watch, read by the loop. */
    private volatile Sample sample;
    /** Begun when the current work began, while a recording runs; loop thread only. */
    private LoopStallEvent event;

    /**
     * @param thread     the loop's thread
     * @param limitNanos the limit; 0 turns detection off
     */
    Stalls(Thread thread, long limitNanos) {
        this.thread = thread;
        this.limitNanos = limitNanos;
    }

    long limitNanos() {
        return limitNanos;
    }

    /** {@return the stalls counted so far} Thread-safe. */
    long count() {
        return count.get();
    }

    /** Loop: a turn starts at {@code now}; the work before it ended then. */
    void turnStarts(long now) {
        long start = since;
        if (start != WAITING && limitNanos > 0 && now - start >= limitNanos) {
            ended(start, now - start);
        }
        working(now);
    }

    /** Loop: work starts at {@code now} (a turn, or the wake-up after a wait). */
    void working(long now) {
        since = now;
        BUSY_SINCE.setOpaque(this, now);
        if (FlightEvents.loopStall()) {
            if (event == null) {
                event = new LoopStallEvent();
            }
            event.begin();
        } else {
            event = null;
        }
    }

    /** Loop: it is about to wait for I/O; nothing holds it until it wakes. */
    void waiting() {
        since = WAITING;
        BUSY_SINCE.setOpaque(this, WAITING);
    }

    /** Loop: the work that began at {@code start} held it {@code held} ns, past the limit. */
    private void ended(long start, long held) {
        String name = thread.getName();
        if (claim(start)) {
            log.warn("event loop {} was held for {} ms by one turn of work, over its limit of {} ms; it ended before"
                    + " the stall watch could take its stack. A handler or task blocks the loop: move blocking work to"
                    + " an executor (Offload)", name, millis(held), millis(limitNanos));
        } else {
            log.info("event loop {} runs again after being held for {} ms", name, millis(held));
        }
        LoopStallEvent e = event;
        event = null;
        if (e != null && e.shouldCommit()) {
            Sample seen = sample;
            boolean same = seen != null && seen.since == start;
            e.loop = name;
            e.held = held;
            e.limit = limitNanos;
            e.phase = same ? seen.phase : "unknown";
            e.task = same ? seen.task : "";
            e.commit();
        }
    }

    /** Watch: looks at the loop at {@code now}; logs and counts a stall it has not counted yet. */
    void check(long now) {
        long start = (long) BUSY_SINCE.getOpaque(this);
        if (start == WAITING || limitNanos == 0 || now - start < limitNanos || claimed.get() == start || !claim(start)) {
            return;
        }
        StackTraceElement[] stack = thread.getStackTrace();
        boolean moved = (long) BUSY_SINCE.getOpaque(this) != start;
        Sample seen = new Sample(start, phase(stack), frame(stack));
        sample = seen;
        LoopStack where = new LoopStack(thread.getName(), stack);
        log.warn("event loop {} has been held for {} ms by a {}{}, over its limit of {} ms: every connection on it waits."
                        + " A handler or task blocks the loop: move blocking work to an executor (Offload). Logged once per"
                        + " stall; the loop thread's stack{}:", thread.getName(), millis(now - start), seen.phase,
                seen.task.isEmpty() ? "" : " in " + seen.task, millis(limitNanos),
                moved ? " (taken as the loop came back, so it may show later work)" : "", where);
    }

    private boolean claim(long start) {
        long last = claimed.get();
        if (last == start || !claimed.compareAndSet(last, start)) {
            return false;
        }
        count.incrementAndGet();
        return true;
    }

    /** Which part of the turn the stack is in: read, timer, task or batch end. */
    static String phase(StackTraceElement[] stack) {
        for (StackTraceElement f : stack) {
            String c = f.getClassName();
            String m = f.getMethodName();
            if (c.endsWith(".TimerQueue") && m.equals("runDue")) {
                return "timer";
            }
            if (c.equals(SelectorLoop.class.getName())) {
                switch (m) {
                    case "ready":
                        return "read";
                    case "runTasks":
                    case "drainTasks":
                        return "task";
                    case "runBatchEnd":
                        return "batch end";
                    default:
                        break;
                }
            }
        }
        return "unknown";
    }

    /** The first frame outside the JDK: the handler or task that holds the loop (empty when the stack has none). */
    static String frame(StackTraceElement[] stack) {
        for (StackTraceElement f : stack) {
            String c = f.getClassName();
            if (!(c.startsWith("java.") || c.startsWith("javax.") || c.startsWith("jdk.") || c.startsWith("sun.")
                    || c.startsWith("com.sun."))) {
                return f.toString();
            }
        }
        return "";
    }

    private static long millis(long nanos) {
        return TimeUnit.NANOSECONDS.toMillis(nanos);
    }

    /** What the watch saw a stalled loop run. */
    private static final class Sample {
        final long since;
        final String phase;
        final String task;

        Sample(long since, String phase, String task) {
            this.since = since;
            this.phase = phase;
            this.task = task;
        }
    }

    /** Carries a stalled loop thread's stack into the log, as the exception of the warning. */
    static final class LoopStack extends Throwable {
        private static final long serialVersionUID = 1L;

        LoopStack(String thread, StackTraceElement[] stack) {
            super("stack of " + thread + " while it is held", null, false, true);
            setStackTrace(stack);
        }
    }
}
