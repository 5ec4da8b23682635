package io.switchboard.http2;

import io.switchboard.http.HttpHeaders;
import io.switchboard.http2.hpack.FieldSink;

/**
 * Checks the fields of one answer's header block (or its trailers) as HPACK decodes them, at a client (RFC 9113
 * section 8.3.2): {@code :status} once, three digits, before every regular field, and no other pseudo-field; no
 * pseudo-field in trailers; no connection-specific field ({@code connection}, {@code keep-alive},
 * {@code proxy-connection}, {@code transfer-encoding}, {@code upgrade}); names lowercase tokens; values without NUL,
 * CR, LF or surrounding white space; {@code content-length} digits, the same in every field. A malformed answer is a
 * stream error {@code PROTOCOL_ERROR} (section 8.1.1); the first fault is kept for the request's failure. Loop thread
 * only; one per connection, reused for each block.
 */
final class ResponseFields implements FieldSink {
    int status;
    HttpHeaders headers;
    /** The declared body length, or -1. */
    long contentLength;
    /** The first fault, or null while the block is well-formed. */
    String fault;

    private boolean trailers;
    private boolean regular;

    /** Starts an answer's header block (a final or an interim one). */
    void startHead() {
        start(false);
        status = 0;
        contentLength = -1;
    }

    /** Starts a trailer block: no pseudo-field allowed. */
    void startTrailers() {
        start(true);
    }

    private void start(boolean trailers) {
        this.trailers = trailers;
        this.headers = new HttpHeaders();
        this.fault = null;
        this.regular = false;
    }

    @Override
    public void field(String name, String value) {
        if (fault != null) {
            return;
        }
        if (name.startsWith(":")) {
            if (trailers || regular) {
                fault = "pseudo-header field " + name + (trailers ? " in trailers" : " after a regular field");
            } else if (!name.equals(":status")) {
                fault = "pseudo-header field " + name + " in an answer";
            } else if (status != 0) {
                fault = ":status twice";
            } else if (value.length() != 3 || !digits(value) || value.charAt(0) == '0') {
                fault = ":status not three digits: '" + value + "'";
            } else {
                status = Integer.parseInt(value);
            }
            return;
        }
        regular = true;
        if (!lowercaseToken(name)) {
            fault = "field name not a lowercase token: '" + name + "'";
            return;
        }
        switch (name) {
            case "connection", "keep-alive", "proxy-connection", "transfer-encoding", "upgrade" -> {
                fault = "connection-specific field " + name;
                return;
            }
            default -> {
            }
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == 0 || c == '\r' || c == '\n') {
                fault = "field " + name + " with NUL, CR or LF in its value";
                return;
            }
        }
        if (!value.isEmpty() && (space(value.charAt(0)) || space(value.charAt(value.length() - 1)))) {
            fault = "field " + name + " with white space around its value";
            return;
        }
        if (!trailers && name.equals("content-length")) {
            if (value.isEmpty() || value.length() > 18 || !digits(value)) {
                fault = "content-length not a number: '" + value + "'";
                return;
            }
            long n = Long.parseLong(value);
            if (contentLength >= 0 && contentLength != n) {
                fault = "content-length twice, with different values";
                return;
            }
            contentLength = n;
        }
        headers.add(name, value);
    }

    /** {@return the block's first fault, or null when it is a well-formed head (with a status) or trailers} */
    String finish() {
        if (fault == null && !trailers && status == 0) {
            fault = "no :status";
        }
        return fault;
    }

    /** A loop, not a stream: it runs for every field of every answer. */
    private static boolean lowercaseToken(String name) {
        if (name.isEmpty()) {
            return false;
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (!Http2Request.tokenChar(c) || c >= 'A' && c <= 'Z') {
                return false;
            }
        }
        return true;
    }

    private static boolean digits(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) < '0' || s.charAt(i) > '9') {
                return false;
            }
        }
        return true;
    }

    private static boolean space(char c) {
        return c == ' ' || c == '\t';
    }
}
