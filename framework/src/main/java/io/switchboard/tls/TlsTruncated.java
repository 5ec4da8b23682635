package io.switchboard.tls;

/**
 * The user event a {@link TlsHandler} fires when the peer ended its side of the connection (a FIN) after the
 * handshake without sending close_notify first: whatever the peer was sending may have been cut short by anyone
 * on the path, and nothing in the bytes says so. It comes just before {@code inputClosed}. A handler that reads a
 * message whose end the byte stream alone marks must treat such an end as an error; one whose messages carry
 * their own length (HTTP with {@code Content-Length} or chunked framing) already treats any end in the middle of
 * a message as one. Many clients close without close_notify after a complete exchange, so the event alone is no
 * error. An end before the handshake completed fires no event.
 */
public enum TlsTruncated {
    /** The one event. */
    INSTANCE
}
