package io.switchboard.lifecycle;

import io.switchboard.pipeline.Handler;
import io.switchboard.pipeline.HandlerContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps a connection "online" and finds the ones that are not, on both ends of a connection: place it
 * after an {@link IdleDetector} and a codec. When nothing was written for the write-idle period it sends
 * {@code ping}; when nothing arrived for the read-idle period it closes the connection (the peer is gone,
 * or a firewall dropped the path). An inbound {@code ping} is answered with {@code pong}; inbound pings and
 * pongs are not passed on, but count as traffic like any other bytes. Pings and pongs are compared with
 * {@code equals}, so with a line codec they are strings such as {@code "PING"} and {@code "PONG"}.
 * Loop thread only; stateless, so one instance may serve every connection.
 */
public final class Heartbeat implements Handler {
    private static final Logger log = LoggerFactory.getLogger(Heartbeat.class);

    private final Object ping;
    private final Object pong;

    /**
     * A heartbeat that sends {@code ping} and answers it with {@code pong}.
     *
     * @param ping the message sent when the connection is write-idle, as the codec before it expects
     * @param pong the answer to an inbound {@code ping}
     */
    public Heartbeat(Object ping, Object pong) {
        this.ping = ping;
        this.pong = pong;
    }

    @Override
    public void userEvent(HandlerContext ctx, Object event) {
        if (event == IdleEvent.WRITE) {
            ctx.writeAndFlush(ping);
        } else if (event == IdleEvent.READ) {
            log.debug("closing {}: nothing received for the read-idle period", ctx.connection());
            ctx.connection().close();
        }
        ctx.fireUserEvent(event);
    }

    @Override
    public void read(HandlerContext ctx, Object message) {
        if (ping.equals(message)) {
            ctx.writeAndFlush(pong);
        } else if (!pong.equals(message)) {
            ctx.fireRead(message);
        }
    }
}
