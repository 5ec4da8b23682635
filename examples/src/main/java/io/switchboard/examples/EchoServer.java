package io.switchboard.examples;

import io.switchboard.pipeline.Handler;
import io.switchboard.pipeline.HandlerContext;
import io.switchboard.server.Server;
import io.switchboard.tls.TlsServerContext;

/**
 * Echoes every byte back. The read buffer is borrowed, and writing it copies its bytes into the
 * connection's outbound queue; all echoes of one read batch leave in one write.
 */
public final class EchoServer {
    private EchoServer() {
    }

    /** The whole server: one stateless handler shared by every connection. */
    public static final Handler ECHO = new Handler() {
        @Override
        public void read(HandlerContext ctx, Object message) {
            ctx.write(message);
        }
    };

    /** Starts an echo server. */
    public static Server start(String host, int port, int workers) {
        return start(host, port, workers, null);
    }

    /** Starts an echo server, over TLS when {@code tls} is not null. */
    public static Server start(String host, int port, int workers, TlsServerContext tls) {
        return Server.builder()
                .host(host)
                .port(port)
                .workers(workers)
                .tls(tls)
                .pipeline(p -> p.add(ECHO))
                .start();
    }
}
