package io.switchboard.udp;

import io.switchboard.loop.Selectable;
import io.switchboard.loop.SelectorLoop;
import io.switchboard.pipeline.Transport;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.MembershipKey;
import java.nio.channels.SelectionKey;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link DatagramPort} over a bound (and maybe connected), non-blocking {@link DatagramChannel} registered with a
 * {@link SelectorLoop}. Loop thread only, except {@link #join} and {@link #leave}.
 */
final class ChannelPort implements DatagramPort, Selectable {
    private static final Logger log = LoggerFactory.getLogger(ChannelPort.class);

    private final SelectorLoop loop;
    private final DatagramChannel channel;
    private final InetSocketAddress local;
    private final InetSocketAddress remote;
    private final Map<List<Object>, MembershipKey> groups = new ConcurrentHashMap<>();
    private SelectionKey key;
    private Transport.Events events;
    private int ops;

    ChannelPort(SelectorLoop loop, DatagramChannel channel) throws IOException {
        this.loop = loop;
        this.channel = channel;
        this.local = (InetSocketAddress) channel.getLocalAddress();
        this.remote = (InetSocketAddress) channel.getRemoteAddress();
    }

    /** {@return the channel, for tests that read its options} */
    DatagramChannel channel() {
        return channel;
    }

    @Override
    public void start(Transport.Events events) throws IOException {
        assert loop.inLoop();
        this.events = events;
        this.key = loop.register(channel, 0, this);
    }

    @Override
    public InetSocketAddress receive(ByteBuffer dst) throws IOException {
        return (InetSocketAddress) channel.receive(dst);
    }

    @Override
    public boolean send(ByteBuffer src, InetSocketAddress target) throws IOException {
        // DatagramChannel.send returns 0 both for an empty datagram sent and for no room: an empty one counts as sent.
        boolean empty = !src.hasRemaining();
        int n = target == null ? channel.write(src) : channel.send(src, target);
        return n > 0 || empty;
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
    public void close() {
        try {
            channel.close();
        } catch (IOException e) {
            log.debug("closing datagram channel {}", local, e);
        }
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
    public void join(InetAddress group, NetworkInterface networkInterface) throws IOException {
        List<Object> id = List.of(group, networkInterface);
        MembershipKey joined = groups.get(id);
        if (joined == null || !joined.isValid()) {
            groups.put(id, channel.join(group, networkInterface));
        }
    }

    @Override
    public void leave(InetAddress group, NetworkInterface networkInterface) {
        MembershipKey joined = groups.remove(List.of(group, networkInterface));
        if (joined != null) {
            joined.drop();
        }
    }

    @Override
    public void ready(SelectionKey key) {
        int ready = key.readyOps();
        if ((ready & SelectionKey.OP_WRITE) != 0) {
            events.writable();
        }
        if ((ready & SelectionKey.OP_READ) != 0 && key.isValid()) {
            events.readable();
        }
    }

    @Override
    public void loopClosing() {
        events.loopClosing();
    }

    @Override
    public String toString() {
        return "datagram " + local + (remote != null ? " to " + remote : "");
    }
}
