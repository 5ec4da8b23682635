package io.switchboard.lifecycle;

/** Fired as a user event by {@link IdleDetector} for each full period a connection stays idle. Immutable. */
public enum IdleEvent {
    /** Nothing arrived from the peer for the read-idle period. */
    READ,
    /** Nothing left for the peer for the write-idle period (queued bytes that do not move count as nothing). */
    WRITE,
    /** Nothing moved either way for the all-idle period. */
    ALL
}
