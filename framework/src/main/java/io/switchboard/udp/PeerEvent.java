package io.switchboard.udp;

/**
 * A peer came online or went offline: the user event a {@link PeerTracker} fires down the pipeline.
 *
 * @param peer the peer
 * @param kind what happened
 */
public record PeerEvent(Peer peer, Kind kind) {

    /** What happened to the peer. */
    public enum Kind {
        /** Its first datagram arrived; the event comes just before that datagram. */
        ONLINE,
        /** It sent nothing for the tracker's idle timeout. */
        IDLE,
        /** The tracker was full and a new peer took its place (policy {@link PeerTracker.WhenFull#EVICT_OLDEST}). */
        EVICTED
    }

    /** {@return true for {@link Kind#ONLINE}} */
    public boolean online() {
        return kind == Kind.ONLINE;
    }
}
