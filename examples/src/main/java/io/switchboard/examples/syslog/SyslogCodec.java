package io.switchboard.examples.syslog;

import io.switchboard.pipeline.Handler;
import io.switchboard.pipeline.HandlerContext;
import io.switchboard.udp.Datagram;
import java.net.SocketAddress;
import java.nio.ByteBuffer;

/**
 * Turns whole syslog messages into {@link Received} (or {@link Rejected}) on either transport: a {@link Datagram}
 * (UDP, one message per datagram) or a {@link ByteBuffer} frame from {@link SyslogFraming} (TCP). The parsing is the
 * same {@link SyslogParser} for both. A malformed message is passed on as {@link Rejected}, never thrown: one bad
 * message closes nothing. Stateless: one instance may serve every connection and endpoint.
 */
public final class SyslogCodec implements Handler {
    private final String transport;

    /**
     * @param transport the name given to messages from this pipeline ({@code "udp"}, {@code "tcp"})
     */
    public SyslogCodec(String transport) {
        this.transport = transport;
    }

    /**
     * A message parsed.
     *
     * @param transport how it came
     * @param from      its sender
     * @param message   the message
     */
    public record Received(String transport, SocketAddress from, SyslogMessage message) {
    }

    /**
     * A message that was not syslog.
     *
     * @param transport how it came
     * @param from      its sender
     * @param reason    what is wrong with it
     */
    public record Rejected(String transport, SocketAddress from, String reason) {
    }

    @Override
    public void read(HandlerContext ctx, Object message) {
        ByteBuffer bytes;
        SocketAddress from;
        if (message instanceof Datagram) {
            bytes = ((Datagram) message).content();
            from = ((Datagram) message).sender();
        } else if (message instanceof ByteBuffer) {
            bytes = (ByteBuffer) message;
            from = ctx.connection().remoteAddress();
        } else {
            ctx.fireRead(message);
            return;
        }
        try {
            ctx.fireRead(new Received(transport, from, SyslogParser.parse(bytes)));
        } catch (MalformedSyslog e) {
            ctx.fireRead(new Rejected(transport, from, e.getMessage()));
        }
    }
}
