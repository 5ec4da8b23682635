package io.switchboard.codec;

import io.switchboard.pipeline.ProtocolException;

/**
 * A line or frame is longer than its codec's limit; the connection closes with this as the logged reason.
 * Immutable.
 */
public final class FrameTooLongException extends ProtocolException {
    private static final long serialVersionUID = 1L;

    /**
     * A frame over a limit.
     *
     * @param message what was too long, and the limit
     */
    public FrameTooLongException(String message) {
        super(message);
    }
}
