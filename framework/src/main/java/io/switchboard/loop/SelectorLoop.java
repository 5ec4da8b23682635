package io.switchboard.loop;

import io.switchboard.internal.BufferPool;
import io.switchboard.internal.TimerQueue;
import io.switchboard.internal.jfr.FlightEvents;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.SelectableChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An {@link EventLoop} on a {@link Selector} and one platform thread.
 *
 * <p>Each turn: wait for I/O or the next timer, handle ready keys, run due timers, run the tasks the loop
 * gave itself, run at most 4096 tasks from other threads, then run the batch-end tasks (connection
 * flushes). However many tasks other threads queue, the loop's own work comes round every turn. Other
 * threads submit tasks through a lock-free queue; a submission wakes the selector only when the loop is
 * about to sleep or sleeping, and only the first submission of a batch pays for the wake-up.
 *
 * <p>When the loop stops it first refuses new tasks from other threads ({@link #execute} throws
 * {@link RejectedExecutionException}), then runs every task already queued, tells its registrations that it is
 * closing, and runs what that queued in turn: nothing accepted before the stop is dropped unseen.
 *
 * <p><b>Stalls.</b> A turn of work (a read, a timer, a task) that holds the loop longer than its stall limit (2 s by
 * default) is logged at warn once, with the loop thread's stack, while it holds it, and counted ({@link #stalls()});
 * see {@link Stalls}. Detection reads no clock beyond the two readings each turn always took.
 *
 * <p>{@link #execute}, {@link #schedule}, {@link #shutdown()}, {@link #terminated()} and the counts are thread-safe;
 * {@link #awaitTermination} is too, but blocks, and refuses to run on a loop thread; {@link #register} and the
 * rest of {@link EventLoop} are loop thread only.
 */
public final class SelectorLoop implements EventLoop, BufferPool.Owner {
    private static final Logger log = LoggerFactory.getLogger(SelectorLoop.class);
    private static final int TASKS_PER_TURN = 4096;
    private static final long FAILED_TURN_PAUSE_MILLIS = 100;

    private final Selector selector;
    private final Thread thread;
    private final Queue<Runnable> tasks = new ConcurrentLinkedQueue<>();
    /** Tasks the loop submitted to itself: run before foreign ones, without the lock-free queue's cost. */
    private final ArrayDeque<Runnable> ownTasks = new ArrayDeque<>();
    /** True while the loop may be blocked in select: the next submitter must wake it. */
    private final AtomicBoolean sleeping = new AtomicBoolean();
    private final TimerQueue timers = new TimerQueue();
    private final BufferPool buffers;
    private ArrayList<Runnable> batchEnd = new ArrayList<>();
    private ArrayList<Runnable> batchEndSpare = new ArrayList<>();
    private final CompletableFuture<Void> terminated = new CompletableFuture<>();
    private volatile boolean stopping;
    /** Set once the loop takes no more tasks from other threads. */
    private volatile boolean terminating;
    /** When the current turn woke up; written and read on the loop thread only. */
    private long turnNanos = System.nanoTime();
    /** True while waiting for I/O: the first ready key (or the end of the wait) reads the clock. Loop thread only. */
    private boolean waking;
    private final Stalls stalls;

    /**
     * Opens the selector and starts the loop thread. The loop's buffers ({@link LoopGroup#READ_BUFFER_SIZE}
     * to read into, at most {@link LoopGroup#MAX_POOLED_CHUNKS} direct chunks of {@link LoopGroup#CHUNK_SIZE}
     * for outbound bytes) are allocated when first needed.
     *
     * @param name thread name
     */
    public SelectorLoop(String name) {
        this(name, LoopGroup.DEFAULT_STALL_LIMIT);
    }

    /**
     * As {@link #SelectorLoop(String)}, with another stall limit.
     *
     * @param name       thread name
     * @param stallLimit how long one turn of work may hold the loop before it is logged and counted as a stall;
     *                   {@link Duration#ZERO} turns the detection off
     * @throws IllegalArgumentException when {@code stallLimit} is negative
     */
    public SelectorLoop(String name, Duration stallLimit) {
        if (stallLimit.isNegative()) {
            throw new IllegalArgumentException("the stall limit must not be negative, got " + stallLimit);
        }
        FlightEvents.watchRecorder();
        try {
            warmUpSocketClose();
            this.selector = Selector.open();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open a selector", e);
        }
        this.buffers = new BufferPool(LoopGroup.READ_BUFFER_SIZE, LoopGroup.CHUNK_SIZE, LoopGroup.MAX_POOLED_CHUNKS, true);
        this.thread = new LoopThread(this::run, name);
        this.stalls = new Stalls(thread, stallLimit.toNanos());
        this.thread.start();
        StallWatch.watch(stalls);
    }

    /**
     * {@return true when the calling thread is the thread of some selector loop} Blocking calls that wait for
     * loops (a server's graceful close, say) refuse to run there, where they would wait for themselves.
     */
    public static boolean onLoopThread() {
        return Thread.currentThread() instanceof LoopThread;
    }

    /**
     * Refuses a call that blocks until loops finish something (a server's close, a group's shutdown) when it is
     * made on a loop thread: there it would wait for its own loop, or stall every connection of another loop
     * while it waits.
     *
     * @param call the blocking call, named in the exception's message
     * @throws IllegalStateException when the caller is the thread of a selector loop
     */
    public static void refuseBlockingCall(String call) {
        if (onLoopThread()) {
            throw new IllegalStateException(call + " waits for event loops and cannot run on loop thread "
                    + Thread.currentThread().getName() + ", where it would wait for itself or stall that loop's"
                    + " connections; call it from another thread (CompletableFuture.runAsync, say)");
        }
    }

    /**
     * The JDK initialises part of its socket-closing code on first use, and that initialisation opens a
     * file. Were the first close to happen when the process is out of file descriptors (EMFILE), the
     * class would fail to initialise and every later close would throw. Closing one socket up front
     * keeps that from ever happening under load.
     */
    private static void warmUpSocketClose() throws IOException {
        java.nio.channels.SocketChannel.open().close();
    }

    @Override
    public boolean inLoop() {
        return Thread.currentThread() == thread;
    }

    /**
     * {@inheritDoc}
     *
     * @throws RejectedExecutionException when the loop has stopped (or is stopping) and the task will not run
     */
    @Override
    public void execute(Runnable task) {
        if (task == null) {
            throw new NullPointerException("task");
        }
        if (inLoop()) {
            ownTasks.add(task);
            return;
        }
        if (terminating) {
            throw rejected();
        }
        tasks.add(task);
        // The loop may have stopped between the check and the add. It drains the queue after setting the
        // flag, so a task still in the queue now was not seen: take it back and say so. A task that is no
        // longer there was run (or is being run) by the drain.
        if (terminating && tasks.remove(task)) {
            throw rejected();
        }
        // Read before the atomic swap: while the loop is awake, submitters only read the flag, so a burst
        // of submissions does not bounce its cache line between cores.
        if (sleeping.get() && sleeping.getAndSet(false)) {
            selector.wakeup();
        }
    }

    private RejectedExecutionException rejected() {
        return new RejectedExecutionException(thread.getName() + " has stopped");
    }

    @Override
    public Scheduled schedule(Runnable task, long delay, TimeUnit unit) {
        long deadline = System.nanoTime() + unit.toNanos(Math.max(0, delay));
        if (inLoop()) {
            return timers.add(task, deadline);
        }
        TimerQueue.Timer timer = TimerQueue.create(task, deadline);
        execute(() -> timers.add(timer));
        return timer;
    }

    @Override
    public void atBatchEnd(Runnable task) {
        assert inLoop();
        batchEnd.add(task);
    }

    /**
     * {@inheritDoc} On the loop thread this is the time the current turn woke up, read once per turn, so
     * that connections can stamp every read and write without a clock call each; elsewhere it is
     * {@link System#nanoTime()}.
     */
    @Override
    public long nanoTime() {
        return inLoop() ? turnNanos : System.nanoTime();
    }

    @Override
    public BufferPool buffers() {
        assert inLoop();
        return buffers;
    }

    /**
     * Registers {@code channel} (already non-blocking) with this loop's selector. Loop thread only.
     *
     * @param channel the channel, in non-blocking mode
     * @param ops     the interest operations to start with ({@link SelectionKey#OP_READ} and so on)
     * @param handler told when the channel is ready and when the loop stops
     * @return the channel's key with this loop's selector
     * @throws ClosedChannelException if the channel was closed
     */
    public SelectionKey register(SelectableChannel channel, int ops, Selectable handler) throws ClosedChannelException {
        assert inLoop();
        return channel.register(selector, ops, handler);
    }

    /**
     * Calls {@code action} for everything registered with this loop's selector. Loop thread only.
     *
     * @param action what to do with each registration
     */
    public void forEachRegistration(java.util.function.Consumer<Selectable> action) {
        assert inLoop();
        for (SelectionKey key : selector.keys()) {
            if (key.isValid() && key.attachment() instanceof Selectable) {
                action.accept((Selectable) key.attachment());
            }
        }
    }

    /**
     * Asks the loop to stop: it ends its current turn, runs every task already submitted, and gives registered
     * channels {@link Selectable#loopClosing()}. Tasks submitted from other threads afterwards are rejected.
     */
    public void shutdown() {
        stopping = true;
        selector.wakeup();
    }

    /** {@return true once {@link #shutdown()} was called} */
    public boolean isShuttingDown() {
        return stopping;
    }

    /** {@return a future that completes when the loop thread has finished} */
    public CompletableFuture<Void> terminated() {
        return terminated;
    }

    /**
     * Waits until the loop thread has finished (after {@link #shutdown()}), or for {@code timeout}, whichever
     * comes first.
     *
     * @param timeout the longest wait; zero or less does not wait
     * @param unit    the unit of {@code timeout}
     * @return true when the thread has finished
     * @throws InterruptedException  when the calling thread is interrupted while it waits
     * @throws IllegalStateException on a loop thread (see {@link #refuseBlockingCall})
     */
    public boolean awaitTermination(long timeout, TimeUnit unit) throws InterruptedException {
        refuseBlockingCall("SelectorLoop.awaitTermination");
        long nanos = unit.toNanos(timeout);
        if (nanos > 0) {
            // Thread.join(0) would wait forever: round up to a whole millisecond instead.
            long millis = TimeUnit.NANOSECONDS.toMillis(nanos);
            thread.join(millis * 1_000_000 < nanos ? millis + 1 : millis);
        }
        return !thread.isAlive();
    }

    /** {@return how long one turn of work may hold the loop before it counts as a stall; zero when not watched} */
    public Duration stallLimit() {
        return Duration.ofNanos(stalls.limitNanos());
    }

    /**
     * {@return how many times a turn of work held the loop longer than its {@linkplain #stallLimit() stall limit}}
     * Thread-safe.
     */
    public long stalls() {
        return stalls.count();
    }

    /**
     * {@return the tasks other threads submitted that wait to run} Thread-safe; it walks the queue, so its cost grows with
     * the tasks waiting (read it for monitoring, not per request).
     */
    public int pendingTasks() {
        return tasks.size();
    }

    /**
     * {@return the bytes queued on this loop's connections and not yet taken by their sockets} Thread-safe; the value
     * the loop last published.
     */
    public long queuedOutboundBytes() {
        return buffers.queuedBytes();
    }

    /** {@return the loop thread, for joining} */
    public Thread thread() {
        return thread;
    }

    private void run() {
        try {
            while (!stopping) {
                try {
                    turn();
                } catch (Throwable t) {
                    failedTurn(t);
                }
            }
            closeRegistrations();
        } catch (Throwable t) {
            log.error("event loop {} failed", thread.getName(), t);
        } finally {
            StallWatch.unwatch(stalls);
            try {
                selector.close();
            } catch (IOException e) {
                log.debug("closing selector", e);
            }
            terminated.complete(null);
        }
    }

    private void turn() throws IOException {
        long now = System.nanoTime();
        stalls.turnStarts(now);
        long delay = timers.nextDelay(turnNanos = now);
        boolean waited = false;
        if (!tasks.isEmpty() || !ownTasks.isEmpty() || delay == 0) {
            selector.selectNow(this::ready);
        } else {
            sleeping.set(true);
            if (!tasks.isEmpty()) {
                sleeping.set(false);
                selector.selectNow(this::ready);
            } else {
                long millis = delay < 0 ? 0 : Math.max(1, TimeUnit.NANOSECONDS.toMillis(delay + 999_999));
                stalls.waiting();
                waking = true;
                selector.select(this::ready, millis);
                sleeping.set(false);
                if (waking) {
                    wake(); // no key was ready: a timer, a task or a wake-up ended the wait
                }
                waited = true;
            }
        }
        if (!waited) {
            turnNanos = System.nanoTime();
        }
        timers.runDue(turnNanos, this::safely);
        runTasks();
        runBatchEnd();
    }

    /**
     * The wait for I/O ended: the turn's clock is read now, before the first ready key is handled (the selector runs
     * the handlers of ready keys before {@code select} returns), so that reads are stamped with the time they came and
     * not the time the wait began; and the work from now on is watched for stalls.
     */
    private void wake() {
        waking = false;
        turnNanos = System.nanoTime();
        stalls.working(turnNanos);
    }

    /**
     * A turn failed outside any handler (the selector itself, or the JDK running out of file descriptors
     * while closing a socket). The loop must outlive it: log, pause briefly so that a failure that repeats
     * at once cannot spin the CPU, and go on.
     */
    private void failedTurn(Throwable t) {
        log.error("event loop {} turn failed; continuing", thread.getName(), t);
        try {
            Thread.sleep(FAILED_TURN_PAUSE_MILLIS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            stopping = true;
        }
    }

    private void ready(SelectionKey key) {
        if (waking) {
            wake();
        }
        Selectable handler = (Selectable) key.attachment();
        try {
            handler.ready(key);
        } catch (Throwable t) {
            log.error("unexpected error from {}", handler, t);
        }
    }

    /**
     * The loop's own tasks first (those queued when the turn started), then at most {@link #TASKS_PER_TURN}
     * tasks from other threads: however many other threads submit, the loop's I/O, timers and own work come
     * round every turn.
     */
    private void runTasks() {
        for (int own = ownTasks.size(); own > 0; own--) {
            safely(ownTasks.poll());
        }
        for (int i = 0; i < TASKS_PER_TURN; i++) {
            Runnable task = tasks.poll();
            if (task == null) {
                return;
            }
            safely(task);
        }
    }

    private void runBatchEnd() {
        while (!batchEnd.isEmpty()) {
            ArrayList<Runnable> current = batchEnd;
            batchEnd = batchEndSpare;
            for (int i = 0; i < current.size(); i++) {
                safely(current.get(i));
            }
            current.clear();
            batchEndSpare = current;
        }
    }

    private void safely(Runnable task) {
        try {
            task.run();
        } catch (Throwable t) {
            log.error("task failed on {}", thread.getName(), t);
        }
    }

    /**
     * The end of the loop: refuse foreign tasks, run every one already queued, close the registrations, and
     * run what closing them queued. Tasks the loop submits to itself meanwhile are still taken and run.
     */
    private void closeRegistrations() {
        terminating = true;
        drainTasks();
        for (SelectionKey key : selector.keys()) {
            if (key.attachment() instanceof Selectable) {
                try {
                    ((Selectable) key.attachment()).loopClosing();
                } catch (Throwable t) {
                    log.debug("closing registration", t);
                }
            }
        }
        do {
            drainTasks();
            runBatchEnd();
        } while (!tasks.isEmpty() || !ownTasks.isEmpty());
    }

    private void drainTasks() {
        Runnable task;
        while ((task = ownTasks.poll()) != null || (task = tasks.poll()) != null) {
            safely(task);
        }
    }

    /** Marks the threads of selector loops, so that blocking calls can refuse to run on them. */
    private static final class LoopThread extends Thread {
        LoopThread(Runnable body, String name) {
            super(body, name);
        }
    }

    @Override
    public String toString() {
        return thread.getName();
    }
}
