package io.switchboard.udp;

import io.switchboard.loop.Scheduled;
import io.switchboard.pipeline.Handler;
import io.switchboard.pipeline.HandlerContext;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Which peers of a datagram endpoint are online: a peer is online while its datagrams arrive, and goes offline
 * after {@code idleTimeout} of silence (the heartbeat idea, over datagrams). Add it first in the endpoint's
 * pipeline, where it reads each {@link Datagram}'s sender; it fires a {@link PeerEvent} down the pipeline as a
 * user event when a peer comes online (just before its first datagram), goes idle, or is evicted.
 *
 * <p>Cost: a hash lookup per datagram, and one loop timer for the whole tracker, not one per peer. Peers are kept
 * in order of their last datagram, so the timer waits for the one silent longest; when it fires it takes every
 * peer whose time is up and sets itself for the next. A peer heard from meanwhile just moved to the back: the timer
 * is re-armed lazily, never per datagram.
 *
 * <p>At most {@code maxPeers} are tracked. When a datagram comes from a new peer with the tracker full,
 * {@link WhenFull#REFUSE_NEW} (the default) drops that datagram and counts it ({@link #refused()}): the peers online
 * stay, as a firewall's connection table keeps its entries when full, and a flood of forged sender addresses
 * cannot push them out. {@link WhenFull#EVICT_OLDEST} makes room by taking the peer silent longest offline
 * ({@link PeerEvent.Kind#EVICTED}), as a cache would.
 *
 * <p>Loop thread only; one instance per endpoint.
 */
public final class PeerTracker implements Handler {

    /** What a full tracker does with a datagram from a new peer. */
    public enum WhenFull {
        /** Drop the datagram and count it; the peers online stay. */
        REFUSE_NEW,
        /** Take the peer silent longest offline to make room. */
        EVICT_OLDEST
    }

    private final long idleNanos;
    private final int maxPeers;
    private final WhenFull whenFull;
    /** In order of last datagram, oldest first (access order: a lookup moves the peer to the back). */
    private final LinkedHashMap<InetSocketAddress, Peer> peers = new LinkedHashMap<>(16, 0.75f, true);
    private HandlerContext ctx;
    private Scheduled timer;
    private long refused;

    /**
     * A tracker that refuses new peers when full.
     *
     * @param idleTimeout silence after which a peer goes offline; positive
     * @param maxPeers    the most peers tracked; positive
     */
    public PeerTracker(Duration idleTimeout, int maxPeers) {
        this(idleTimeout, maxPeers, WhenFull.REFUSE_NEW);
    }

    /**
     * A tracker.
     *
     * @param idleTimeout silence after which a peer goes offline; positive
     * @param maxPeers    the most peers tracked; positive
     * @param whenFull    what a full tracker does with a new peer
     */
    public PeerTracker(Duration idleTimeout, int maxPeers, WhenFull whenFull) {
        if (idleTimeout == null || idleTimeout.isNegative() || idleTimeout.isZero()) {
            throw new IllegalArgumentException("idleTimeout must be positive, got " + idleTimeout);
        }
        if (maxPeers < 1) {
            throw new IllegalArgumentException("maxPeers must be positive, got " + maxPeers);
        }
        this.idleNanos = idleTimeout.toNanos();
        this.maxPeers = maxPeers;
        this.whenFull = java.util.Objects.requireNonNull(whenFull, "whenFull");
    }

    /** {@return the number of peers online} */
    public int size() {
        return peers.size();
    }

    /**
     * {@return true while {@code address} is online} Does not count as hearing from it.
     *
     * @param address a peer's address
     */
    public boolean isOnline(InetSocketAddress address) {
        return peers.containsKey(address);
    }

    /** {@return the datagrams dropped because they came from new peers while the tracker was full} */
    public long refused() {
        return refused;
    }

    @Override
    public void added(HandlerContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public void read(HandlerContext ctx, Object message) {
        if (!(message instanceof Datagram) || ((Datagram) message).sender() == null) {
            ctx.fireRead(message);
            return;
        }
        InetSocketAddress sender = ((Datagram) message).sender();
        long now = ctx.loop().nanoTime();
        Peer peer = peers.get(sender);
        if (peer != null) {
            peer.lastSeenNanos = now;
        } else {
            if (peers.size() >= maxPeers) {
                if (whenFull == WhenFull.REFUSE_NEW) {
                    refused++;
                    return;
                }
                Peer evicted = peers.values().iterator().next();
                peers.remove(evicted.address());
                ctx.fireUserEvent(new PeerEvent(evicted, PeerEvent.Kind.EVICTED));
            }
            peer = new Peer(sender, now);
            peers.put(sender, peer);
            if (timer == null) {
                arm(now + idleNanos, now);
            }
            ctx.fireUserEvent(new PeerEvent(peer, PeerEvent.Kind.ONLINE));
        }
        ctx.fireRead(message);
    }

    @Override
    public void removed(HandlerContext ctx) {
        stop();
    }

    @Override
    public void closed(HandlerContext ctx) {
        stop();
        ctx.fireClosed();
    }

    private void stop() {
        if (timer != null) {
            timer.cancel();
            timer = null;
        }
        peers.clear();
    }

    private void arm(long deadline, long now) {
        timer = ctx.loop().schedule(this::expire, deadline - now, TimeUnit.NANOSECONDS);
    }

    /** The timer: every peer silent for the whole timeout goes offline; then wait for the next one's deadline. */
    private void expire() {
        assert ctx.loop().inLoop();
        timer = null;
        long now = ctx.loop().nanoTime();
        while (!peers.isEmpty()) {
            Peer oldest = peers.values().iterator().next();
            long deadline = oldest.lastSeenNanos + idleNanos;
            if (deadline - now > 0) {
                arm(deadline, now);
                return;
            }
            // Removed before the event, with no iterator open: a handler may close the endpoint from the event.
            peers.remove(oldest.address());
            ctx.fireUserEvent(new PeerEvent(oldest, PeerEvent.Kind.IDLE));
        }
    }
}
