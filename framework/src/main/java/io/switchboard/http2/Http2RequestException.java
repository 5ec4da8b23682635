package io.switchboard.http2;

import java.io.IOException;

/**
 * Why an {@link Http2ClientConnection} could not complete a request: the server reset its stream, the connection
 * went away before the server took it, or the connection failed (the cause says why), or the answer broke a rule or
 * a limit. {@link #retryable()} is true when the server is known not to have processed the request (RFC 9113
 * section 8.7: a stream above the last stream id of a GOAWAY, or reset with {@code REFUSED_STREAM}, or a request
 * never sent), so it may be sent again on another connection, whatever its method.
 */
public final class Http2RequestException extends IOException {
    private static final long serialVersionUID = 1L;

    /** The error code, or null when none applies. */
    private final Http2Error error;
    /** Whether the server did not process the request. */
    private final boolean retryable;

    /**
     * A failure.
     *
     * @param message   what happened
     * @param error     the HTTP/2 error code of a reset or GOAWAY, or null
     * @param retryable true when the server did not process the request
     * @param cause     the connection's failure, or null
     */
    public Http2RequestException(String message, Http2Error error, boolean retryable, Throwable cause) {
        super(message, cause);
        this.error = error;
        this.retryable = retryable;
    }

    /** {@return the HTTP/2 error code of the reset or GOAWAY that ended the request, or null} */
    public Http2Error error() {
        return error;
    }

    /** {@return true when the server did not process the request, which may then be sent again} */
    public boolean retryable() {
        return retryable;
    }
}
