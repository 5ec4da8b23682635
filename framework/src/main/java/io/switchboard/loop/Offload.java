package io.switchboard.loop;

import java.lang.reflect.Method;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Where blocking work goes instead of a loop: a thread per task, virtual when the runtime has them
 * (Java 21+), otherwise a cached pool of daemon platform threads. Write results back through the
 * connection, whose methods are thread-safe. Thread-safe.
 */
public final class Offload implements AutoCloseable, java.util.concurrent.Executor {
    private final ExecutorService executor;
    private final boolean virtual;

    private Offload(ExecutorService executor, boolean virtual) {
        this.executor = executor;
        this.virtual = virtual;
    }

    /**
     * An offload executor whose platform threads, when virtual ones are missing, are named {@code name-N}.
     *
     * @param name the start of the platform threads' names
     * @return the executor
     */
    public static Offload create(String name) {
        ExecutorService virtualThreads = virtualThreadExecutor();
        if (virtualThreads != null) {
            return new Offload(virtualThreads, true);
        }
        AtomicInteger count = new AtomicInteger();
        ThreadFactory factory = r -> {
            Thread t = new Thread(r, name + "-" + count.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
        return new Offload(Executors.newCachedThreadPool(factory), false);
    }

    /** {@return true when tasks run on virtual threads} */
    public boolean isVirtual() {
        return virtual;
    }

    @Override
    public void execute(Runnable task) {
        executor.execute(task);
    }

    /** Stops taking tasks and waits up to 5 s for running ones. */
    @Override
    public void close() throws InterruptedException {
        executor.shutdown();
        executor.awaitTermination(5, TimeUnit.SECONDS);
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
