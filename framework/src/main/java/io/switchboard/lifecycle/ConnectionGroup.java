package io.switchboard.lifecycle;

import io.switchboard.pipeline.Connection;
import java.nio.ByteBuffer;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A set of open connections to push to, such as the members of a chat room. A connection leaves the group
 * by itself when it closes. A member that is over its outbound limit when a message is broadcast is closed or
 * skipped, as the group's {@link SlowReceivers} policy says (closed by default), so that one peer that does not
 * read cannot make the server hold every message for it. Thread-safe: add, remove and broadcast from any
 * thread.
 */
public final class ConnectionGroup {
    private static final Logger log = LoggerFactory.getLogger(ConnectionGroup.class);

    private final Set<Connection> members = ConcurrentHashMap.newKeySet();
    private final SlowReceivers slowReceivers;

    /** An empty group that closes members over their outbound limit ({@link SlowReceivers#CLOSE}). */
    public ConnectionGroup() {
        this(SlowReceivers.CLOSE);
    }

    /**
     * An empty group with the given policy for members over their outbound limit.
     *
     * @param slowReceivers what a broadcast does with a member whose peer does not keep up
     */
    public ConnectionGroup(SlowReceivers slowReceivers) {
        this.slowReceivers = Objects.requireNonNull(slowReceivers, "slowReceivers");
    }

    /** {@return what a broadcast does with a member over its outbound limit} */
    public SlowReceivers slowReceivers() {
        return slowReceivers;
    }

    /**
     * Adds an open connection; it leaves the group by itself when it closes.
     *
     * @param connection the connection
     * @return true when it was added; false if it was already a member or is closed
     */
    public boolean add(Connection connection) {
        if (!connection.isOpen() || !members.add(connection)) {
            return false;
        }
        connection.closeFuture().thenRun(() -> members.remove(connection));
        if (!connection.isOpen()) {
            members.remove(connection);
            return false;
        }
        return true;
    }

    /**
     * Removes a connection without closing it.
     *
     * @param connection the connection
     * @return true when it was a member
     */
    public boolean remove(Connection connection) {
        return members.remove(connection);
    }

    /** {@return the number of members} */
    public int size() {
        return members.size();
    }

    /**
     * Writes {@code message} to every member, as {@link #broadcast(Object, Predicate)} does.
     *
     * @param message the message, written through each member's whole pipeline
     * @return the number of members it was written to
     */
    public int broadcast(Object message) {
        return broadcast(message, c -> true);
    }

    /**
     * Writes {@code message} to every open member {@code filter} accepts (to all but the sender, say). A member
     * over its outbound limit ({@link Connection#isWritable()} false) is not written to: it is closed or skipped,
     * as the group's {@link #slowReceivers()} policy says.
     *
     * <p>A {@link ByteBuffer} is copied once, before this returns, and each member is written a read-only view
     * of the copy: every member gets the same bytes, and the caller may reuse its buffer once the call returns.
     * As with any write, the buffer's remaining bytes are taken (its position moves to its limit). Other messages
     * are written as they are (a {@code byte[]} is copied by each connection that is not on the caller's loop).
     *
     * @param message the message, written through each chosen member's whole pipeline
     * @param filter  chooses the members to write to
     * @return the number of members it was written to (not counting those filtered out, closed or skipped)
     */
    public int broadcast(Object message, Predicate<Connection> filter) {
        ByteBuffer bytes = message instanceof ByteBuffer ? copy((ByteBuffer) message) : null;
        int written = 0;
        for (Connection c : members) {
            if (!filter.test(c) || !c.isOpen()) {
                continue;
            }
            if (!c.isWritable()) {
                slow(c);
                continue;
            }
            c.write(bytes != null ? bytes.duplicate() : message);
            written++;
        }
        return written;
    }

    /** Closes every member. */
    public void closeAll() {
        members.forEach(Connection::close);
    }

    private void slow(Connection c) {
        if (slowReceivers == SlowReceivers.CLOSE && members.remove(c)) {
            log.debug("{}: over its outbound limit in a broadcast; closing", c);
            c.close();
        }
    }

    private static ByteBuffer copy(ByteBuffer message) {
        ByteBuffer copy = ByteBuffer.allocate(message.remaining());
        copy.put(message).flip();
        return copy.asReadOnlyBuffer();
    }
}
