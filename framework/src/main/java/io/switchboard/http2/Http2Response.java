package io.switchboard.http2;

import io.switchboard.http.HttpHeaders;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The answer an {@link Http2ClientConnection} received for a request: the final status (interim 1xx answers are
 * skipped), the header fields without pseudo-header fields, the whole body and the trailers. Thread-safe to read
 * once handed over; the connection does not touch it again.
 */
public final class Http2Response {
    private final int status;
    private final HttpHeaders headers;
    private final byte[] body;
    private final int length;
    private final HttpHeaders trailers;

    Http2Response(int status, HttpHeaders headers, byte[] body, int length, HttpHeaders trailers) {
        this.status = status;
        this.headers = headers;
        this.body = body;
        this.length = length;
        this.trailers = trailers;
    }

    /** {@return the status, 200 to 599} */
    public int status() {
        return status;
    }

    /** {@return the header fields, names in lowercase as HTTP/2 sends them} */
    public HttpHeaders headers() {
        return headers;
    }

    /** {@return the body's length in bytes} */
    public int bodyLength() {
        return length;
    }

    /** {@return a copy of the body} */
    public byte[] body() {
        return Arrays.copyOf(body, length);
    }

    /** {@return the body decoded as UTF-8} */
    public String bodyText() {
        return new String(body, 0, length, StandardCharsets.UTF_8);
    }

    /** {@return the trailer fields, empty when the answer had none} */
    public HttpHeaders trailers() {
        return trailers;
    }

    @Override
    public String toString() {
        return "HTTP/2 " + status + " (" + length + " bytes)";
    }
}
