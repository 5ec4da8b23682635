package io.switchboard.proxy;

import io.switchboard.loop.Scheduled;
import io.switchboard.pipeline.Connection;
import io.switchboard.pipeline.Handler;
import io.switchboard.pipeline.HandlerContext;
import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The PROXY protocol stage: first in the pipeline (before TLS), it reads the header a proxy sends ahead of its
 * client's bytes, makes the connection report the client's addresses, and steps out of the pipeline.
 *
 * <pre>
 *   socket ─▶ [ProxyProtocolHandler: header ▶ relayAddresses ▶ removes itself] ─▶ TLS ─▶ codec ─▶ …
 * </pre>
 *
 * <p>Nothing after the stage runs before the whole header is read: the handlers after it see {@code connected} only
 * then, with {@link Connection#remoteAddress()} already the client's (a server that speaks first, an SMTP banner or a
 * chat's welcome, names the right peer), then the {@link ProxyHeader} as a user event (also stored under
 * {@link ProxyHeader#KEY}), then the bytes that came after the header, in the same read. {@code readComplete} is not
 * passed on before. The stage then removes itself: a connection pays for it only while its header arrives.
 *
 * <p>Refusals, each closing the connection before any of its bytes reach the handlers after the stage, counted in
 * {@link ProxyProtocol#counters()}, and logged at debug (at warn at most once a minute per {@link ProxyProtocol}):
 * a peer outside the trusted ranges (closed on {@code connected}, before it sends anything); a header that breaks the
 * specification, refused at the first byte that does; v2 fields over {@link ProxyProtocol#maxTlvBytes()}; a header
 * not whole within {@link ProxyProtocol#headerTimeout()} from {@code connected} (a timer on the loop); a peer that
 * ends its side first. The handlers after the stage see {@code closed} all the same, without {@code connected}, as
 * when a pipeline fails to open.
 *
 * <p>Loop thread only; one per connection, made by {@link ProxyProtocol#newHandler()}.
 */
public final class ProxyProtocolHandler implements Handler {
    private static final Logger log = LoggerFactory.getLogger(ProxyProtocolHandler.class);

    /** Where the connection stands. */
    private enum Phase {
        /** Waiting for the rest of the header. */
        READING,
        /** The header was read and the stage handed over. */
        DONE,
        /** The connection was refused: nothing more is read. */
        REFUSED
    }

    private final ProxyProtocol protocol;
    private final ProxyHeaderParser parser;
    private Phase phase = Phase.READING;
    private Scheduled deadline;

    ProxyProtocolHandler(ProxyProtocol protocol) {
        this.protocol = protocol;
        this.parser = new ProxyHeaderParser(protocol.maxTlvBytes());
    }

    @Override
    public void connected(HandlerContext ctx) {
        Connection connection = ctx.connection();
        if (!protocol.isTrusted(connection.socketRemoteAddress())) {
            protocol.counters().untrusted.increment();
            refuse(ctx, "PROXY protocol from {}, outside the trusted ranges {}; closing", connection.socketRemoteAddress(),
                    protocol.trusted());
            return;
        }
        deadline = ctx.loop().schedule(() -> timedOut(ctx), protocol.headerTimeout().toNanos(), TimeUnit.NANOSECONDS);
        // connected goes on once the header is read.
    }

    @Override
    public void read(HandlerContext ctx, Object message) {
        if (!(message instanceof ByteBuffer in)) {
            ctx.fireRead(message);
            return;
        }
        if (phase != Phase.READING) {
            in.position(in.limit()); // refused: the peer's bytes go nowhere
            return;
        }
        ProxyHeader header;
        try {
            header = parser.parse(in);
        } catch (ProxyProtocolException e) {
            in.position(in.limit());
            (e.isOversized() ? protocol.counters().oversized : protocol.counters().invalid).increment();
            refuse(ctx, "invalid PROXY protocol header from {}: {}; closing", ctx.connection().socketRemoteAddress(),
                    e.getMessage());
            return;
        }
        if (header != null) {
            handOver(ctx, header, in);
        }
    }

    @Override
    public void readComplete(HandlerContext ctx) {
        if (phase == Phase.DONE) {
            ctx.fireReadComplete();
        }
    }

    @Override
    public void inputClosed(HandlerContext ctx) {
        if (phase == Phase.DONE) {
            ctx.fireInputClosed();
            return;
        }
        if (phase == Phase.READING) {
            protocol.counters().closedEarly.increment();
            log.debug("{}: the peer ended the connection after {} bytes of its PROXY header", ctx.connection(),
                    parser.buffered());
            phase = Phase.REFUSED;
            cancelDeadline();
            ctx.close();
        }
    }

    @Override
    public void exceptionCaught(HandlerContext ctx, Throwable cause) {
        if (phase == Phase.READING && cause instanceof java.io.IOException) {
            protocol.counters().closedEarly.increment();
            phase = Phase.REFUSED;
            cancelDeadline();
        }
        ctx.fireExceptionCaught(cause);
    }

    @Override
    public void closed(HandlerContext ctx) {
        cancelDeadline();
        ctx.fireClosed();
    }

    @Override
    public void removed(HandlerContext ctx) {
        cancelDeadline();
    }

    /** The header is whole: the addresses, then {@code connected}, the header, and what followed it, go on. */
    private void handOver(HandlerContext ctx, ProxyHeader header, ByteBuffer rest) {
        phase = Phase.DONE;
        cancelDeadline();
        Connection connection = ctx.connection();
        connection.attr(ProxyHeader.KEY, header);
        if (header.isRelayed()) {
            protocol.counters().relayed.increment();
            connection.relayAddresses(header.source(), header.destination());
        } else {
            protocol.counters().local.increment();
        }
        log.debug("{}: PROXY v{} {} header read", connection, header.version(), header.command());
        ctx.pipeline().remove(this);
        ctx.fireConnected();
        if (!connection.isOpen()) {
            return;
        }
        ctx.fireUserEvent(header);
        if (rest.hasRemaining() && connection.isOpen()) {
            ctx.fireRead(rest);
        }
    }

    private void timedOut(HandlerContext ctx) {
        deadline = null;
        if (phase != Phase.READING) {
            return;
        }
        protocol.counters().timedOut.increment();
        refuse(ctx, "no whole PROXY protocol header from {} within {} ({} bytes of it came); closing",
                ctx.connection().socketRemoteAddress(), protocol.headerTimeout(), parser.buffered());
    }

    private void refuse(HandlerContext ctx, String message, Object... args) {
        phase = Phase.REFUSED;
        cancelDeadline();
        protocol.warn(log, message, args);
        ctx.close();
    }

    private void cancelDeadline() {
        if (deadline != null) {
            deadline.cancel();
            deadline = null;
        }
    }
}
