package io.switchboard.bench;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import java.net.InetSocketAddress;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * A listening Netty 4.2 server as the bench's Netty peers run it: one boss thread, N NIO worker threads,
 * TCP_NODELAY on every connection, and each connection's pipeline set up by the peer ({@link NettyEchoServer},
 * {@link NettyHttpServer}, {@link NettyStaticServer}, {@link NettyWebSocketServer}). Thread-safe.
 */
final class NettyTcpServer implements AutoCloseable {
    private final EventLoopGroup boss;
    private final EventLoopGroup workers;
    private final Channel listener;
    private final CompletableFuture<Void> closed = new CompletableFuture<>();

    private NettyTcpServer(EventLoopGroup boss, EventLoopGroup workers, Channel listener) {
        this.boss = boss;
        this.workers = workers;
        this.listener = listener;
    }

    /**
     * Binds {@code host:port} (0 for any free port) with an accept backlog of {@code backlog} and serves on
     * {@code workers} threads, {@code pipeline} setting up each new connection's pipeline. The threads are stopped
     * again when binding fails.
     */
    static NettyTcpServer bind(String host, int port, int workers, int backlog, Consumer<SocketChannel> pipeline)
            throws InterruptedException {
        EventLoopGroup boss = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        EventLoopGroup loops = new MultiThreadIoEventLoopGroup(workers, NioIoHandler.newFactory());
        try {
            Channel listener = new ServerBootstrap()
                    .group(boss, loops)
                    .channel(NioServerSocketChannel.class)
                    .option(ChannelOption.SO_BACKLOG, backlog)
                    .childOption(ChannelOption.TCP_NODELAY, true)
                    .childHandler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel ch) {
                            pipeline.accept(ch);
                        }
                    })
                    .bind(host, port).sync().channel();
            return new NettyTcpServer(boss, loops, listener);
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
}
