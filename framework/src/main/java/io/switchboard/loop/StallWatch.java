package io.switchboard.loop;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * The thread that looks for stalled loops: a daemon thread, {@code switchboard-stall-watch}, one for the process,
 * running while some {@link SelectorLoop} with a stall limit runs and ending when the last one stops, as Netty's
 * ThreadDeathWatcher does. Each look reads one field of each loop ({@link Stalls#check}); it looks ten times per
 * (smallest) limit, at least every 500 ms and at most every 10 ms, so a stall is caught within a tenth of the limit
 * after it passes it. One thread for all loops, rather than one per group, because its work is a handful of reads a
 * few times a second and a process may run many groups. Thread-safe.
 */
final class StallWatch {
    private static final long MAX_INTERVAL = TimeUnit.MILLISECONDS.toNanos(500);
    private static final long MIN_INTERVAL = TimeUnit.MILLISECONDS.toNanos(10);
    /** Guarded by the class. */
    private static final List<Stalls> watched = new ArrayList<>();
    /** Guarded by the class; null while no thread runs. */
    private static Thread thread;

    private StallWatch() {
    }

    /** Starts watching {@code stalls} (and the thread, if none runs). A limit of 0 is not watched. */
    static synchronized void watch(Stalls stalls) {
        if (stalls.limitNanos() == 0) {
            return;
        }
        watched.add(stalls);
        if (thread == null) {
            thread = new Thread(StallWatch::run, "switchboard-stall-watch");
            thread.setDaemon(true);
            thread.start();
        }
    }

    /** Stops watching {@code stalls}; the thread ends once it watches nothing. */
    static synchronized void unwatch(Stalls stalls) {
        watched.remove(stalls);
    }

    private static void run() {
        while (true) {
            Stalls[] loops;
            long interval = MAX_INTERVAL;
            synchronized (StallWatch.class) {
                if (watched.isEmpty()) {
                    thread = null;
                    return;
                }
                loops = watched.toArray(new Stalls[0]);
            }
            long now = System.nanoTime();
            for (Stalls s : loops) {
                s.check(now);
                interval = Math.min(interval, Math.max(MIN_INTERVAL, s.limitNanos() / 10));
            }
            LockSupport.parkNanos(interval);
        }
    }
}
