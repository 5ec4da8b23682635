package io.switchboard.bench.jmh;

import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.switchboard.loop.LoopGroup;
import io.switchboard.loop.SelectorLoop;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The event loop's own machinery, Switchboard's {@link SelectorLoop} against Netty's NIO event loop
 * ({@link MultiThreadIoEventLoopGroup} with {@link NioIoHandler}), one loop each:
 * <ul>
 *   <li>{@code *Execute}: the benchmark thread submits {@value #BATCH} tasks to the loop with
 *       {@code execute}, then waits until the loop has run them all (the cross-thread task queue and its
 *       wake-ups); the task is one pre-built {@code Runnable}.</li>
 *   <li>{@code *ScheduleCancel}: one task on the loop schedules {@value #BATCH} timers 10 s ahead and cancels
 *       each at once (a request timeout that did not fire); the benchmark thread waits for that task.</li>
 * </ul>
 * Scores are per task or per timer; allocation (-prof gc) covers every thread.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@OperationsPerInvocation(LoopTaskBenchmark.BATCH)
public class LoopTaskBenchmark {
    static final int BATCH = 1000;

    private LoopGroup switchboardGroup;
    private SelectorLoop switchboard;
    private EventLoopGroup nettyGroup;
    private EventLoop netty;
    private final AtomicLong ran = new AtomicLong();
    private final Runnable count = ran::incrementAndGet;
    private final Runnable nothing = () -> { };

    /** Starts one loop of each. */
    @Setup
    public void setup() {
        switchboardGroup = new LoopGroup("bench-loop", 1);
        switchboard = switchboardGroup.next();
        nettyGroup = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        netty = nettyGroup.next();
    }

    /** Stops the loops. */
    @TearDown
    public void tearDown() throws InterruptedException {
        switchboardGroup.shutdown(Duration.ofSeconds(5));
        nettyGroup.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    /** Switchboard: {@value #BATCH} tasks from this thread, then wait until all ran. */
    @Benchmark
    public long switchboardExecute() {
        long target = ran.get() + BATCH;
        for (int i = 0; i < BATCH; i++) {
            switchboard.execute(count);
        }
        return await(target);
    }

    /** Netty: {@value #BATCH} tasks from this thread, then wait until all ran. */
    @Benchmark
    public long nettyExecute() {
        long target = ran.get() + BATCH;
        for (int i = 0; i < BATCH; i++) {
            netty.execute(count);
        }
        return await(target);
    }

    /** Switchboard: {@value #BATCH} timers scheduled and cancelled on the loop. */
    @Benchmark
    public Object switchboardScheduleCancel() {
        CompletableFuture<Object> done = new CompletableFuture<>();
        switchboard.execute(() -> {
            for (int i = 0; i < BATCH; i++) {
                switchboard.schedule(nothing, 10, TimeUnit.SECONDS).cancel();
            }
            done.complete(this);
        });
        return done.join();
    }

    /** Netty: {@value #BATCH} timers scheduled and cancelled on the loop. */
    @Benchmark
    public Object nettyScheduleCancel() {
        CompletableFuture<Object> done = new CompletableFuture<>();
        netty.execute(() -> {
            for (int i = 0; i < BATCH; i++) {
                netty.schedule(nothing, 10, TimeUnit.SECONDS).cancel(false);
            }
            done.complete(this);
        });
        return done.join();
    }

    private long await(long target) {
        long n;
        while ((n = ran.get()) < target) {
            Thread.onSpinWait();
        }
        return n;
    }
}
