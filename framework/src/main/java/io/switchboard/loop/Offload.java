package io.switchboard.loop;

import java.lang.reflect.Method;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where blocking work goes instead of a loop: a thread per task, virtual when the runtime has them
 * (Java 21+), otherwise a pool of at most {@code maxThreads} daemon platform threads. Write results back
 * through the connection, whose methods are thread-safe. Thread-safe.
 *
 * <p>Both kinds are bounded. At most {@code maxTasks} tasks are waiting or running at once (default
 * {@value #DEFAULT_MAX_TASKS}); past that {@link #execute} throws {@link RejectedExecutionException} at once
 * rather than queue work the server cannot catch up with (an HTTP handler that gets it answers 503). On Java
 * 17 at most {@code maxThreads} platform threads run tasks (default {@value #DEFAULT_MAX_THREADS}); the rest
 * wait in order, and threads idle for {@value #KEEP_ALIVE_SECONDS} s end.
 *
 * <p>The kind is picked at run time, when the offload is made ({@link #isVirtual()} says which): the framework is
 * compiled for Java 17 and finds {@code Executors.newVirtualThreadPerTaskExecutor} by reflection on newer
 * runtimes. {@link #platform} makes the bounded pool of platform threads on any runtime. {@link #close()} throws
 * no checked exception, so it fits a shutdown hook as it is.
 */
public final class Offload implements AutoCloseable, Executor {
    /** Default most platform threads, when virtual threads are missing. */
    public static final int DEFAULT_MAX_THREADS = 64;
    /** Default most tasks waiting or running at once. */
    public static final int DEFAULT_MAX_TASKS = 10_000;
    /** Seconds an idle platform thread waits for work before it ends. */
    public static final int KEEP_ALIVE_SECONDS = 60;
    /** How long {@link #close()} waits for running tasks. */
    public static final Duration DEFAULT_CLOSE_TIMEOUT = Duration.ofSeconds(5);
    private static final Logger log = LoggerFactory.getLogger(Offload.class);

    private final String name;
    private final ExecutorService executor;
    private final boolean virtual;
    private final int maxThreads;
    private final int maxTasks;
    /** One permit per task that may still be taken: {@code maxTasks} minus those waiting or running. */
    private final Semaphore permits;
    private final AtomicLong rejected = new AtomicLong();

    private Offload(String name, ExecutorService executor, boolean virtual, int maxThreads, int maxTasks) {
        this.name = name;
        this.executor = executor;
        this.virtual = virtual;
        this.maxThreads = maxThreads;
        this.maxTasks = maxTasks;
        this.permits = new Semaphore(maxTasks);
    }

    /**
     * An offload executor with the default bounds, whose platform threads, when virtual ones are missing, are
     * named {@code name-N}.
     *
     * @param name the start of the platform threads' names
     * @return the executor
     */
    public static Offload create(String name) {
        return create(name, DEFAULT_MAX_THREADS, DEFAULT_MAX_TASKS);
    }

    /**
     * An offload executor with the given bounds.
     *
     * @param name       the start of the platform threads' names ({@code name-N})
     * @param maxThreads the most platform threads, when virtual ones are missing; at least 1
     * @param maxTasks   the most tasks waiting or running at once, virtual threads or not; at least 1
     * @return the executor
     */
    public static Offload create(String name, int maxThreads, int maxTasks) {
        if (maxThreads < 1 || maxTasks < 1) {
            throw new IllegalArgumentException("offload bounds must be positive: " + maxThreads + " threads, "
                    + maxTasks + " tasks");
        }
        ExecutorService virtualThreads = virtualThreadExecutor();
        if (virtualThreads != null) {
            return new Offload(name, virtualThreads, true, maxThreads, maxTasks);
        }
        return platform(name, maxThreads, maxTasks);
    }

    /**
     * An offload executor on platform threads whatever the runtime: at most {@code maxThreads} of them, and at
     * most {@code maxTasks} tasks waiting or running. What {@link #create} falls back to on Java 17; on 21 and
     * later, for work that must not run on virtual threads (code that pins its carrier in long
     * {@code synchronized} blocks or native calls, or that relies on thread-locals being cheap to fill).
     *
     * @param name       the start of the threads' names ({@code name-N})
     * @param maxThreads the most threads; at least 1
     * @param maxTasks   the most tasks waiting or running at once; at least 1
     * @return the executor
     */
    public static Offload platform(String name, int maxThreads, int maxTasks) {
        if (maxThreads < 1 || maxTasks < 1) {
            throw new IllegalArgumentException("offload bounds must be positive: " + maxThreads + " threads, "
                    + maxTasks + " tasks");
        }
        AtomicInteger count = new AtomicInteger();
        ThreadFactory factory = r -> {
            Thread t = new Thread(r, name + "-" + count.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
        // Core = max: a new thread per task up to maxThreads, then the queue. The permits bound the tasks; the
        // queue is bounded too, to the same count, so that nothing can grow it past that.
        ThreadPoolExecutor pool = new ThreadPoolExecutor(maxThreads, maxThreads, KEEP_ALIVE_SECONDS, TimeUnit.SECONDS,
                new LinkedBlockingQueue<>(maxTasks), factory);
        pool.allowCoreThreadTimeOut(true);
        return new Offload(name, pool, false, maxThreads, maxTasks);
    }

    /** {@return true when tasks run on virtual threads} */
    public boolean isVirtual() {
        return virtual;
    }

    /** {@return the most platform threads (unused when tasks run on virtual threads)} */
    public int maxThreads() {
        return maxThreads;
    }

    /** {@return the most tasks waiting or running at once} */
    public int maxTasks() {
        return maxTasks;
    }

    /** {@return the tasks waiting or running now} */
    public int tasks() {
        return maxTasks - permits.availablePermits();
    }

    /** {@return the tasks refused so far because {@code maxTasks} were waiting or running} */
    public long rejectedCount() {
        return rejected.get();
    }

    /**
     * Runs {@code task} on an offload thread.
     *
     * @param task the task
     * @throws RejectedExecutionException when {@code maxTasks} tasks are waiting or running, or after
     *                                    {@link #close}
     */
    @Override
    public void execute(Runnable task) {
        if (!permits.tryAcquire()) {
            rejected.incrementAndGet();
            throw new RejectedExecutionException(name + ": " + maxTasks + " offloaded tasks waiting or running");
        }
        try {
            executor.execute(() -> {
                try {
                    task.run();
                } finally {
                    permits.release();
                }
            });
        } catch (RuntimeException | Error e) {
            permits.release();
            throw e;
        }
    }

    /** Stops taking tasks and waits up to {@link #DEFAULT_CLOSE_TIMEOUT} for those taken; see {@link #close(Duration)}. */
    @Override
    public void close() {
        close(DEFAULT_CLOSE_TIMEOUT);
    }

    /**
     * Stops taking tasks ({@link #execute} throws from now on) and waits up to {@code timeout} for the tasks
     * taken to finish. Past it, running tasks are interrupted, waiting ones are dropped, and the count left is
     * logged. An interrupted caller stops waiting the same way and keeps its interrupt status.
     *
     * @param timeout how long to wait for tasks taken
     * @return true when every task taken had finished within the timeout
     */
    public boolean close(Duration timeout) {
        executor.shutdown();
        try {
            if (executor.awaitTermination(timeout.toNanos(), TimeUnit.NANOSECONDS)) {
                return true;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        List<Runnable> dropped = executor.shutdownNow();
        permits.release(dropped.size());
        log.info("{}: {} offloaded tasks still running after {} interrupted, {} waiting dropped",
                name, tasks(), timeout, dropped.size());
        return false;
    }

    @Override
    public String toString() {
        return "Offload[" + name + ", " + tasks() + " of " + maxTasks + " tasks, "
                + (virtual ? "virtual threads" : "at most " + maxThreads + " threads") + "]";
    }

    /** {@code Executors.newVirtualThreadPerTaskExecutor()}, looked up at run time so Java 17 builds still run. */
    private static ExecutorService virtualThreadExecutor() {
        try {
            Method factory = Executors.class.getMethod("newVirtualThreadPerTaskExecutor");
            return (ExecutorService) factory.invoke(null);
        } catch (ReflectiveOperationException | RuntimeException e) {
            return null;
        }
    }
}
