package io.switchboard.internal;

/**
 * A streamed answer's body that tells when it is over because its connection closed or gave up on it (HTTP/1), or
 * because its stream was reset or cut (HTTP/2): what {@code EventStream} needs to run its close callbacks at once
 * rather than at its next heartbeat.
 */
public interface ClosingBody {
    /**
     * Runs {@code listener} on the connection's loop, once, when the answer can take no more: its connection
     * closed, it was cut or reset, or (HTTP/2) its stream ended. At once, on the loop, when that already happened.
     *
     * @param listener what to run; it must not block
     */
    void onClose(Runnable listener);
}
