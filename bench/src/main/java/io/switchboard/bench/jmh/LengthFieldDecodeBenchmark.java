package io.switchboard.bench.jmh;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.LengthFieldBasedFrameDecoder;
import io.switchboard.codec.LengthFieldCodec;
import io.switchboard.pipeline.Handler;
import io.switchboard.pipeline.HandlerContext;
import io.switchboard.testing.EmbeddedConnection;
import java.nio.ByteBuffer;
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
 * Decoding 512 frames with a 4-byte big-endian length prefix into their payloads: Switchboard's
 * {@link LengthFieldCodec} (payload as a {@code ByteBuffer} slice) against Netty's
 * {@link LengthFieldBasedFrameDecoder} configured to strip the prefix (payload as a retained {@code ByteBuf}
 * slice). Same bytes, same delivery (one whole read, or reads of 1,460 bytes so frames straddle reads), same
 * consumption: the sink reads each payload's length and first byte into the {@link Blackhole} (and releases
 * Netty's frame). Scores are per frame.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@OperationsPerInvocation(LengthFieldDecodeBenchmark.FRAMES)
public class LengthFieldDecodeBenchmark {
    static final int FRAMES = 512;
    private static final int MAX_FRAME = 1 << 20;

    /** Payload bytes per frame. */
    @Param({"32", "1024"})
    public int payload;

    /** How the bytes arrive: {@code whole} in one read, or reads of this many bytes. */
    @Param({"whole", "1460"})
    public String reads;

    private byte[][] chunks;
    private EmbeddedConnection switchboard;
    private HandlerContext switchboardEntry;
    private EmbeddedChannel netty;
    private ChannelHandlerContext nettyEntry;
    /** While not null (during setup only), every sink also records a copy of the payloads it got here. */
    private List<ByteBuffer> seen;

    /**
     * Builds the input and both pipelines (the sinks feed {@code bh}), then runs each benchmark once and checks
     * that both decode exactly the payloads that were framed.
     */
    @Setup
    public void setup(Blackhole bh) {
        byte[] input = Inputs.frames(FRAMES, payload, 7);
        chunks = Inputs.split(input, reads);

        Handler entry = new Handler() { };
        switchboard = new EmbeddedConnection(p -> p.add(entry).add(new LengthFieldCodec(4, MAX_FRAME)).add(new Handler() {
            @Override
            public void read(HandlerContext ctx, Object message) {
                ByteBuffer frame = (ByteBuffer) message;
                if (seen != null) {
                    seen.add(ByteBuffer.allocate(frame.remaining()).put(frame.duplicate()).flip());
                }
                bh.consume(frame.remaining());
                bh.consume(frame.get(frame.position()));
            }
        }));
        switchboardEntry = switchboard.pipeline().context(entry);

        LineDecodeBenchmark.NettyEntry first = new LineDecodeBenchmark.NettyEntry();
        netty = new EmbeddedChannel(first, new LengthFieldBasedFrameDecoder(MAX_FRAME, 0, 4, 0, 4),
                new ChannelInboundHandlerAdapter() {
                    @Override
                    public void channelRead(ChannelHandlerContext ctx, Object msg) {
                        ByteBuf frame = (ByteBuf) msg;
                        if (seen != null) {
                            seen.add(ByteBuffer.wrap(ByteBufUtil.getBytes(frame)));
                        }
                        bh.consume(frame.readableBytes());
                        bh.consume(frame.getByte(frame.readerIndex()));
                        frame.release();
                    }
                });
        nettyEntry = netty.pipeline().context(first);

        List<ByteBuffer> expected = new ArrayList<>(FRAMES);
        for (int at = 0; at < input.length; at += 4 + payload) {
            expected.add(ByteBuffer.wrap(input, at + 4, payload).slice());
        }
        Inputs.requireSame("LengthFieldCodec", expected, record(this::switchboardLengthFieldCodec));
        Inputs.requireSame("LengthFieldBasedFrameDecoder", expected, record(this::nettyLengthFieldBasedFrameDecoder));
    }

    private List<ByteBuffer> record(Runnable benchmark) {
        seen = new ArrayList<>();
        benchmark.run();
        List<ByteBuffer> got = seen;
        seen = null;
        return got;
    }

    /** Closes the harnesses. */
    @TearDown
    public void tearDown() {
        switchboard.connection().close();
        netty.finishAndReleaseAll();
    }

    /** Switchboard: {@code LengthFieldCodec}. */
    @Benchmark
    public void switchboardLengthFieldCodec() {
        for (byte[] chunk : chunks) {
            switchboardEntry.fireRead(ByteBuffer.wrap(chunk));
        }
        switchboardEntry.fireReadComplete();
    }

    /** Netty: {@code LengthFieldBasedFrameDecoder}. */
    @Benchmark
    public void nettyLengthFieldBasedFrameDecoder() {
        for (byte[] chunk : chunks) {
            nettyEntry.fireChannelRead(Unpooled.wrappedBuffer(chunk));
        }
        nettyEntry.fireChannelReadComplete();
    }
}
