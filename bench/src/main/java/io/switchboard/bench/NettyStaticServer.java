package io.switchboard.bench;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.DefaultFileRegion;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import java.io.File;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Netty 4.2 static file server the {@code static-1m} scenario measures Switchboard's {@code StaticFiles}
 * against, written after Netty's own {@code HttpStaticFileServerHandler} example on a plain connection: the path
 * under {@code /static/} decoded and sanitized, the file checked (exists, not hidden, a regular file),
 * {@code If-Modified-Since} answered 304, {@code Content-Length}, {@code Content-Type}, {@code Date},
 * {@code Last-Modified} and {@code Server}, then the body as one {@link DefaultFileRegion} ({@code sendfile}, zero
 * copy; no {@code HttpChunkedInput}, which only TLS needs) and an empty last content, flushed at once; keep-alive as
 * the request asks. Thread-safe.
 */
final class NettyStaticServer {
    private static final Logger log = LoggerFactory.getLogger(NettyStaticServer.class);
    static final String PREFIX = "/static/";

    private NettyStaticServer() {
    }

    /** Binds {@code host:port} (0 for any free port) and serves the files under {@code dir} on {@code workers} threads. */
    static NettyTcpServer start(String host, int port, int workers, File dir) throws InterruptedException {
        return NettyTcpServer.bind(host, port, workers, 4096, ch -> {
            ch.pipeline().addLast(new HttpServerCodec(), new HttpObjectAggregator(8192),
                    new FileHandler(dir));
        });
    }

    /** Serves one request at a time, as Netty's example does. Stateless but for the directory. */
    private static final class FileHandler extends SimpleChannelInboundHandler<FullHttpRequest> {
        private static final Pattern INSECURE_URI = Pattern.compile(".*[<>&\"].*");
        private static final DateTimeFormatter HTTP_DATE =
                DateTimeFormatter.ofPattern("EEE, dd MMM yyyy HH:mm:ss 'GMT'", Locale.US).withZone(ZoneOffset.UTC);

        private final File dir;

        FileHandler(File dir) {
            this.dir = dir;
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) throws IOException {
            boolean keepAlive = HttpUtil.isKeepAlive(request);
            if (!request.method().equals(HttpMethod.GET)) {
                error(ctx, HttpResponseStatus.METHOD_NOT_ALLOWED, keepAlive);
                return;
            }
            File file = sanitize(request.uri());
            if (file == null || file.isHidden() || !file.exists() || !file.isFile()) {
                error(ctx, HttpResponseStatus.NOT_FOUND, keepAlive);
                return;
            }
            String since = request.headers().get(HttpHeaderNames.IF_MODIFIED_SINCE);
            long modifiedSecond = file.lastModified() / 1000;
            if (since != null && !since.isEmpty()
                    && ZonedDateTime.parse(since, HTTP_DATE).toEpochSecond() >= modifiedSecond) {
                FullHttpResponse notModified = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1,
                        HttpResponseStatus.NOT_MODIFIED, Unpooled.EMPTY_BUFFER);
                notModified.headers().set(HttpHeaderNames.DATE, HTTP_DATE.format(Instant.now()));
                send(ctx, notModified, keepAlive);
                return;
            }
            RandomAccessFile raf = new RandomAccessFile(file, "r");
            long length = raf.length();
            HttpResponse response = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
            HttpUtil.setContentLength(response, length);
            response.headers()
                    .set(HttpHeaderNames.CONTENT_TYPE, "application/octet-stream")
                    .set(HttpHeaderNames.SERVER, "Netty")
                    .set(HttpHeaderNames.DATE, HTTP_DATE.format(Instant.now()))
                    .set(HttpHeaderNames.LAST_MODIFIED, HTTP_DATE.format(Instant.ofEpochSecond(modifiedSecond)));
            if (!keepAlive) {
                response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
            } else if (request.protocolVersion().equals(HttpVersion.HTTP_1_0)) {
                response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
            }
            ctx.write(response, ctx.voidPromise());
            ctx.write(new DefaultFileRegion(raf.getChannel(), 0, length), ctx.voidPromise()); // closes the file once sent
            if (keepAlive) {
                ctx.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT, ctx.voidPromise());
            } else {
                ctx.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT).addListener(ChannelFutureListener.CLOSE);
            }
        }

        /** The file under the directory that {@code uri} names below {@link #PREFIX}, or null (Netty's sanitizeUri). */
        private File sanitize(String uri) {
            if (!uri.startsWith(PREFIX)) {
                return null;
            }
            String path = URLDecoder.decode(uri.substring(PREFIX.length()), StandardCharsets.UTF_8);
            if (path.isEmpty() || path.contains(File.separator + '.') || path.contains('.' + File.separator)
                    || path.charAt(0) == '.' || path.charAt(path.length() - 1) == '.' || INSECURE_URI.matcher(path).matches()) {
                return null;
            }
            return new File(dir, path);
        }

        private static void error(ChannelHandlerContext ctx, HttpResponseStatus status, boolean keepAlive) {
            FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, Unpooled.EMPTY_BUFFER);
            response.headers().set(HttpHeaderNames.CONTENT_LENGTH, 0);
            send(ctx, response, keepAlive);
        }

        private static void send(ChannelHandlerContext ctx, FullHttpResponse response, boolean keepAlive) {
            ChannelFuture f = ctx.writeAndFlush(response);
            if (!keepAlive) {
                f.addListener(ChannelFutureListener.CLOSE);
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            log.debug("closing {}: {}", ctx.channel().remoteAddress(), cause.toString());
            ctx.close();
        }
    }
}
