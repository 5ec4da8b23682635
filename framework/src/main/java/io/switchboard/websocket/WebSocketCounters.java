package io.switchboard.websocket;

import java.util.concurrent.atomic.LongAdder;

/**
 * What the WebSocket sessions of one {@link WebSocketUpgrade} (one route) counted: sessions opened (the handler's
 * {@code onOpen} ran) and closed (its {@code onClose} ran). A session is counted once per connection, so a
 * {@link LongAdder} each costs nothing on the message path. Thread-safe; the counts only grow.
 */
public final class WebSocketCounters {
    final LongAdder opened = new LongAdder();
    final LongAdder closed = new LongAdder();

    WebSocketCounters() {
    }

    /** {@return the sessions opened} */
    public long opened() {
        return opened.sum();
    }

    /** {@return the sessions closed} */
    public long closed() {
        return closed.sum();
    }

    /** {@return the sessions open now: opened and not yet closed} */
    public long active() {
        long c = closed.sum();
        return Math.max(0, opened.sum() - c);
    }

    @Override
    public String toString() {
        return "opened=" + opened() + ", closed=" + closed();
    }
}
