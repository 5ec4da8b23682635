package io.switchboard.testing;

import io.switchboard.internal.BufferPool;
import io.switchboard.internal.TimerQueue;
import io.switchboard.loop.EventLoop;
import io.switchboard.loop.Scheduled;
import java.util.ArrayList;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;

/**
 * An {@link EventLoop} driven by a test: its thread is the thread that created it, its clock moves only
 * when told, and tasks run when {@link #runPending()} is called. {@link #execute}, {@link #schedule} and
 * {@link #nanoTime} are thread-safe; everything else belongs to the creating thread.
 */
final class EmbeddedLoop implements EventLoop, BufferPool.Owner {
    private final Thread owner = Thread.currentThread();
    private final Queue<Runnable> tasks = new ConcurrentLinkedQueue<>();
    private final TimerQueue timers = new TimerQueue();
    private final BufferPool buffers;
    private final ArrayList<Runnable> batchEnd = new ArrayList<>();
    /** Written by the creating thread only; read by any (a writer thread's send timeout runs on this clock). */
    private volatile long now = TimeUnit.SECONDS.toNanos(1);

    EmbeddedLoop(int readBufferSize) {
        this.buffers = new BufferPool(readBufferSize, 4096, 64, false);
    }

    @Override
    public boolean inLoop() {
        return Thread.currentThread() == owner;
    }

    @Override
    public void execute(Runnable task) {
        tasks.add(task);
    }

    @Override
    public Scheduled schedule(Runnable task, long delay, TimeUnit unit) {
        TimerQueue.Timer timer = TimerQueue.create(task, now + unit.toNanos(Math.max(0, delay)));
        if (inLoop()) {
            timers.add(timer);
        } else {
            tasks.add(() -> timers.add(timer));
        }
        return timer;
    }

    @Override
    public void atBatchEnd(Runnable task) {
        assert inLoop();
        batchEnd.add(task);
    }

    @Override
    public long nanoTime() {
        return now;
    }

    @Override
    public BufferPool buffers() {
        return buffers;
    }

    /** Moves the clock forward and runs what came due. */
    void advance(long nanos) {
        assert inLoop();
        if (nanos < 0) {
            throw new IllegalArgumentException("time only moves forward");
        }
        now += nanos;
        runPending();
    }

    /** Runs submitted tasks, due timers and batch-end tasks until none is left. */
    void runPending() {
        assert inLoop();
        boolean ran = true;
        while (ran) {
            ran = false;
            Runnable task;
            while ((task = tasks.poll()) != null) {
                task.run();
                ran = true;
            }
            ran |= timers.runDue(now, Runnable::run) > 0;
            ran |= runBatchEnd();
        }
    }

    boolean runBatchEnd() {
        if (batchEnd.isEmpty()) {
            return false;
        }
        while (!batchEnd.isEmpty()) {
            Runnable[] current = batchEnd.toArray(new Runnable[0]);
            batchEnd.clear();
            for (Runnable r : current) {
                r.run();
            }
        }
        return true;
    }
}
