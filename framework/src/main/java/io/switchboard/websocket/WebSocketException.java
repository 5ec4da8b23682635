package io.switchboard.websocket;

import io.switchboard.pipeline.ProtocolException;

/**
 * The peer broke the WebSocket protocol or a limit, or this side cannot go on: the connection is failed with
 * {@link #status()} in our close frame (RFC 6455 section 7.1.7). Like every {@link ProtocolException} it carries no
 * stack trace, so throwing one costs no more than a return. Immutable.
 */
public final class WebSocketException extends ProtocolException {
    private static final long serialVersionUID = 1L;

    /** The close status sent to the peer. */
    private final int status;

    /**
     * A failure to report with {@code status}.
     *
     * @param status  the close status to send, one {@link CloseStatus#isValid} accepts
     * @param message what went wrong; logged, and sent as the close reason when it fits (123 bytes)
     */
    public WebSocketException(int status, String message) {
        super(message);
        this.status = status;
    }

    /** {@return the close status sent to the peer} */
    public int status() {
        return status;
    }
}
