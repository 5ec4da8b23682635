package io.switchboard.server;

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

/** A {@link Transport} over a connected, non-blocking {@link SocketChannel}. Loop thread only. */
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

    SocketTransport(SelectorLoop loop, SocketChannel channel, Server owner, Runnable onClose) throws IOException {
        this.loop = loop;
        this.channel = channel;
        this.owner = owner;
        this.onClose = onClose;
        this.local = channel.getLocalAddress();
        this.remote = channel.getRemoteAddress();
    }

    @Override
    public void start(Events events) throws IOException {
        assert loop.inLoop();
        this.events = events;
        this.key = loop.register(channel, 0, this);
    }

    @Override
    public int read(ByteBuffer dst) throws IOException {
        return channel.read(dst);
    }

    @Override
    public long write(ByteBuffer[] srcs, int offset, int length) throws IOException {
        return length == 1 ? channel.write(srcs[offset]) : channel.write(srcs, offset, length);
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
    }

    @Override
    public void abort() {
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
        events.loopClosing();
    }

    @Override
    public String toString() {
        return "socket " + remote;
    }
}
