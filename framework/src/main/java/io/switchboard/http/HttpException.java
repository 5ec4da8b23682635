package io.switchboard.http;

import io.switchboard.pipeline.ProtocolException;

/**
 * A request the server refuses with {@code status}. Raised by the parser for malformed input (the reply
 * carries {@code Connection: close} and the connection closes, because the framing can no longer be
 * trusted) and usable by handlers for their own refusals.
 */
public final class HttpException extends ProtocolException {
    private static final long serialVersionUID = 1L;

    private final int status;

    /** A refusal with {@code status} (4xx or 5xx) and a reason for the log and the response body. */
    public HttpException(int status, String reason) {
        super(reason);
        if (status < 400 || status > 599) {
            throw new IllegalArgumentException("an HttpException needs a 4xx or 5xx status, got " + status);
        }
        this.status = status;
    }

    /** The response status. */
    public int status() {
        return status;
    }
}
