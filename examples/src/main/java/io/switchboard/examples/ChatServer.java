package io.switchboard.examples;

import io.switchboard.codec.LineCodec;
import io.switchboard.lifecycle.Heartbeat;
import io.switchboard.lifecycle.IdleDetector;
import io.switchboard.pipeline.Handler;
import io.switchboard.pipeline.HandlerContext;
import io.switchboard.pipeline.MemoryBudget;
import io.switchboard.proxy.ProxyProtocol;
import io.switchboard.server.Server;
import io.switchboard.tls.TlsServerContext;
import java.time.Duration;

/**
 * A line chat: every line a client sends reaches every other client, and the members of the chat's web page
 * ({@link ChatWeb}), in the one order of the {@link ChatRoom}. The server writes {@code PING} to a client it has
 * written nothing to for the ping interval and closes a client that has sent nothing for the idle timeout; a
 * {@code PONG} line counts as traffic. A client that reads the chat more slowly than it is written (its queue above
 * the connection's high watermark) is disconnected rather than sent everything: the server holds at most about one
 * watermark for it, and the client sees the close and can reconnect.
 */
public final class ChatServer {
    /** Longest chat line in bytes. */
    public static final int MAX_LINE = 4096;
    private static final Heartbeat HEARTBEAT = new Heartbeat("PING", "PONG");

    private ChatServer() {
    }

    /**
     * Starts the line chat of {@code room}, over TLS when {@code tls} is not null, behind a proxy that sends the PROXY
     * header when {@code proxy} is not null.
     */
    static Server start(ChatRoom room, String host, int port, int workers, Duration pingInterval, Duration idleTimeout,
                        TlsServerContext tls, MemoryBudget budget, ProxyProtocol proxy) {
        return Server.builder()
                .host(host)
                .port(port)
                .workers(workers)
                .tls(tls)
                .proxyProtocol(proxy)
                .memoryBudget(budget)
                .pipeline(p -> p.add(new LineCodec(MAX_LINE))
                        .add(new IdleDetector(idleTimeout, pingInterval, Duration.ZERO))
                        .add(HEARTBEAT)
                        .add(new LineMember(room)))
                .start();
    }

    /** One line client in the room. Loop thread only. */
    private static final class LineMember implements Handler {
        private final ChatRoom room;
        private ChatMember member;

        LineMember(ChatRoom room) {
            this.room = room;
        }

        @Override
        public void connected(HandlerContext ctx) {
            member = ChatMember.line(ctx.connection());
            room.join(member);
        }

        @Override
        public void read(HandlerContext ctx, Object line) {
            if (!room.say(member, String.valueOf(line))) {
                ctx.write("* the room is busy: your line was not sent");
            }
        }

        @Override
        public void closed(HandlerContext ctx) {
            if (member != null) {
                room.leave(member);
            }
            ctx.fireClosed();
        }
    }
}
