package io.switchboard.testing;

import io.switchboard.pipeline.Transport;
import io.switchboard.udp.Datagram;
import io.switchboard.udp.DatagramPort;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * A {@link DatagramPort} over memory: datagrams fed by the test, datagrams sent collected for it, and a send buffer
 * the test can fill. Like the system, it cuts a datagram longer than the receiving buffer short.
 */
final class EmbeddedDatagramPort implements DatagramPort {
    final InetSocketAddress local;
    final InetSocketAddress remote;
    final ArrayDeque<Datagram> inbound = new ArrayDeque<>();
    final List<Datagram> sent = new ArrayList<>();
    final Set<List<Object>> groups = new HashSet<>();
    Transport.Events events;
    boolean wantRead;
    boolean wantWrite;
    boolean closed;
    /** Datagrams the send buffer still takes before the test drains it; Integer.MAX_VALUE for no limit. */
    int room = Integer.MAX_VALUE;

    EmbeddedDatagramPort(InetSocketAddress local, InetSocketAddress remote) {
        this.local = local;
        this.remote = remote;
    }

    @Override
    public void start(Transport.Events events) {
        this.events = events;
    }

    @Override
    public InetSocketAddress receive(ByteBuffer dst) {
        Datagram next = inbound.pollFirst();
        if (next == null) {
            return null;
        }
        ByteBuffer content = next.content();
        int n = Math.min(content.remaining(), dst.remaining());
        // From the array: no buffer made per datagram, so a test can see that the endpoint itself allocates none.
        dst.put(content.array(), content.arrayOffset() + content.position(), n);
        return next.sender();
    }

    @Override
    public boolean send(ByteBuffer src, InetSocketAddress target) {
        if (closed) {
            throw new IllegalStateException("send on a closed port");
        }
        if (room <= 0) {
            return false;
        }
        if (room != Integer.MAX_VALUE) {
            room--;
        }
        byte[] bytes = new byte[src.remaining()];
        src.get(bytes);
        sent.add(Datagram.to(target != null ? target : remote, bytes));
        return true;
    }

    @Override
    public void interest(boolean read, boolean write) {
        wantRead = read;
        wantWrite = write;
    }

    @Override
    public void close() {
        closed = true;
    }

    @Override
    public InetSocketAddress localAddress() {
        return local;
    }

    @Override
    public InetSocketAddress remoteAddress() {
        return remote;
    }

    @Override
    public void join(InetAddress group, NetworkInterface networkInterface) {
        groups.add(List.of(group, networkInterface));
    }

    @Override
    public void leave(InetAddress group, NetworkInterface networkInterface) {
        groups.remove(List.of(group, networkInterface));
    }

    boolean readable() {
        return !closed && wantRead && !inbound.isEmpty();
    }

    boolean writable() {
        return !closed && wantWrite && room > 0;
    }
}
