package io.switchboard.examples.syslog;

import io.switchboard.loop.LoopGroup;
import io.switchboard.server.Server;
import io.switchboard.udp.DatagramConfig;
import io.switchboard.udp.DatagramServer;
import java.io.PrintStream;
import java.time.Duration;

/**
 * A syslog receiver on UDP (RFC 5426: one message per datagram) and TCP (RFC 6587: octet counting or LF-terminated
 * framing, told apart per message) at once, on one group of loops, with the same parsing codec on both transports
 * and one printer for both:
 *
 * <pre>
 *   UDP: Datagram ──────────────────────▶ SyslogCodec("udp") ─▶ SyslogPrinter
 *   TCP: bytes ─▶ SyslogFraming ─▶ frame ─▶ SyslogCodec("tcp") ─▶ SyslogPrinter
 * </pre>
 *
 * Try it with {@code logger --udp -n 127.0.0.1 -P 5514 --rfc5424 -t myapp "hello"} or {@code --tcp --octet-count}.
 */
public final class SyslogServer implements AutoCloseable {
    /** The longest message taken on either transport (RFC 5425 asks receivers for 8,192 at least). */
    public static final int MAX_MESSAGE = 64 * 1024 - 1;

    private final LoopGroup loops;
    private final DatagramServer udp;
    private final Server tcp;
    private final SyslogPrinter printer;

    private SyslogServer(LoopGroup loops, DatagramServer udp, Server tcp, SyslogPrinter printer) {
        this.loops = loops;
        this.udp = udp;
        this.tcp = tcp;
        this.printer = printer;
    }

    /**
     * Starts both listeners.
     *
     * @param host    the address to bind
     * @param udpPort the UDP port (0: any free one)
     * @param tcpPort the TCP port (0: any free one)
     * @param workers loops shared by both listeners
     * @param out     where messages are printed
     * @return the running server
     */
    public static SyslogServer start(String host, int udpPort, int tcpPort, int workers, PrintStream out) {
        LoopGroup loops = new LoopGroup("syslog", workers);
        SyslogPrinter printer = new SyslogPrinter(out);
        SyslogCodec udpCodec = new SyslogCodec("udp");
        SyslogCodec tcpCodec = new SyslogCodec("tcp");
        DatagramServer udp = null;
        try {
            udp = DatagramServer.builder().host(host).port(udpPort).loops(loops)
                    .config(DatagramConfig.DEFAULTS.withMaxDatagramSize(MAX_MESSAGE))
                    .pipeline(p -> p.add(udpCodec).add(printer))
                    .start();
            Server tcp = Server.builder().host(host).port(tcpPort).loops(loops)
                    .pipeline(p -> p.add(new SyslogFraming(MAX_MESSAGE)).add(tcpCodec).add(printer))
                    .start();
            return new SyslogServer(loops, udp, tcp, printer);
        } catch (RuntimeException e) {
            if (udp != null) {
                udp.close();
            }
            loops.shutdown();
            throw e;
        }
    }

    /** {@return the UDP listener} */
    public DatagramServer udp() {
        return udp;
    }

    /** {@return the TCP listener} */
    public Server tcp() {
        return tcp;
    }

    /** {@return the printer, with its counts} */
    public SyslogPrinter printer() {
        return printer;
    }

    /**
     * Stops both listeners and the loops, within {@code timeout} (plus the TCP server's margin).
     *
     * @param timeout how long TCP senders may take to finish
     */
    public void close(Duration timeout) {
        udp.closeGracefully(timeout);
        tcp.closeGracefully(timeout);
        try {
            loops.shutdown(Duration.ofSeconds(1));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        close(Duration.ofSeconds(1));
    }

    /**
     * Starts the server, prints its listening line (the UDP address first), and runs until the JVM is asked to stop
     * (SIGTERM, Ctrl-C).
     *
     * @return the exit status
     */
    public static int serve(String host, int udpPort, int tcpPort, int workers, PrintStream out) {
        SyslogServer server = start(host, udpPort, tcpPort, workers, out);
        java.util.concurrent.CountDownLatch stopped = new java.util.concurrent.CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.close(Duration.ofSeconds(1));
            stopped.countDown();
        }, "shutdown"));
        out.println("syslog server listening on " + address(server.udp().localAddress()) + " (udp) and "
                + address(server.tcp().localAddress()) + " (tcp) (" + workers + " workers)");
        out.flush();
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return 0;
    }

    private static String address(java.net.InetSocketAddress address) {
        return address.getAddress().getHostAddress() + ":" + address.getPort();
    }
}
