package io.switchboard.lifecycle;

import io.switchboard.pipeline.Connection;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;

/**
 * A set of open connections to push to, such as the members of a chat room. A connection leaves the group
 * by itself when it closes. Thread-safe: add, remove and broadcast from any thread.
 */
public final class ConnectionGroup {
    private final Set<Connection> members = ConcurrentHashMap.newKeySet();

    /** An empty group. */
    public ConnectionGroup() {
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
     * Writes {@code message} to every member.
     *
     * @param message the message, written through each member's whole pipeline
     */
    public void broadcast(Object message) {
        broadcast(message, c -> true);
    }

    /**
     * Writes {@code message} to every member {@code filter} accepts (to all but the sender, say). A member
     * whose peer reads too slowly for its outbound limits is closed by its connection, not by the group,
     * so one slow reader cannot hold up the others.
     *
     * @param message the message, written through each chosen member's whole pipeline
     * @param filter  chooses the members to write to
     */
    public void broadcast(Object message, Predicate<Connection> filter) {
        for (Connection c : members) {
            if (filter.test(c)) {
                c.write(message);
            }
        }
    }

    /** Closes every member. */
    public void closeAll() {
        members.forEach(Connection::close);
    }
}
