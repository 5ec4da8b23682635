package io.switchboard.bench;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.ChannelMatchers;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.ContinuationWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolConfig;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import io.netty.handler.codec.http.websocketx.extensions.compression.WebSocketServerCompressionHandler;
import io.netty.util.concurrent.GlobalEventExecutor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Netty 4.2 WebSocket server the WebSocket scenarios measure Switchboard against, built the way Netty's own
 * WebSocket example is: {@link HttpServerCodec}, an {@link HttpObjectAggregator} for the handshake,
 * {@link WebSocketServerCompressionHandler} (permessage-deflate, agreed when the client offers it, as Switchboard's
 * {@code /ws/echo} route does) and {@link WebSocketServerProtocolHandler} (the handshake, pings, the closing
 * handshake, UTF-8 checks of text), then one handler for the messages, then {@link NettyHttpServer}'s handler for
 * {@code GET /plaintext} (the idle scenarios' warm-up and check use it).
 *
 * <ul>
 *   <li>{@value #ECHO_PATH}: every data frame is written back as it came ({@code ctx.write}, flushed when the read
 *       batch ends, as {@link NettyEchoServer} does), text as text, binary as binary; frames up to 16 MiB, as the
 *       http example's echo route.</li>
 *   <li>{@value #BROADCAST_PATH}: the connection joins one {@link ChannelGroup} once its handshake is complete, and
 *       every data frame that arrives is written to every member with {@code ChannelGroup.writeAndFlush} (each
 *       member gets a retained duplicate of the frame, void promises: Netty's cheapest broadcast).</li>
 * </ul>
 *
 * <p>Thread-safe.
 */
final class NettyWebSocketServer {
    private static final Logger log = LoggerFactory.getLogger(NettyWebSocketServer.class);
    /** The echo route, the same path as the http example's. */
    static final String ECHO_PATH = "/ws/echo";
    /** The broadcast route, the same path as {@link WsBroadcastServer}'s. */
    static final String BROADCAST_PATH = "/ws/broadcast";
    /** The largest frame, as the http example's {@code /ws/echo} (16 MiB). */
    static final int MAX_FRAME = 16 * 1024 * 1024;

    private NettyWebSocketServer() {
    }

    /** Binds {@code host:port} (0 for any free port) and serves on {@code workers} threads. */
    static NettyTcpServer start(String host, int port, int workers) throws InterruptedException {
        ChannelGroup broadcast = new DefaultChannelGroup("broadcast", GlobalEventExecutor.INSTANCE);
        WebSocketServerProtocolConfig ws = WebSocketServerProtocolConfig.newBuilder()
                .websocketPath("/ws")
                .checkStartsWith(true)
                .allowExtensions(true)
                .maxFramePayloadLength(MAX_FRAME)
                .build();
        return NettyTcpServer.bind(host, port, workers, 4096, ch -> {
            ch.pipeline().addLast(new HttpServerCodec(), new HttpObjectAggregator(64 * 1024),
                    new WebSocketServerCompressionHandler(0), new WebSocketServerProtocolHandler(ws),
                    new FrameHandler(broadcast), new NettyHttpServer.HttpHandler());
        });
    }

    /**
     * Echoes or broadcasts the data frames of one connection; passes anything else on (the HTTP requests that are
     * not handshakes). The flush at the end of a read batch is the next handler's ({@link NettyHttpServer.HttpHandler}
     * flushes in {@code channelReadComplete}). One per connection.
     */
    private static final class FrameHandler extends ChannelInboundHandlerAdapter {
        private final ChannelGroup broadcast;
        private boolean broadcasting;

        FrameHandler(ChannelGroup broadcast) {
            this.broadcast = broadcast;
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
            if (event instanceof WebSocketServerProtocolHandler.HandshakeComplete) {
                String uri = ((WebSocketServerProtocolHandler.HandshakeComplete) event).requestUri();
                if (uri.startsWith(BROADCAST_PATH)) {
                    broadcasting = true;
                    broadcast.add(ctx.channel());
                }
            }
            ctx.fireUserEventTriggered(event);
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (msg instanceof TextWebSocketFrame || msg instanceof BinaryWebSocketFrame
                    || msg instanceof ContinuationWebSocketFrame) {
                if (broadcasting) {
                    broadcast.writeAndFlush(msg, ChannelMatchers.all(), true); // releases msg
                } else {
                    ctx.write(msg, ctx.voidPromise());
                }
            } else {
                ctx.fireChannelRead(msg);
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            log.debug("closing {}: {}", ctx.channel().remoteAddress(), cause.toString());
            ctx.close();
        }
    }
}
