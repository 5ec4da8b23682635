package io.switchboard.websocket;

import io.switchboard.http.HttpHeaders;
import java.io.IOException;

/**
 * A client's opening handshake failed (RFC 6455 section 4.1): the server answered with another status than 101,
 * or its 101 broke a rule of the handshake (a wrong {@code Sec-WebSocket-Accept}, an extension or subprotocol that
 * was not offered, a malformed or oversized head), or no answer came in time. The connection was closed.
 * {@link WebSocketClient#connect} fails its future with it. Immutable once thrown.
 */
public final class WebSocketHandshakeException extends IOException {
    private static final long serialVersionUID = 1L;

    /** The status of the server's answer, or 0 when none was read. */
    private final int status;
    /** The reason phrase of the server's answer. */
    private final String reason;
    /** The answer's fields; not serialized. */
    private final transient HttpHeaders headers;

    /**
     * A failed handshake.
     *
     * @param message what went wrong
     * @param status  the status of the server's answer, or 0 when no answer was read
     * @param reason  the answer's reason phrase, or an empty string
     * @param headers the answer's header fields, or null when no answer was read
     */
    WebSocketHandshakeException(String message, int status, String reason, HttpHeaders headers) {
        super(message);
        this.status = status;
        this.reason = reason;
        this.headers = headers != null ? headers : new HttpHeaders();
    }

    /** {@return the status of the server's answer (101 when the answer broke a rule), or 0 when none was read} */
    public int status() {
        return status;
    }

    /** {@return the reason phrase of the server's answer, or an empty string} */
    public String reason() {
        return reason;
    }

    /**
     * {@return the header fields of the server's answer (a redirect's {@code Location}, a 426's
     * {@code Sec-WebSocket-Version}), empty when none was read} Do not change them.
     */
    public HttpHeaders headers() {
        return headers != null ? headers : new HttpHeaders(); // null only after deserialization
    }
}
