package io.switchboard.examples;

import io.switchboard.codec.LineCodec;
import io.switchboard.lifecycle.ConnectionGroup;
import io.switchboard.lifecycle.Heartbeat;
import io.switchboard.lifecycle.IdleDetector;
import io.switchboard.lifecycle.SlowReceivers;
import io.switchboard.pipeline.Connection;
import io.switchboard.pipeline.Handler;
import io.switchboard.pipeline.HandlerContext;
import io.switchboard.server.Server;
import io.switchboard.tls.TlsServerContext;
import java.time.Duration;

/**
 * A line chat: every line a client sends reaches every other client. The server writes {@code PING} to a
 * client it has written nothing to for the ping interval and closes a client that has sent nothing for
 * the idle timeout; a {@code PONG} line counts as traffic. A client that reads the chat more slowly than it
 * is written (its queue above the connection's high watermark) is disconnected rather than sent everything:
 * the server holds at most about one watermark for it, and the client sees the close and can reconnect.
 */
public final class ChatServer {
    /** Longest chat line in bytes. */
    public static final int MAX_LINE = 4096;
    private static final Heartbeat HEARTBEAT = new Heartbeat("PING", "PONG");

    private ChatServer() {
    }

    /** Starts the chat server, over TLS when {@code tls} is not null. */
    public static Server start(String host, int port, int workers, Duration pingInterval, Duration idleTimeout,
                               TlsServerContext tls) {
        ConnectionGroup room = new ConnectionGroup(SlowReceivers.CLOSE);
        Handler chat = new Handler() {
            @Override
            public void connected(HandlerContext ctx) {
                Connection me = ctx.connection();
                room.broadcast("* " + name(me) + " joined", c -> c != me);
                room.add(me);
                ctx.write("* welcome, " + name(me) + " (" + room.size() + " online)");
            }

            @Override
            public void read(HandlerContext ctx, Object line) {
                Connection me = ctx.connection();
                room.broadcast(name(me) + ": " + line, c -> c != me);
            }

            @Override
            public void closed(HandlerContext ctx) {
                Connection me = ctx.connection();
                room.broadcast("* " + name(me) + " left", c -> c != me);
            }
        };
        return Server.builder()
                .host(host)
                .port(port)
                .workers(workers)
                .tls(tls)
                .pipeline(p -> p.add(new LineCodec(MAX_LINE))
                        .add(new IdleDetector(idleTimeout, pingInterval, Duration.ZERO))
                        .add(HEARTBEAT)
                        .add(chat))
                .start();
    }

    private static String name(Connection c) {
        return String.valueOf(c.remoteAddress()).replaceFirst("^/", "");
    }
}
