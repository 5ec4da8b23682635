package io.switchboard.bench.jmh;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.switchboard.pipeline.Handler;
import io.switchboard.pipeline.HandlerContext;
import io.switchboard.testing.EmbeddedConnection;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * One inbound message through {@code handlers} pass-through handlers to a sink: the cost of the pipeline
 * itself. Switchboard's {@link EmbeddedConnection} with {@link Handler}s that keep every default against
 * Netty's {@link EmbeddedChannel} with {@link ChannelInboundHandlerAdapter}s. Each operation fires one read
 * from the first handler's context; the message is a constant object, so nothing is allocated for it.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class PipelineDispatchBenchmark {
    private static final Object MESSAGE = "message";

    /** Pass-through handlers between the entry and the sink. */
    @Param({"1", "4", "16"})
    public int handlers;

    private EmbeddedConnection switchboard;
    private HandlerContext switchboardEntry;
    private EmbeddedChannel netty;
    private ChannelHandlerContext nettyEntry;

    /** Builds both pipelines with a sink that consumes into {@code bh}. */
    @Setup
    public void setup(Blackhole bh) {
        Handler entry = new Handler() { };
        switchboard = new EmbeddedConnection(p -> {
            p.add(entry);
            for (int i = 0; i < handlers; i++) {
                p.add(new Handler() { });
            }
            p.add(new Handler() {
                @Override
                public void read(HandlerContext ctx, Object message) {
                    bh.consume(message);
                }
            });
        });
        switchboardEntry = switchboard.pipeline().context(entry);

        LineDecodeBenchmark.NettyEntry first = new LineDecodeBenchmark.NettyEntry();
        netty = new EmbeddedChannel(first);
        for (int i = 0; i < handlers; i++) {
            netty.pipeline().addLast(new ChannelInboundHandlerAdapter());
        }
        netty.pipeline().addLast(new ChannelInboundHandlerAdapter() {
            @Override
            public void channelRead(ChannelHandlerContext ctx, Object msg) {
                bh.consume(msg);
            }
        });
        nettyEntry = netty.pipeline().context(first);
    }

    /** Closes the harnesses. */
    @TearDown
    public void tearDown() {
        switchboard.connection().close();
        netty.finishAndReleaseAll();
    }

    /** Switchboard: one read through the pipeline. */
    @Benchmark
    public void switchboardPipeline() {
        switchboardEntry.fireRead(MESSAGE);
    }

    /** Netty: one channelRead through the pipeline. */
    @Benchmark
    public void nettyPipeline() {
        nettyEntry.fireChannelRead(MESSAGE);
    }
}
