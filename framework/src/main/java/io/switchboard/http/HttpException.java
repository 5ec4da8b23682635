package io.switchboard.http;

import io.switchboard.pipeline.ProtocolException;

/**
 * A request the server refuses with {@code status}. Raised by the parser for malformed input (the reply
 * carries {@code Connection: close} and the connection closes, because the framing can no longer be
 * trusted) and usable by handlers for their own refusals. Immutable.
 */
public final class HttpException extends ProtocolException {
    private static final long serialVersionUID = 1L;

    /** The response status, 400 to 599. */
    private final int status;

    /**
     * A refusal with {@code status} (4xx or 5xx) and a reason for the log and the response body.
     *
     * @param status the response status, 400 to 599
     * @param reason why the request is refused; sent in the response body
     * @throws IllegalArgumentException when {@code status} is not 4xx or 5xx
     */
    public HttpException(int status, String reason) {
        super(reason);
        if (status < 400 || status > 599) {
            throw new IllegalArgumentException("an HttpException needs a 4xx or 5xx status, got " + status);
        }
        this.status = status;
    }

    /** {@return the response status, 400 to 599} */
    public int status() {
        return status;
    }
}
