package io.switchboard.examples;

import io.switchboard.pipeline.Handler;
import io.switchboard.pipeline.HandlerContext;
import io.switchboard.udp.Datagram;
import io.switchboard.udp.DatagramServer;
import java.io.PrintStream;
import java.time.Duration;

/**
 * Echoes every datagram to its sender. The datagram's content is the loop's read buffer, and writing it sends it
 * straight from there: no copy, no allocation per datagram. With several workers, one socket per loop shares the
 * port (SO_REUSEPORT) and the kernel spreads senders over them.
 */
public final class UdpEchoServer {
    private UdpEchoServer() {
    }

    /** The whole server: plain bytes written while a datagram is handled go back to its sender. */
    public static final Handler ECHO = new Handler() {
        @Override
        public void read(HandlerContext ctx, Object message) {
            ctx.write(((Datagram) message).content());
        }
    };

    /** Starts a UDP echo server with one endpoint (and loop) per worker. */
    public static DatagramServer start(String host, int port, int workers) {
        return DatagramServer.builder()
                .host(host)
                .port(port)
                .endpoints(workers)
                .pipeline(p -> p.add(ECHO))
                .start();
    }

    /** Starts the server, prints its listening line, and runs until the JVM is asked to stop (SIGTERM, Ctrl-C). */
    static int serve(String host, int port, int workers, PrintStream out) {
        DatagramServer server = start(host, port, workers);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> server.closeGracefully(Duration.ofSeconds(1)), "shutdown"));
        out.println("udp-echo server listening on " + server.localAddress().getAddress().getHostAddress() + ":"
                + server.localAddress().getPort() + " (udp, " + workers + (workers == 1 ? " endpoint)" : " endpoints)"));
        out.flush();
        server.closeFuture().join();
        return 0;
    }
}
