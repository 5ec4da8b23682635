package io.switchboard.lifecycle;

import io.switchboard.pipeline.Connection;
import java.nio.ByteBuffer;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
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
    /** Members on other loops whose loop is about to judge whether they keep up (at most one task each). */
    private final Set<Connection> judging = ConcurrentHashMap.newKeySet();

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
     * over its outbound limit is not written to: it is closed or skipped, as the group's {@link #slowReceivers()}
     * policy says.
     *
     * <p>Over its limit means that its peer is behind: more than its high watermark is still queued once the
     * socket has taken what it takes now. A member that is not {@linkplain Connection#isWritable() writable} is
     * first flushed, when it runs on the caller's loop, and judged on what is left, so that the writes a read
     * batch has made to it and not flushed yet do not count against it. A member on another loop cannot be
     * flushed from here: under {@link SlowReceivers#CLOSE} it is written to anyway (within its connection's
     * hard limits) and judged on its own loop, once, shortly after, because a close is for good and writes still
     * on their way to its loop are not its peer's fault; under {@link SlowReceivers#SKIP} it is skipped while it
     * is not writable, writes on their way counted.
     *
     * <p>A {@link ByteBuffer} is copied once, before this returns, and each member is written a read-only view
     * of the copy: every member gets the same bytes, and the caller may reuse its buffer once the call returns.
     * As with any write, the buffer's remaining bytes are taken (its position moves to its limit). Other messages
     * are written as they are (a {@code byte[]} is copied by each connection that is not on the caller's loop).
     * For WebSocket members, broadcast a {@link io.switchboard.websocket.WebSocketFrame}: the message is framed once
     * and every member whose stage sends it as it is (a server without compression for it) writes the same bytes,
     * where a {@code String} would be encoded by each member.
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
            if (!c.isWritable() && leftOut(c)) {
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

    /**
     * A member that is not writable: decides whether it is left out of this message (and closes it if the policy
     * says so), or is written to.
     */
    private boolean leftOut(Connection c) {
        if (c.loop().inLoop()) {
            c.flush();
            if (!behind(c)) {
                return false;
            }
            if (slowReceivers == SlowReceivers.CLOSE) {
                close(c);
            }
            return true;
        }
        if (slowReceivers == SlowReceivers.SKIP) {
            return true;
        }
        if (judging.add(c)) {
            try {
                c.loop().execute(() -> judge(c));
            } catch (RejectedExecutionException e) {
                judging.remove(c);
            }
        }
        return false;
    }

    /** On the member's loop: after a flush, is its peer still more than a high watermark behind? */
    private void judge(Connection c) {
        judging.remove(c);
        if (!c.isOpen()) {
            return;
        }
        c.flush();
        if (behind(c)) {
            close(c);
        }
    }

    /** Loop thread only. */
    private static boolean behind(Connection c) {
        return c.queuedBytes() > c.config().highWatermark();
    }

    private void close(Connection c) {
        if (members.remove(c)) {
            log.debug("{}: its peer is more than {} bytes behind a broadcast; closing", c, c.config().highWatermark());
            c.close();
        }
    }

    private static ByteBuffer copy(ByteBuffer message) {
        ByteBuffer copy = ByteBuffer.allocate(message.remaining());
        copy.put(message).flip();
        return copy.asReadOnlyBuffer();
    }
}
