package io.switchboard.http;

import java.nio.charset.StandardCharsets;

/**
 * A response: status, header fields and a body of known length. Build it, then hand it to
 * {@link HttpResponder#send}. The server adds {@code Date}, {@code Server}, {@code Content-Length} and
 * {@code Connection} itself, and never modifies a response, so one built once may be sent many times from
 * any thread (do not change it after the first send).
 *
 * <pre>{@code
 * HttpResponse.of(200).header("Content-Type", "text/plain").body("Hello, World!")
 * }</pre>
 */
public final class HttpResponse {
    private static final byte[] NO_BODY = new byte[0];

    private final int status;
    private final HttpHeaders headers = new HttpHeaders(4);
    private byte[] body = NO_BODY;
    /** The encoded status line and user headers, cached at the first send; a sent response is frozen. */
    volatile byte[] encodedHead;

    private HttpResponse(int status) {
        if (status < 100 || status > 999) {
            throw new IllegalArgumentException("status must have three digits, got " + status);
        }
        this.status = status;
    }

    /**
     * A response with {@code status} and no body.
     *
     * @param status a three-digit status code
     * @return the response
     * @throws IllegalArgumentException when {@code status} does not have three digits
     */
    public static HttpResponse of(int status) {
        return new HttpResponse(status);
    }

    /**
     * A 200 response with a {@code text/plain; charset=utf-8} body.
     *
     * @param text the body, sent in UTF-8
     * @return the response
     */
    public static HttpResponse text(String text) {
        return of(200).header("Content-Type", "text/plain; charset=utf-8").body(text);
    }

    /** {@return the status code} */
    public int status() {
        return status;
    }

    /** {@return the header fields set so far} */
    public HttpHeaders headers() {
        return headers;
    }

    /**
     * Adds a header field. Framing fields (Content-Length, Transfer-Encoding) are set by the server.
     *
     * @param name  the field name
     * @param value the field value
     * @return this response
     * @throws IllegalArgumentException when the field is a framing field or has an invalid character
     * @throws IllegalStateException    when the response was already sent
     */
    public HttpResponse header(String name, String value) {
        checkNotSent();
        if (name.equalsIgnoreCase("Content-Length") || name.equalsIgnoreCase("Transfer-Encoding")) {
            throw new IllegalArgumentException(name + " is set by the server from the body");
        }
        HttpHeaderSyntax.checkField(name, value);
        headers.add(name, value);
        return this;
    }

    /**
     * Sets the body bytes (not copied: do not change the array afterwards).
     *
     * @param body the body, or null for none
     * @return this response
     * @throws IllegalStateException when the response was already sent
     */
    public HttpResponse body(byte[] body) {
        checkNotSent();
        this.body = body == null ? NO_BODY : body;
        return this;
    }

    /**
     * Sets the body to {@code text} in UTF-8.
     *
     * @param text the body's text
     * @return this response
     * @throws IllegalStateException when the response was already sent
     */
    public HttpResponse body(String text) {
        return body(text.getBytes(StandardCharsets.UTF_8));
    }

    /** {@return the body (not a copy); empty when there is none} */
    public byte[] body() {
        return body;
    }

    private void checkNotSent() {
        if (encodedHead != null) {
            throw new IllegalStateException("a response cannot change after it was sent");
        }
    }

    @Override
    public String toString() {
        return status + " " + HttpStatus.reason(status) + " " + headers + " (" + body.length + " bytes)";
    }
}
