package io.switchboard.bench.jmh;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import io.switchboard.http.HttpResponse;
import io.switchboard.http.HttpService;
import io.switchboard.http.Routes;
import io.switchboard.pipeline.Handler;
import io.switchboard.pipeline.HandlerContext;
import io.switchboard.testing.EmbeddedConnection;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
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
import org.openjdk.jmh.infra.Blackhole;

/**
 * HTTP/1.1 server work for 16 pipelined {@code GET /plaintext} requests (and, Switchboard only, 16 {@code POST}s
 * with a 16-byte body, and 16 {@code GET /users/12345} routed by a path parameter) arriving in one read: parse, dispatch
 * to a handler that answers with a pre-built 13-byte plaintext response, encode, and drain the bytes written.
 * Switchboard: {@link HttpService} with {@link Routes} in an {@link EmbeddedConnection}; the written bytes are
 * drained with {@link EmbeddedConnection#discardWritten()} (counted, not copied). Netty: {@link HttpServerCodec} and a handler writing a pre-built
 * {@link FullHttpResponse} ({@code retainedDuplicate}) in {@code channelRead}, flushing in
 * {@code channelReadComplete}, in an {@link EmbeddedChannel}; the encoded buffers are read and released.
 * Both enter through a pass-through first handler's context, with the bytes wrapped, not copied. Scores are
 * per request.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@OperationsPerInvocation(HttpPipelineBenchmark.REQUESTS)
public class HttpPipelineBenchmark {
    static final int REQUESTS = 16;
    private static final String REQUEST = "GET /plaintext HTTP/1.1\r\nHost: server.example:8080\r\n"
            + "User-Agent: bench\r\nAccept: text/plain\r\n\r\n";

    private static final String POST = "POST /echo HTTP/1.1\r\nHost: server.example:8080\r\n"
            + "User-Agent: bench\r\nContent-Type: application/json\r\nContent-Length: 16\r\n\r\n{\"id\":123456789}";

    private byte[] input;
    private byte[] posts;
    private EmbeddedConnection switchboard;
    private HandlerContext switchboardEntry;
    private EmbeddedChannel netty;
    private ChannelHandlerContext nettyEntry;
    private FullHttpResponse nettyResponse;

    /** Builds both servers and checks that each answers the 16 requests with 16 responses. */
    @Setup
    public void setup(Blackhole bh) {
        input = REQUEST.repeat(REQUESTS).getBytes(StandardCharsets.US_ASCII);

        HttpResponse plaintext = HttpResponse.of(200).header("Content-Type", "text/plain").body("Hello, World!");
        Routes routes = Routes.builder().get("/plaintext", (req, res) -> res.send(plaintext))
                .post("/echo", (req, res) -> res.send(plaintext)).build();
        posts = POST.repeat(REQUESTS).getBytes(StandardCharsets.US_ASCII);
        Handler entry = new Handler() { };
        HttpService service = new HttpService(routes);
        switchboard = new EmbeddedConnection(p -> {
            p.add(entry);
            service.accept(p);
        });
        switchboardEntry = switchboard.pipeline().context(entry);

        nettyResponse = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK,
                Unpooled.unreleasableBuffer(Unpooled.directBuffer().writeBytes("Hello, World!".getBytes(StandardCharsets.US_ASCII))));
        nettyResponse.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/plain").set(HttpHeaderNames.SERVER, "Netty")
                .set(HttpHeaderNames.DATE, "Wed, 25 Nov 2026 23:00:00 GMT").set(HttpHeaderNames.CONTENT_LENGTH, 13);
        LineDecodeBenchmark.NettyEntry nettyFirst = new LineDecodeBenchmark.NettyEntry();
        netty = new EmbeddedChannel(nettyFirst, new HttpServerCodec(), new ChannelInboundHandlerAdapter() {
            @Override
            public void channelRead(ChannelHandlerContext ctx, Object msg) {
                if (msg instanceof HttpRequest) {
                    ctx.write(nettyResponse.retainedDuplicate(), ctx.voidPromise());
                }
                if (!(msg instanceof LastHttpContent) || msg != LastHttpContent.EMPTY_LAST_CONTENT) {
                    ReferenceCountUtil.release(msg);
                }
            }

            @Override
            public void channelReadComplete(ChannelHandlerContext ctx) {
                ctx.flush();
            }
        });
        nettyEntry = netty.pipeline().context(nettyFirst);

        requireResponses("Switchboard", switchboardOnce(input));
        requireResponses("Switchboard", switchboardOnce(posts));
        requireResponses("Netty", nettyOnce());
    }

    private static void requireResponses(String who, String written) {
        int n = written.split("HTTP/1.1 200 OK\r\n", -1).length - 1;
        if (n != REQUESTS || !written.endsWith("Hello, World!")) {
            throw new IllegalStateException(who + " answered " + n + " of " + REQUESTS + " requests: " + written);
        }
    }

    private String switchboardOnce(byte[] requests) {
        switchboardEntry.fireRead(ByteBuffer.wrap(requests));
        switchboardEntry.fireReadComplete();
        switchboard.runPending();
        return new String(switchboard.takeWritten(), StandardCharsets.US_ASCII);
    }

    private String nettyOnce() {
        nettyEntry.fireChannelRead(Unpooled.wrappedBuffer(input));
        nettyEntry.fireChannelReadComplete();
        StringBuilder all = new StringBuilder();
        Object o;
        while ((o = netty.readOutbound()) != null) {
            all.append(((ByteBuf) o).toString(StandardCharsets.US_ASCII));
            ReferenceCountUtil.release(o);
        }
        return all.toString();
    }

    /** Closes the harnesses. */
    @TearDown
    public void tearDown() {
        switchboard.connection().close();
        netty.finishAndReleaseAll();
    }

    /** Switchboard: 16 pipelined requests parsed, dispatched, answered and encoded; the bytes drained. */
    @Benchmark
    public void switchboardHttpService(Blackhole bh) {
        switchboardEntry.fireRead(ByteBuffer.wrap(input));
        switchboardEntry.fireReadComplete();
        switchboard.runPending();
        bh.consume(switchboard.discardWritten());
    }

    /** Switchboard: 16 pipelined {@code POST}s with a 16-byte body each, taken whole (the default body policy). */
    @Benchmark
    public void switchboardHttpServicePost(Blackhole bh) {
        switchboardEntry.fireRead(ByteBuffer.wrap(posts));
        switchboardEntry.fireReadComplete();
        switchboard.runPending();
        bh.consume(switchboard.discardWritten());
    }

    /**
     * Switchboard: 16 pipelined {@code GET /users/12345} matched by {@code /users/{id}}, the handler reading the
     * parameter. Its own state, so that the other benchmarks' forks never run this route's handler (a third
     * handler class at the router's call site would make it megamorphic and slow them down).
     */
    @Benchmark
    public void switchboardHttpServiceParam(ParamRoute route, Blackhole bh) {
        route.entry.fireRead(ByteBuffer.wrap(route.requests));
        route.entry.fireReadComplete();
        route.connection.runPending();
        bh.consume(route.connection.discardWritten());
    }

    /** A service whose one route has a path parameter, and 16 pipelined requests for it. */
    @State(Scope.Thread)
    public static class ParamRoute {
        byte[] requests;
        EmbeddedConnection connection;
        HandlerContext entry;

        /** Builds the service and checks that it answers the 16 requests with 16 responses. */
        @Setup
        public void setup() {
            HttpResponse plaintext = HttpResponse.of(200).header("Content-Type", "text/plain").body("Hello, World!");
            Routes routes = Routes.builder()
                    .get("/users/{id}", (req, res) -> {
                        if (!req.pathParam("id").equals("12345")) {
                            throw new IllegalStateException("routed with " + req.pathParams());
                        }
                        res.send(plaintext);
                    })
                    .build();
            requests = REQUEST.replace("/plaintext", "/users/12345").repeat(REQUESTS).getBytes(StandardCharsets.US_ASCII);
            Handler first = new Handler() { };
            HttpService service = new HttpService(routes);
            connection = new EmbeddedConnection(p -> {
                p.add(first);
                service.accept(p);
            });
            entry = connection.pipeline().context(first);
            entry.fireRead(ByteBuffer.wrap(requests));
            entry.fireReadComplete();
            connection.runPending();
            requireResponses("Switchboard", new String(connection.takeWritten(), StandardCharsets.US_ASCII));
        }

        /** Closes the connection. */
        @TearDown
        public void tearDown() {
            connection.connection().close();
        }
    }

    /** Netty: the same with {@code HttpServerCodec}; the encoded buffers drained and released. */
    @Benchmark
    public void nettyHttpServerCodec(Blackhole bh) {
        nettyEntry.fireChannelRead(Unpooled.wrappedBuffer(input));
        nettyEntry.fireChannelReadComplete();
        Object o;
        while ((o = netty.readOutbound()) != null) {
            bh.consume(o);
            ReferenceCountUtil.release(o);
        }
    }
}
