package io.switchboard.testing;

import io.switchboard.pipeline.Transport;
import java.io.ByteArrayOutputStream;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;

/** A {@link Transport} over memory: inbound segments fed by the test, outbound bytes collected for it. */
final class EmbeddedTransport implements Transport {
    private static final SocketAddress LOCAL = InetSocketAddress.createUnresolved("embedded-local", 1);
    /** The peer's address unless a test names one: unresolved, so it is no IP address anything trusts. */
    static final SocketAddress REMOTE = InetSocketAddress.createUnresolved("embedded-remote", 2);

    private final SocketAddress remote;

    final ArrayDeque<ByteBuffer> inbound = new ArrayDeque<>();
    final ByteArrayOutputStream sent = new ByteArrayOutputStream();
    Events events;
    boolean inputEnded;
    boolean endDelivered;
    boolean wantRead;
    boolean wantWrite;
    boolean outputShutdown;
    boolean closed;
    boolean aborted;
    /** Bytes the peer takes before it must be drained by the test; Long.MAX_VALUE for no limit. */
    long window = Long.MAX_VALUE;
    long writeCalls;

    EmbeddedTransport(SocketAddress remote) {
        this.remote = remote;
    }

    @Override
    public void start(Events events) {
        this.events = events;
    }

    @Override
    public int read(ByteBuffer dst) {
        ByteBuffer head = inbound.peekFirst();
        if (head == null) {
            if (inputEnded) {
                endDelivered = true;
                return -1;
            }
            return 0;
        }
        int n = Math.min(head.remaining(), dst.remaining());
        int limit = head.limit();
        head.limit(head.position() + n);
        dst.put(head);
        head.limit(limit);
        if (!head.hasRemaining()) {
            inbound.pollFirst();
        }
        return n;
    }

    @Override
    public long write(ByteBuffer[] srcs, int offset, int length) {
        writeCalls++;
        long room = window - sent.size();
        long written = 0;
        for (int i = offset; i < offset + length && room > 0; i++) {
            ByteBuffer src = srcs[i];
            int n = (int) Math.min(src.remaining(), room);
            byte[] bytes = new byte[n];
            src.get(bytes);
            sent.write(bytes, 0, n);
            room -= n;
            written += n;
        }
        return written;
    }

    @Override
    public void interest(boolean read, boolean write) {
        wantRead = read;
        wantWrite = write;
    }

    @Override
    public void shutdownOutput() {
        outputShutdown = true;
    }

    @Override
    public void close() {
        closed = true;
    }

    @Override
    public void abort() {
        aborted = true;
        closed = true;
    }

    @Override
    public SocketAddress localAddress() {
        return LOCAL;
    }

    @Override
    public SocketAddress remoteAddress() {
        return remote;
    }

    boolean readable() {
        return !closed && wantRead && (!inbound.isEmpty() || (inputEnded && !endDelivered));
    }

    boolean writable() {
        return !closed && wantWrite && sent.size() < window;
    }
}
