package io.switchboard.udp;

import java.net.InetSocketAddress;

/**
 * A peer a {@link PeerTracker} has seen: online from its first datagram until it falls silent for the tracker's
 * idle timeout. It carries one attachment for the application's state of that peer (a player, a device), so that
 * no second table is needed. Loop thread only.
 */
public final class Peer {
    private final InetSocketAddress address;
    private final long firstSeenNanos;
    long lastSeenNanos;
    private Object attachment;

    Peer(InetSocketAddress address, long nanos) {
        this.address = address;
        this.firstSeenNanos = nanos;
        this.lastSeenNanos = nanos;
    }

    /** {@return the peer's address and port} */
    public InetSocketAddress address() {
        return address;
    }

    /** {@return when its first datagram arrived, on the loop's clock} */
    public long firstSeenNanos() {
        return firstSeenNanos;
    }

    /** {@return when its last datagram arrived, on the loop's clock} */
    public long lastSeenNanos() {
        return lastSeenNanos;
    }

    /** {@return the application's state of this peer, or null} */
    public Object attachment() {
        return attachment;
    }

    /**
     * Keeps the application's state of this peer.
     *
     * @param attachment the state, or null
     */
    public void attach(Object attachment) {
        this.attachment = attachment;
    }

    @Override
    public String toString() {
        return "Peer[" + address + "]";
    }
}
