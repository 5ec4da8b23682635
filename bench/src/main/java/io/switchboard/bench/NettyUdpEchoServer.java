package io.switchboard.bench;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.DatagramPacket;
import io.netty.channel.socket.nio.NioDatagramChannel;
import java.net.InetSocketAddress;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The standard Netty 4.2 UDP echo server, the peer Switchboard's udp-echo example is measured against: one
 * {@link NioDatagramChannel} on one NIO event loop, a shared handler that writes each {@link DatagramPacket}'s
 * content back to its sender in {@code channelRead0} and flushes in {@code channelReadComplete}. Netty's defaults
 * otherwise (its default allocator, a 2,048-byte receive buffer per datagram, leak detection level). Thread-safe.
 */
final class NettyUdpEchoServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(NettyUdpEchoServer.class);

    private final EventLoopGroup group;
    private final Channel channel;
    private final CompletableFuture<Void> closed = new CompletableFuture<>();

    private NettyUdpEchoServer(EventLoopGroup group, Channel channel) {
        this.group = group;
        this.channel = channel;
    }

    /** Binds {@code host:port} (0 for any free port) and starts echoing on one event loop. */
    static NettyUdpEchoServer start(String host, int port) throws InterruptedException {
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        try {
            Channel channel = new Bootstrap()
                    .group(group)
                    .channel(NioDatagramChannel.class)
                    .handler(new EchoHandler())
                    .bind(host, port).sync().channel();
            return new NettyUdpEchoServer(group, channel);
        } catch (InterruptedException | RuntimeException e) {
            group.shutdownGracefully(0, 0, TimeUnit.SECONDS);
            throw e;
        }
    }

    /** The bound address (with the real port when 0 was asked for). */
    InetSocketAddress localAddress() {
        return (InetSocketAddress) channel.localAddress();
    }

    /** Completes once {@link #close()} has stopped the event loop. */
    CompletableFuture<Void> closeFuture() {
        return closed;
    }

    /** Closes the channel, then stops the event loop. */
    @Override
    public void close() {
        channel.close().syncUninterruptibly();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        closed.complete(null);
    }

    /** Writes every datagram back to its sender; flushes once per read batch. Stateless, so shared. */
    @ChannelHandler.Sharable
    private static final class EchoHandler extends SimpleChannelInboundHandler<DatagramPacket> {
        @Override
        protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket packet) {
            ctx.write(new DatagramPacket(packet.content().retain(), packet.sender()));
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            ctx.flush();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            log.debug("datagram error: {}", cause.toString()); // a UDP channel serves every peer: keep it open
        }
    }
}
