package io.switchboard.examples.syslog;

import io.switchboard.pipeline.Handler;
import io.switchboard.pipeline.HandlerContext;
import io.switchboard.pipeline.ProtocolException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Prints one line per message, the same for both transports:
 * <pre>
 * udp 127.0.0.1:40000 rfc5424 facility=local0 severity=notice time=2026-12-01T22:33:13.860400+00:00 host=vm app=myapp procid=- msgid=ID47 text=hello world
 * </pre>
 * and one line per malformed message, with the running count:
 * <pre>
 * malformed udp 127.0.0.1:40000: no PRI: a syslog message starts with '&lt;', this one with 'h' (1 so far)
 * </pre>
 * Control characters in the text are escaped ({@code \n}, {@code \x1b}), so a message is always one line.
 * Thread-safe: one printer serves every loop.
 */
public final class SyslogPrinter implements Handler {
    private final PrintStream out;
    private final AtomicLong messages = new AtomicLong();
    private final AtomicLong malformed = new AtomicLong();

    /** @param out where the lines go */
    public SyslogPrinter(PrintStream out) {
        this.out = out;
    }

    /** {@return the messages printed so far} */
    public long messages() {
        return messages.get();
    }

    /** {@return the malformed messages so far (and broken TCP framings)} */
    public long malformed() {
        return malformed.get();
    }

    @Override
    public void read(HandlerContext ctx, Object message) {
        if (message instanceof SyslogCodec.Received) {
            SyslogCodec.Received r = (SyslogCodec.Received) message;
            SyslogMessage m = r.message();
            messages.incrementAndGet();
            out.println(r.transport() + " " + address(r.from()) + " " + m.format() + " facility=" + m.facilityName()
                    + " severity=" + m.severityName() + " time=" + m.timestamp() + " host=" + m.host() + " app="
                    + m.app() + " procid=" + m.procid() + " msgid=" + m.msgid() + " text=" + escape(m.text()));
        } else if (message instanceof SyslogCodec.Rejected) {
            SyslogCodec.Rejected r = (SyslogCodec.Rejected) message;
            report(r.transport(), r.from(), r.reason());
        } else {
            ctx.fireRead(message);
        }
    }

    /** A TCP framing error ends that connection (the stream cannot be re-synchronised); it is reported first. */
    @Override
    public void exceptionCaught(HandlerContext ctx, Throwable cause) {
        if (cause instanceof ProtocolException) {
            report("tcp", ctx.connection().remoteAddress(), cause.getMessage() + "; closing the connection");
        }
        ctx.fireExceptionCaught(cause);
    }

    private void report(String transport, SocketAddress from, String reason) {
        out.println("malformed " + transport + " " + address(from) + ": " + reason + " (" + malformed.incrementAndGet()
                + " so far)");
    }

    private static String address(SocketAddress address) {
        if (address instanceof InetSocketAddress) {
            InetSocketAddress inet = (InetSocketAddress) address;
            return inet.getAddress().getHostAddress() + ":" + inet.getPort();
        }
        return String.valueOf(address);
    }

    /** Control characters as escapes, so that one message is one line. */
    static String escape(String text) {
        StringBuilder b = null;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c >= 32 && c != 127 && c != '\\') {
                if (b != null) {
                    b.append(c);
                }
                continue;
            }
            if (b == null) {
                b = new StringBuilder(text.length() + 8).append(text, 0, i);
            }
            switch (c) {
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                case '\t' -> b.append("\\t");
                case '\\' -> b.append("\\\\");
                default -> b.append(String.format("\\x%02x", (int) c));
            }
        }
        return b == null ? text : b.toString();
    }
}
