package io.switchboard.pipeline;

/**
 * The peer broke the protocol (a line too long, a malformed frame). When it reaches the end of the
 * pipeline the connection is closed and the reason is logged at info, without a stack trace: it is the
 * peer's fault, not a bug. Immutable: it carries no stack trace, cause or suppressed exceptions.
 */
public class ProtocolException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /**
     * A violation of the protocol.
     *
     * @param message what the peer did wrong; it is logged
     */
    public ProtocolException(String message) {
        super(message, null, false, false);
    }
}
