package io.switchboard.bench;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http2.DefaultHttp2DataFrame;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.DefaultHttp2HeadersFrame;
import io.netty.handler.codec.http2.DefaultHttp2WindowUpdateFrame;
import io.netty.handler.codec.http2.Http2DataFrame;
import io.netty.handler.codec.http2.Http2Exception;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2FrameStream;
import io.netty.handler.codec.http2.Http2FrameStreamException;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2HeadersFrame;
import io.netty.util.AsciiString;
import io.netty.util.ReferenceCountUtil;
import java.nio.charset.StandardCharsets;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;

/**
 * The Netty 4.2 HTTP/2 server Switchboard's HTTP/2 is measured against (issue 17): h2c with prior knowledge (the
 * client's preface first, no upgrade), an {@code Http2FrameCodec} and one handler on the connection that answers
 * every stream's frames, as Netty's own frame-codec "hello world" example does (no child channel per stream).
 * Routes as {@link NettyHttpServer}'s: {@code GET /plaintext} ("Hello, World!", {@code text/plain}) and
 * {@code GET /json}, each with {@code server}, {@code date} (rendered once a second) and {@code content-length};
 * a request's body, if any, is read and dropped; anything else gets 404. Thread-safe.
 */
final class NettyH2Server {
    private NettyH2Server() {
    }

    /** Binds {@code host:port} (0 for any free port) and serves h2c on {@code workers} threads. */
    static NettyTcpServer start(String host, int port, int workers) throws InterruptedException {
        return NettyTcpServer.bind(host, port, workers, 4096, ch -> ch.pipeline().addLast(
                Http2FrameCodecBuilder.forServer().build(), new StreamsHandler()));
    }

    /** Answers the streams of one connection. */
    static final class StreamsHandler extends ChannelDuplexHandler {
        private static final AsciiString SERVER = AsciiString.cached("Netty");
        private static final AsciiString TEXT = AsciiString.cached("text/plain");
        private static final AsciiString JSON = AsciiString.cached("application/json");
        private static final ByteBuf PLAINTEXT_BODY = Unpooled.unreleasableBuffer(Unpooled.directBuffer()
                .writeBytes("Hello, World!".getBytes(StandardCharsets.US_ASCII))).asReadOnly();
        private static final ByteBuf JSON_BODY = Unpooled.unreleasableBuffer(Unpooled.directBuffer()
                .writeBytes("{\"message\":\"Hello, World!\"}".getBytes(StandardCharsets.US_ASCII))).asReadOnly();
        private static final DateTimeFormatter HTTP_DATE = DateTimeFormatter.RFC_1123_DATE_TIME;

        private AsciiString date;
        private long dateSecond = -1;

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (msg instanceof Http2HeadersFrame headers) {
                if (headers.isEndStream()) {
                    answer(ctx, headers.stream(), headers.headers());
                }
                return; // a request with a body is answered at its last DATA frame
            }
            if (msg instanceof Http2DataFrame data) {
                try {
                    // Give the bytes back to the flow-control window, as an application that read them would.
                    ctx.write(new DefaultHttp2WindowUpdateFrame(data.initialFlowControlledBytes()).stream(data.stream()));
                    if (data.isEndStream()) {
                        answer(ctx, data.stream(), null);
                    }
                } finally {
                    data.release();
                }
                return;
            }
            ReferenceCountUtil.release(msg);
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            ctx.flush();
        }

        /**
         * A client's protocol error, of the connection (the codec sends GOAWAY and closes on its own) or of a stream
         * (the codec has sent RST_STREAM), is dropped without a log line, as a server logs a client's errors at debug
         * at most (so does Switchboard) and not a warning per connection as the pipeline's tail does; any other error
         * closes the connection. Closing on a protocol error would send GOAWAY {@code NO_ERROR} before the codec's
         * own GOAWAY, or instead of a stream's reset.
         */
        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            if (!(cause instanceof Http2Exception) && !(cause instanceof Http2FrameStreamException)) {
                ctx.close();
            }
        }

        private void answer(ChannelHandlerContext ctx, Http2FrameStream stream, Http2Headers request) {
            CharSequence path = request == null ? "" : request.path();
            CharSequence method = request == null ? "" : request.method();
            ByteBuf body;
            AsciiString type;
            HttpResponseStatus status = HttpResponseStatus.OK;
            if ("GET".contentEquals(method) && "/plaintext".contentEquals(path)) {
                body = PLAINTEXT_BODY.duplicate();
                type = TEXT;
            } else if ("GET".contentEquals(method) && "/json".contentEquals(path)) {
                body = JSON_BODY.duplicate();
                type = JSON;
            } else {
                body = Unpooled.EMPTY_BUFFER;
                type = TEXT;
                status = HttpResponseStatus.NOT_FOUND;
            }
            Http2Headers headers = new DefaultHttp2Headers().status(status.codeAsText())
                    .set("content-type", type).setInt("content-length", body.readableBytes())
                    .set("server", SERVER).set("date", date());
            boolean empty = body.readableBytes() == 0;
            ctx.write(new DefaultHttp2HeadersFrame(headers, empty).stream(stream));
            if (!empty) {
                ctx.write(new DefaultHttp2DataFrame(body, true).stream(stream));
            }
        }

        private AsciiString date() {
            long second = System.currentTimeMillis() / 1000;
            if (second != dateSecond) {
                dateSecond = second;
                date = AsciiString.cached(HTTP_DATE.format(ZonedDateTime.now(ZoneOffset.UTC)));
            }
            return date;
        }
    }
}
