package io.switchboard.bench.jmh;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.LineBasedFrameDecoder;
import io.netty.handler.codec.string.StringDecoder;
import io.switchboard.codec.LineCodec;
import io.switchboard.pipeline.Handler;
import io.switchboard.pipeline.HandlerContext;
import io.switchboard.testing.EmbeddedConnection;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * Decoding 1,024 short text lines (8 to 64 ASCII characters, LF or CRLF) into {@code String}s without their
 * endings: Switchboard's {@link LineCodec} against Netty's {@link LineBasedFrameDecoder} followed by
 * {@link StringDecoder}, the Netty pipeline that yields the same messages. A third variant stops at Netty's
 * {@code ByteBuf} frames (less work: no strings), for reference.
 *
 * <p>Both pipelines run in their embedded harness with the same entry: a pass-through first handler whose
 * context fires each read (one read of the whole buffer, or reads of 1,460 bytes, an Ethernet MSS, so lines
 * straddle reads and the decoders must keep partial lines) and then read-complete. The bytes are wrapped, not
 * copied, on both sides. The last handler hands each message to the {@link Blackhole} (and releases Netty's
 * frames). Scores are per line.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@OperationsPerInvocation(LineDecodeBenchmark.LINES)
public class LineDecodeBenchmark {
    static final int LINES = 1024;
    private static final int MAX_LINE = 1024;

    /** How the bytes arrive: {@code whole} in one read, or reads of this many bytes. */
    @Param({"whole", "1460"})
    public String reads;

    private byte[][] chunks;
    private EmbeddedConnection switchboard;
    private HandlerContext switchboardEntry;
    private EmbeddedChannel nettyStrings;
    private ChannelHandlerContext nettyStringsEntry;
    private EmbeddedChannel nettyFrames;
    private ChannelHandlerContext nettyFramesEntry;
    /** While not null (during setup only), every sink also records the lines it got here. */
    private List<String> seen;

    /**
     * Builds the input and the three pipelines (the sinks feed {@code bh}), then runs each benchmark once and
     * checks that all three decode exactly the expected lines.
     */
    @Setup
    public void setup(Blackhole bh) {
        byte[] input = Inputs.lines(LINES, 42);
        chunks = Inputs.split(input, reads);

        Handler entry = new Handler() { };
        switchboard = new EmbeddedConnection(p -> p.add(entry).add(new LineCodec(MAX_LINE)).add(new Handler() {
            @Override
            public void read(HandlerContext ctx, Object message) {
                if (seen != null) {
                    seen.add((String) message);
                }
                bh.consume(message);
            }
        }));
        switchboardEntry = switchboard.pipeline().context(entry);

        NettyEntry stringsEntry = new NettyEntry();
        nettyStrings = new EmbeddedChannel(stringsEntry, new LineBasedFrameDecoder(MAX_LINE),
                new StringDecoder(StandardCharsets.UTF_8), new ChannelInboundHandlerAdapter() {
                    @Override
                    public void channelRead(ChannelHandlerContext ctx, Object msg) {
                        if (seen != null) {
                            seen.add((String) msg);
                        }
                        bh.consume(msg);
                    }
                });
        nettyStringsEntry = nettyStrings.pipeline().context(stringsEntry);

        NettyEntry framesEntry = new NettyEntry();
        nettyFrames = new EmbeddedChannel(framesEntry, new LineBasedFrameDecoder(MAX_LINE),
                new ChannelInboundHandlerAdapter() {
                    @Override
                    public void channelRead(ChannelHandlerContext ctx, Object msg) {
                        ByteBuf frame = (ByteBuf) msg;
                        if (seen != null) {
                            seen.add(frame.toString(StandardCharsets.UTF_8));
                        }
                        bh.consume(frame.readableBytes());
                        frame.release();
                    }
                });
        nettyFramesEntry = nettyFrames.pipeline().context(framesEntry);

        List<String> expected = List.of(new String(input, StandardCharsets.UTF_8).split("\r?\n"));
        Inputs.requireSame("LineCodec", expected, record(this::switchboardLineCodec));
        Inputs.requireSame("LineBasedFrameDecoder + StringDecoder", expected, record(this::nettyLineBasedToString));
        Inputs.requireSame("LineBasedFrameDecoder", expected, record(this::nettyLineBasedFramesOnly));
    }

    private List<String> record(Runnable benchmark) {
        seen = new ArrayList<>();
        benchmark.run();
        List<String> got = seen;
        seen = null;
        return got;
    }

    /** Closes the harnesses. */
    @TearDown
    public void tearDown() {
        switchboard.connection().close();
        nettyStrings.finishAndReleaseAll();
        nettyFrames.finishAndReleaseAll();
    }

    /** Switchboard: {@code LineCodec} to strings. */
    @Benchmark
    public void switchboardLineCodec() {
        for (byte[] chunk : chunks) {
            switchboardEntry.fireRead(ByteBuffer.wrap(chunk));
        }
        switchboardEntry.fireReadComplete();
    }

    /** Netty: {@code LineBasedFrameDecoder} then {@code StringDecoder}, to strings. */
    @Benchmark
    public void nettyLineBasedToString() {
        for (byte[] chunk : chunks) {
            nettyStringsEntry.fireChannelRead(Unpooled.wrappedBuffer(chunk));
        }
        nettyStringsEntry.fireChannelReadComplete();
    }

    /** Netty: {@code LineBasedFrameDecoder} alone, to {@code ByteBuf} frames (reference; no strings made). */
    @Benchmark
    public void nettyLineBasedFramesOnly() {
        for (byte[] chunk : chunks) {
            nettyFramesEntry.fireChannelRead(Unpooled.wrappedBuffer(chunk));
        }
        nettyFramesEntry.fireChannelReadComplete();
    }

    /** A pass-through first handler, whose context is the benchmarks' entry into the pipeline. */
    static final class NettyEntry extends ChannelInboundHandlerAdapter {
    }
}
