package io.switchboard.bench;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.ssl.SslContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The standard Netty 4.2 echo server, the peer Switchboard's echo example is measured against: one boss
 * thread, N NIO worker threads, TCP_NODELAY, a shared handler that writes each read buffer back in
 * {@code channelRead} and flushes in {@code channelReadComplete}. Netty's defaults otherwise (its default
 * allocator, leak detection level and read sizing). Over TLS ({@code --tls-cert/--tls-key}): an {@code SslHandler}
 * first in the pipeline, set up by {@link NettyTls}. Thread-safe.
 */
final class NettyEchoServer {
    private static final Logger log = LoggerFactory.getLogger(NettyEchoServer.class);

    private NettyEchoServer() {
    }

    /** Binds {@code host:port} (0 for any free port) and starts echoing on {@code workers} threads. */
    static NettyTcpServer start(String host, int port, int workers) throws InterruptedException {
        return start(host, port, workers, null);
    }

    /**
     * Binds {@code host:port} (0 for any free port) and starts echoing on {@code workers} threads, over TLS when
     * {@code tls} is not null: an {@code SslHandler} from it first in each connection's pipeline, so the echo
     * handler reads and writes plaintext.
     */
    static NettyTcpServer start(String host, int port, int workers, SslContext tls) throws InterruptedException {
        EchoHandler echo = new EchoHandler();
        return NettyTcpServer.bind(host, port, workers, 1024, ch -> {
            if (tls != null) {
                ch.pipeline().addLast(tls.newHandler(ch.alloc()));
            }
            ch.pipeline().addLast(echo);
        });
    }

    /** Writes every buffer back as it is read; flushes once per read batch. Stateless, so shared. */
    @ChannelHandler.Sharable
    private static final class EchoHandler extends ChannelInboundHandlerAdapter {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ctx.write(msg);
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
