package io.switchboard.bench;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.ssl.SslContext;
import java.net.InetSocketAddress;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The standard Netty 4.2 echo server, the peer Switchboard's echo example is measured against: one boss
 * thread, N NIO worker threads, TCP_NODELAY, a shared handler that writes each read buffer back in
 * {@code channelRead} and flushes in {@code channelReadComplete}. Netty's defaults otherwise (its default
 * allocator, leak detection level and read sizing). Over TLS ({@code --tls-cert/--tls-key}): an {@code SslHandler}
 * first in the pipeline, set up by {@link NettyTls}. Thread-safe.
 */
final class NettyEchoServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(NettyEchoServer.class);

    private final EventLoopGroup boss;
    private final EventLoopGroup workers;
    private final Channel listener;
    private final CompletableFuture<Void> closed = new CompletableFuture<>();

    private NettyEchoServer(EventLoopGroup boss, EventLoopGroup workers, Channel listener) {
        this.boss = boss;
        this.workers = workers;
        this.listener = listener;
    }

    /** Binds {@code host:port} (0 for any free port) and starts echoing on {@code workers} threads. */
    static NettyEchoServer start(String host, int port, int workers) throws InterruptedException {
        return start(host, port, workers, null);
    }

    /**
     * Binds {@code host:port} (0 for any free port) and starts echoing on {@code workers} threads, over TLS when
     * {@code tls} is not null: an {@code SslHandler} from it first in each connection's pipeline, so the echo
     * handler reads and writes plaintext.
     */
    static NettyEchoServer start(String host, int port, int workers, SslContext tls) throws InterruptedException {
        EventLoopGroup boss = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        EventLoopGroup loops = new MultiThreadIoEventLoopGroup(workers, NioIoHandler.newFactory());
        EchoHandler echo = new EchoHandler();
        try {
            Channel listener = new ServerBootstrap()
                    .group(boss, loops)
                    .channel(NioServerSocketChannel.class)
                    .option(ChannelOption.SO_BACKLOG, 1024)
                    .childOption(ChannelOption.TCP_NODELAY, true)
                    .childHandler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel ch) {
                            if (tls != null) {
                                ch.pipeline().addLast(tls.newHandler(ch.alloc()));
                            }
                            ch.pipeline().addLast(echo);
                        }
                    })
                    .bind(host, port).sync().channel();
            return new NettyEchoServer(boss, loops, listener);
        } catch (InterruptedException | RuntimeException e) {
            boss.shutdownGracefully(0, 0, TimeUnit.SECONDS);
            loops.shutdownGracefully(0, 0, TimeUnit.SECONDS);
            throw e;
        }
    }

    /** The bound address (with the real port when 0 was asked for). */
    InetSocketAddress localAddress() {
        return (InetSocketAddress) listener.localAddress();
    }

    /** Completes once {@link #close()} has stopped every thread. */
    CompletableFuture<Void> closeFuture() {
        return closed;
    }

    /** Closes the listener and every connection, then stops the threads. */
    @Override
    public void close() {
        listener.close().syncUninterruptibly();
        boss.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        workers.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        closed.complete(null);
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
