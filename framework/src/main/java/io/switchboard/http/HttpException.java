package io.switchboard.http;

import io.switchboard.pipeline.ProtocolException;

/**
 * A request the server refuses with {@code status}. Raised by the parser for malformed input (the reply
 * carries {@code Connection: close} and the connection closes, because the framing can no longer be
 * trusted) and usable by handlers for their own refusals. The answer is made by the service's
 * {@link ErrorAnswers}, with the header fields given here ({@code Allow} on a 405, say). Immutable.
 */
public final class HttpException extends ProtocolException {
    private static final long serialVersionUID = 1L;
    private static final String[] NO_FIELDS = new String[0];

    /** The response status, 400 to 599. */
    private final int status;
    /** Header fields for the answer: name, value, name, value... */
    private final String[] fields;

    /**
     * A refusal with {@code status} (4xx or 5xx) and a reason for the log and the response body.
     *
     * @param status the response status, 400 to 599
     * @param reason why the request is refused; sent in the response body
     * @throws IllegalArgumentException when {@code status} is not 4xx or 5xx
     */
    public HttpException(int status, String reason) {
        this(status, reason, NO_FIELDS);
    }

    /**
     * A refusal whose answer carries header fields the status needs: {@code Allow} on a 405,
     * {@code Retry-After} on a 503, {@code WWW-Authenticate} on a 401.
     *
     * @param status  the response status, 400 to 599
     * @param reason  why the request is refused; sent in the response body
     * @param headers the fields for the answer (copied)
     * @throws IllegalArgumentException when {@code status} is not 4xx or 5xx, or a field is a framing field or has
     *                                  an invalid character
     */
    public HttpException(int status, String reason, HttpHeaders headers) {
        this(status, reason, copy(headers));
    }

    private HttpException(int status, String reason, String[] fields) {
        super(reason);
        if (status < 400 || status > 599) {
            throw new IllegalArgumentException("an HttpException needs a 4xx or 5xx status, got " + status);
        }
        this.status = status;
        this.fields = fields;
    }

    /** {@return the response status, 400 to 599} */
    public int status() {
        return status;
    }

    /** {@return the header fields for the answer (a copy); empty when none were given} */
    public HttpHeaders headers() {
        HttpHeaders h = new HttpHeaders(Math.max(1, fields.length / 2));
        for (int i = 0; i < fields.length; i += 2) {
            h.add(fields[i], fields[i + 1]);
        }
        return h;
    }

    /** Adds the fields for the answer to {@code response}. */
    void addFieldsTo(HttpResponse response) {
        for (int i = 0; i < fields.length; i += 2) {
            response.header(fields[i], fields[i + 1]);
        }
    }

    private static String[] copy(HttpHeaders headers) {
        String[] fields = new String[headers.size() * 2];
        for (int i = 0; i < headers.size(); i++) {
            String name = headers.name(i);
            if (name.equalsIgnoreCase("Content-Length") || name.equalsIgnoreCase("Transfer-Encoding")) {
                throw new IllegalArgumentException(name + " is set by the server from the body");
            }
            HttpHeaderSyntax.checkField(name, headers.value(i));
            fields[i * 2] = name;
            fields[i * 2 + 1] = headers.value(i);
        }
        return fields;
    }
}
