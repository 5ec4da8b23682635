package io.switchboard.server;

import io.switchboard.loop.SelectorLoop;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What a {@link Server} counts of its connections, read at any time: connections open, opened, closed and refused by
 * the connection limit, and bytes read and written, with its loops for their own counts ({@link SelectorLoop#stalls()},
 * {@link SelectorLoop#pendingTasks()}, {@link SelectorLoop#queuedOutboundBytes()}).
 *
 * <p>Each worker loop counts its connections in counters of its own, with plain stores (no atomic operation per read
 * or write); a read here adds the loops up, so the counts of different loops are not taken at one instant, and a
 * count read on another thread may trail the loop's by the writes it has not yet published. Counts only grow, except
 * {@link #connectionsOpen()}. When the server was built with {@link Server.Builder#metrics(boolean) metrics(false)}
 * the loops count nothing: opened, closed and the bytes stay 0 ({@link #enabled()} is false); the open and refused
 * counts, which the server keeps for its limit, are there either way. Thread-safe.
 */
public final class ServerMetrics {
    private final boolean enabled;
    private final List<SelectorLoop> loops;
    private final Map<SelectorLoop, ConnectionCounters> counters;
    private final AtomicInteger open;
    private final AtomicLong refused;

    ServerMetrics(boolean enabled, List<SelectorLoop> loops, AtomicInteger open, AtomicLong refused) {
        this.enabled = enabled;
        this.loops = List.copyOf(loops);
        this.open = open;
        this.refused = refused;
        Map<SelectorLoop, ConnectionCounters> map = new IdentityHashMap<>();
        if (enabled) {
            for (SelectorLoop loop : loops) {
                map.put(loop, new ConnectionCounters());
            }
        }
        this.counters = map;
    }

    /** {@return the counters of {@code loop}, or null when the server counts nothing} */
    ConnectionCounters on(SelectorLoop loop) {
        return counters.get(loop);
    }

    /** {@return true when the loops count connections and bytes} */
    public boolean enabled() {
        return enabled;
    }

    /** {@return the connections open now: accepted and not yet closed} */
    public long connectionsOpen() {
        return open.get();
    }

    /** {@return the connections opened (accepted and handed to a worker loop) since the server started} */
    public long connectionsOpened() {
        return sum(ConnectionCounters.OPENED);
    }

    /** {@return the connections closed since the server started} */
    public long connectionsClosed() {
        return sum(ConnectionCounters.CLOSED);
    }

    /** {@return the connections refused because {@link ServerConfig#maxConnections()} were open} */
    public long connectionsRefused() {
        return refused.get();
    }

    /** {@return the bytes read from the server's connections} */
    public long bytesRead() {
        return sum(ConnectionCounters.BYTES_IN);
    }

    /** {@return the bytes the server's connections' sockets took (TLS records, not plaintext, on a TLS server)} */
    public long bytesWritten() {
        return sum(ConnectionCounters.BYTES_OUT);
    }

    /**
     * {@return the server's worker loops, for their own counts} A loop group shared with other servers or clients counts
     * their work too.
     */
    public List<SelectorLoop> loops() {
        return loops;
    }

    private long sum(int slot) {
        long total = 0;
        for (ConnectionCounters c : counters.values()) {
            total += c.get(slot);
        }
        return total;
    }

    @Override
    public String toString() {
        return "open=" + connectionsOpen() + ", opened=" + connectionsOpened() + ", closed=" + connectionsClosed()
                + ", refused=" + connectionsRefused() + ", bytesRead=" + bytesRead() + ", bytesWritten=" + bytesWritten();
    }
}
