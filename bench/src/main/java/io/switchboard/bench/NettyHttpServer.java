package io.switchboard.bench;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.compression.StandardCompressionOptions;
import io.netty.handler.codec.http.HttpContentCompressor;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.AsciiString;
import java.nio.charset.StandardCharsets;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Netty 4.2 HTTP server Switchboard's HTTP example is measured against, written the way TechEmpower's
 * Netty entry is: {@link HttpServerCodec}, an {@link HttpObjectAggregator} (8 MiB), pre-built plaintext and
 * JSON bodies with {@code Server}, {@code Date} (rendered once a second on each loop), {@code Content-Length}
 * and {@code Content-Type}, each response written in {@code channelRead} and flushed in
 * {@code channelReadComplete}, keep-alive as the request asks. Routes: {@code GET /plaintext}, {@code GET /json},
 * {@code POST /echo} (the body back), {@code GET /json64k} (64 KiB of JSON records, the same bytes as the
 * Switchboard example's route, for the compression scenario). Anything else gets 404. Over TLS ({@code --tls-cert/--tls-key}): an
 * {@code SslHandler} first in the pipeline, set up by {@link NettyTls}. Thread-safe.
 */
final class NettyHttpServer {
    private static final Logger log = LoggerFactory.getLogger(NettyHttpServer.class);
    static final int MAX_BODY = 8 * 1024 * 1024;
    /** Answers smaller than this are not compressed: Switchboard's default minimum size. */
    static final int MIN_COMPRESSED = 1024;
    /** The size of {@code /json64k}'s body. */
    static final int LARGE_JSON_BYTES = 64 * 1024;

    private NettyHttpServer() {
    }

    /** Binds {@code host:port} (0 for any free port) and serves HTTP on {@code workers} threads. */
    static NettyTcpServer start(String host, int port, int workers) throws InterruptedException {
        return start(host, port, workers, null, 0);
    }

    /** As {@link #start(String, int, int, SslContext, int)} without compression. */
    static NettyTcpServer start(String host, int port, int workers, SslContext tls) throws InterruptedException {
        return start(host, port, workers, tls, 0);
    }

    /**
     * Binds {@code host:port} (0 for any free port) and serves HTTP on {@code workers} threads, over TLS when
     * {@code tls} is not null: an {@code SslHandler} from it first in each connection's pipeline. With
     * {@code compressLevel} 1 to 9, an {@link HttpContentCompressor} after the codec compresses answers of at least
     * {@value #MIN_COMPRESSED} bytes in gzip or deflate at that level (window 15, memory level 8: zlib's defaults,
     * which Switchboard's deflater uses too), as {@code Accept-Encoding} asks; 0 leaves it out.
     */
    static NettyTcpServer start(String host, int port, int workers, SslContext tls, int compressLevel)
            throws InterruptedException {
        return NettyTcpServer.bind(host, port, workers, 4096, ch -> {
            if (tls != null) {
                ch.pipeline().addLast(tls.newHandler(ch.alloc()));
            }
            ch.pipeline().addLast(new HttpServerCodec());
            if (compressLevel > 0) {
                ch.pipeline().addLast(new HttpContentCompressor(MIN_COMPRESSED,
                        StandardCompressionOptions.gzip(compressLevel, 15, 8),
                        StandardCompressionOptions.deflate(compressLevel, 15, 8)));
            }
            ch.pipeline().addLast(new HttpObjectAggregator(MAX_BODY), new HttpHandler());
        });
    }

    /**
     * A JSON array of user records, {@code size} bytes long: the body of {@code /json64k}. The same generator as
     * {@code HttpExample.largeJson} in the examples (a test checks that the two give the same bytes).
     */
    static byte[] largeJson(int size) {
        StringBuilder b = new StringBuilder(size + 200).append('[');
        for (int i = 0; b.length() < size; i++) {
            b.append(i == 0 ? "" : ",").append("{\"id\":").append(i).append(",\"name\":\"user ").append(i * 7919 % 10007)
                    .append("\",\"email\":\"user").append(i * 31 % 997).append("@example.com\",\"active\":")
                    .append(i % 3 != 0).append(",\"score\":").append(i * 104729 % 1000).append('}');
        }
        return (b.substring(0, size - 1) + "]").getBytes(StandardCharsets.US_ASCII);
    }

    /** Answers the routes. One per connection (it holds the loop's date cache reference only). */
    static final class HttpHandler extends ChannelInboundHandlerAdapter {
        private static final AsciiString SERVER = AsciiString.cached("Netty");
        private static final AsciiString TEXT = AsciiString.cached("text/plain");
        private static final AsciiString JSON = AsciiString.cached("application/json");
        private static final AsciiString OCTETS = AsciiString.cached("application/octet-stream");
        private static final ByteBuf PLAINTEXT_BODY = Unpooled.unreleasableBuffer(Unpooled.directBuffer()
                .writeBytes("Hello, World!".getBytes(StandardCharsets.US_ASCII))).asReadOnly();
        private static final ByteBuf JSON_BODY = Unpooled.unreleasableBuffer(Unpooled.directBuffer()
                .writeBytes("{\"message\":\"Hello, World!\"}".getBytes(StandardCharsets.US_ASCII))).asReadOnly();
        /**
         * On the heap and writable (a duplicate per response): {@code JdkZlibEncoder} compresses straight from a
         * buffer's array, and copies a direct or read-only one into a new array first; an answer built by a JSON
         * library is on the heap anyway.
         */
        private static final ByteBuf LARGE_JSON_BODY = Unpooled.unreleasableBuffer(
                Unpooled.wrappedBuffer(largeJson(LARGE_JSON_BYTES)));
        private static final DateTimeFormatter HTTP_DATE = DateTimeFormatter.RFC_1123_DATE_TIME;

        private AsciiString date;
        private long dateSecond = -1;

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (!(msg instanceof FullHttpRequest)) {
                ctx.fireChannelRead(msg);
                return;
            }
            FullHttpRequest request = (FullHttpRequest) msg;
            try {
                String uri = request.uri();
                FullHttpResponse response;
                if (uri.equals("/plaintext") && request.method().equals(HttpMethod.GET)) {
                    response = ok(PLAINTEXT_BODY.duplicate(), TEXT);
                } else if (uri.equals("/json") && request.method().equals(HttpMethod.GET)) {
                    response = ok(JSON_BODY.duplicate(), JSON);
                } else if (uri.equals("/json64k") && request.method().equals(HttpMethod.GET)) {
                    response = ok(LARGE_JSON_BODY.duplicate(), JSON);
                } else if (uri.equals("/echo") && request.method().equals(HttpMethod.POST)) {
                    CharSequence type = request.headers().get(HttpHeaderNames.CONTENT_TYPE);
                    response = ok(request.content().retain(), type != null ? AsciiString.of(type) : OCTETS);
                } else {
                    response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.NOT_FOUND,
                            Unpooled.EMPTY_BUFFER, false, false);
                    response.headers().set(HttpHeaderNames.CONTENT_LENGTH, 0);
                }
                boolean keepAlive = HttpUtil.isKeepAlive(request);
                if (!keepAlive) {
                    ctx.write(response).addListener(ChannelFutureListener.CLOSE);
                } else {
                    if (request.protocolVersion().equals(HttpVersion.HTTP_1_0)) {
                        response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
                    }
                    ctx.write(response, ctx.voidPromise());
                }
            } finally {
                request.release();
            }
        }

        private FullHttpResponse ok(ByteBuf body, AsciiString type) {
            FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK,
                    body, false, false);
            response.headers()
                    .set(HttpHeaderNames.CONTENT_TYPE, type)
                    .set(HttpHeaderNames.SERVER, SERVER)
                    .set(HttpHeaderNames.DATE, date())
                    .set(HttpHeaderNames.CONTENT_LENGTH, body.readableBytes());
            return response;
        }

        /** The Date value, rendered again only when the second changed (the TechEmpower entry uses a timer). */
        private AsciiString date() {
            long second = System.currentTimeMillis() / 1000;
            if (second != dateSecond) {
                dateSecond = second;
                date = new AsciiString(HTTP_DATE.format(ZonedDateTime.now(ZoneOffset.UTC)));
            }
            return date;
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            ctx.flush();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            log.debug("closing {}: {}", ctx.channel().remoteAddress(), cause.toString());
            ctx.close();
        }
    }
}
