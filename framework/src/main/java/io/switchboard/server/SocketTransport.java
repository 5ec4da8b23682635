package io.switchboard.server;

import io.switchboard.internal.jfr.ConnectionClosedEvent;
import io.switchboard.internal.jfr.ConnectionOpenedEvent;
import io.switchboard.internal.jfr.FlightEvents;
import io.switchboard.loop.Selectable;
import io.switchboard.loop.SelectorLoop;
import io.switchboard.pipeline.Connection;
import io.switchboard.pipeline.Transport;
import java.io.IOException;
import java.net.SocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link Transport} over a connected, non-blocking {@link SocketChannel}. It counts what crosses it (in its server's
 * {@link ConnectionCounters} for the loop, when the server counts) and, while a JFR recording runs, records the
 * connection's open and close ({@link ConnectionOpenedEvent}, {@link ConnectionClosedEvent}). Loop thread only.
 */
final class SocketTransport implements Transport, Selectable {
    private static final Logger log = LoggerFactory.getLogger(SocketTransport.class);

    private final SelectorLoop loop;
    private final SocketChannel channel;
    private final SocketAddress local;
    private final SocketAddress remote;
    /** The server that accepted the socket, or null for a client connection. */
    final Server owner;
    /** Runs once when the socket is closed (the server's count of open connections), or null. */
    private Runnable onClose;
    /** The connection over this transport, once opened. */
    Connection connection;
    private SelectionKey key;
    private Events events;
    private int ops;
    /** The server's counters on this loop, or null (a client connection, or a server that counts nothing). */
    private final ConnectionCounters counters;
    private final long openedAt;
    private long bytesIn;
    private long bytesOut;
    /** Why the connection ended, once known: the first cause seen wins. */
    private String closeReason;
    private boolean closed;

    SocketTransport(SelectorLoop loop, SocketChannel channel, Server owner, Runnable onClose,
                    ConnectionCounters counters) throws IOException {
        this.loop = loop;
        this.channel = channel;
        this.owner = owner;
        this.onClose = onClose;
        this.counters = counters;
        this.local = channel.getLocalAddress();
        this.remote = channel.getRemoteAddress();
        this.openedAt = loop.nanoTime();
        if (counters != null) {
            counters.add(ConnectionCounters.OPENED, 1);
        }
    }

    @Override
    public void start(Events events) throws IOException {
        assert loop.inLoop();
        this.events = events;
        this.key = loop.register(channel, 0, this);
        if (FlightEvents.connectionOpened()) {
            ConnectionOpenedEvent e = new ConnectionOpenedEvent();
            e.remoteAddress = FlightEvents.text(remote);
            e.localAddress = FlightEvents.text(local);
            e.accepted = owner != null;
            e.commit();
        }
    }

    @Override
    public int read(ByteBuffer dst) throws IOException {
        int n;
        try {
            n = channel.read(dst);
        } catch (IOException e) {
            because("error: " + e.getMessage());
            throw e;
        }
        if (n > 0) {
            bytesIn += n;
            if (counters != null) {
                counters.add(ConnectionCounters.BYTES_IN, n);
            }
        } else if (n < 0) {
            because("peer closed");
        }
        return n;
    }

    @Override
    public long write(ByteBuffer[] srcs, int offset, int length) throws IOException {
        long n;
        try {
            n = length == 1 ? channel.write(srcs[offset]) : channel.write(srcs, offset, length);
        } catch (IOException e) {
            because("error: " + e.getMessage());
            throw e;
        }
        if (n > 0) {
            bytesOut += n;
            if (counters != null) {
                counters.add(ConnectionCounters.BYTES_OUT, n);
            }
        }
        return n;
    }

    private void because(String reason) {
        if (closeReason == null) {
            closeReason = reason;
        }
    }

    /** Sends the file's bytes with {@code sendfile(2)}: they never enter the heap or the connection's buffers. */
    @Override
    public long transferFile(FileChannel file, long position, long count) throws IOException {
        return file.transferTo(position, count, channel);
    }

    @Override
    public void interest(boolean read, boolean write) {
        int wanted = (read ? SelectionKey.OP_READ : 0) | (write ? SelectionKey.OP_WRITE : 0);
        if (wanted != ops && key != null && key.isValid()) {
            ops = wanted;
            key.interestOps(wanted);
        }
    }

    @Override
    public void shutdownOutput() throws IOException {
        channel.shutdownOutput();
    }

    @Override
    public void close() {
        try {
            channel.close();
        } catch (IOException e) {
            log.debug("closing {}", remote, e);
        }
        Runnable hook = onClose;
        if (hook != null) {
            onClose = null;
            hook.run();
        }
        if (!closed) {
            closed = true;
            closedNow();
        }
    }

    /** Counts the close and, while a recording runs, records it. */
    private void closedNow() {
        if (counters != null) {
            counters.add(ConnectionCounters.CLOSED, 1);
        }
        if (FlightEvents.connectionClosed()) {
            ConnectionClosedEvent e = new ConnectionClosedEvent();
            e.remoteAddress = FlightEvents.text(remote);
            e.localAddress = FlightEvents.text(local);
            e.accepted = owner != null;
            e.lifetime = loop.nanoTime() - openedAt;
            e.bytesIn = bytesIn;
            e.bytesOut = bytesOut;
            e.reason = closeReason != null ? closeReason : "closed";
            e.commit();
        }
    }

    @Override
    public void abort() {
        because("reset");
        try {
            if (channel.isOpen()) {
                channel.setOption(StandardSocketOptions.SO_LINGER, 0);
            }
        } catch (IOException e) {
            log.debug("setting SO_LINGER on {}", remote, e);
        }
        close();
    }

    @Override
    public SocketAddress localAddress() {
        return local;
    }

    @Override
    public SocketAddress remoteAddress() {
        return remote;
    }

    @Override
    public void ready(SelectionKey key) {
        int ready = key.readyOps();
        if ((ready & SelectionKey.OP_WRITE) != 0) {
            events.writable();
        }
        if ((ready & (SelectionKey.OP_READ)) != 0 && key.isValid()) {
            events.readable();
        }
    }

    @Override
    public void loopClosing() {
        because("loop stopped");
        events.loopClosing();
    }

    @Override
    public String toString() {
        return "socket " + remote;
    }
}
