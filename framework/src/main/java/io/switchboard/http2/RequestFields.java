package io.switchboard.http2;

import io.switchboard.http.HttpHeaders;
import io.switchboard.http2.hpack.FieldSink;
import io.switchboard.internal.Ascii;

/**
 * Checks the fields of one request's header block (or its trailers) as HPACK decodes them, with the strictness of
 * the HTTP/1 parser (RFC 9113 section 8): the pseudo-fields {@code :method}, {@code :scheme}, {@code :path} and
 * {@code :authority} known, once each and before every regular field, and the first three present; no
 * connection-specific field ({@code connection}, {@code keep-alive}, {@code proxy-connection},
 * {@code transfer-encoding}, {@code upgrade}) and {@code te} only {@code trailers}; names lowercase tokens;
 * values without NUL, CR, LF or surrounding white space; {@code content-length} digits, the same in every
 * field; and a {@code host} that agrees with {@code :authority}. A malformed block makes the stream's error
 * {@code PROTOCOL_ERROR} (section 8.1.1); the first fault is kept for the log. {@code cookie} fields are joined with
 * {@code "; "} (section 8.2.3); a request without {@code host} gets one from {@code :authority}, so that handlers
 * read it as over HTTP/1. Loop thread only; one per connection, reused for each block.
 */
final class RequestFields implements FieldSink {
    String method;
    String scheme;
    String path;
    String authority;
    HttpHeaders headers;
    /** The declared body length, or -1. */
    long contentLength;
    /** The first fault, or null while the block is well-formed. */
    String fault;
    /** More fields than the HTTP/1 limit: the request is answered 431. */
    boolean tooMany;

    private boolean trailers;
    private boolean regular;
    private int maxCount;
    private StringBuilder cookie;

    /** Starts a request's header block. */
    void startRequest(int maxCount) {
        start(false, maxCount);
        method = null;
        scheme = null;
        path = null;
        authority = null;
        contentLength = -1;
    }

    /** Starts a trailer block: no pseudo-field allowed. */
    void startTrailers(int maxCount) {
        start(true, maxCount);
    }

    private void start(boolean trailers, int maxCount) {
        this.trailers = trailers;
        this.maxCount = maxCount;
        this.headers = new HttpHeaders();
        this.fault = null;
        this.tooMany = false;
        this.regular = false;
        this.cookie = null;
    }

    @Override
    public void field(String name, String value) {
        if (fault != null) {
            return;
        }
        if (name.isEmpty()) {
            fault = "empty field name";
            return;
        }
        if (name.charAt(0) == ':') {
            pseudo(name, value);
            return;
        }
        regular = true;
        if (!validName(name)) {
            fault = "field name not a lowercase token: " + name;
            return;
        }
        if (!validValue(value)) {
            fault = "field value of " + name + " has NUL, CR, LF or surrounding white space";
            return;
        }
        switch (name) {
            case "connection", "keep-alive", "proxy-connection", "transfer-encoding", "upgrade" -> {
                fault = "connection-specific field " + name;
                return;
            }
            case "te" -> {
                if (!value.equals("trailers")) {
                    fault = "te other than trailers";
                    return;
                }
            }
            case "content-length" -> {
                if (!trailers && !contentLength(value)) {
                    return;
                }
            }
            case "cookie" -> {
                if (cookie == null) {
                    cookie = new StringBuilder(value);
                } else {
                    cookie.append("; ").append(value);
                }
                return;
            }
            default -> {
            }
        }
        if (headers.size() >= maxCount) {
            tooMany = true;
            return;
        }
        headers.add(name, value);
    }

    private void pseudo(String name, String value) {
        if (trailers) {
            fault = "pseudo-field " + name + " in trailers";
            return;
        }
        if (regular) {
            fault = "pseudo-field " + name + " after a regular field";
            return;
        }
        switch (name) {
            case ":method" -> method = once(name, method, value);
            case ":scheme" -> scheme = once(name, scheme, value);
            case ":path" -> path = once(name, path, value);
            case ":authority" -> authority = once(name, authority, value);
            default -> fault = "unknown pseudo-field " + name;
        }
    }

    private String once(String name, String was, String value) {
        if (was != null) {
            fault = "pseudo-field " + name + " repeated";
            return was;
        }
        if (!validValue(value)) {
            fault = "pseudo-field " + name + " has NUL, CR, LF or surrounding white space";
        }
        return value;
    }

    private boolean contentLength(String value) {
        long n = 0;
        if (value.isEmpty() || value.length() > 18) {
            fault = "content-length not a number: " + value;
            return false;
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c < '0' || c > '9') {
                fault = "content-length not a number: " + value;
                return false;
            }
            n = n * 10 + (c - '0');
        }
        if (contentLength >= 0 && contentLength != n) {
            fault = "content-length fields disagree";
            return false;
        }
        contentLength = n;
        return true;
    }

    /**
     * Ends the block: checks what only the whole block tells. {@return the fault, or null when the block is a
     * well-formed request (or trailers)}
     */
    String finish() {
        if (cookie != null && fault == null) {
            headers.add("cookie", cookie.toString());
        }
        if (fault != null || trailers) {
            return fault;
        }
        if (method == null || scheme == null || path == null) {
            return "missing pseudo-field :method, :scheme or :path";
        }
        if (method.isEmpty() || !validName(method.toLowerCase(java.util.Locale.ROOT))) {
            return "method not a token: " + method;
        }
        if (method.equals("CONNECT")) {
            return "CONNECT is not supported";
        }
        if (path.isEmpty() || path.charAt(0) != '/' && !(path.equals("*") && method.equals("OPTIONS"))) {
            return ":path neither absolute nor * for OPTIONS: " + path;
        }
        String host = headers.get("host");
        if (authority != null) {
            if (host == null) {
                headers.add("host", authority);
            } else if (!host.equals(authority)) {
                return "host " + host + " differs from :authority " + authority;
            }
        } else if (host == null) {
            return "neither :authority nor host";
        }
        if (headers.count("host") > 1) {
            return "host repeated";
        }
        return null;
    }

    private static boolean validName(String name) {
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c >= 'A' && c <= 'Z' || c > 0x7e || !Ascii.isTchar(c)) {
                return false;
            }
        }
        return true;
    }

    private static boolean validValue(String value) {
        int n = value.length();
        if (n > 0 && (isSpace(value.charAt(0)) || isSpace(value.charAt(n - 1)))) {
            return false;
        }
        for (int i = 0; i < n; i++) {
            char c = value.charAt(i);
            if (c == 0 || c == '\r' || c == '\n') {
                return false;
            }
        }
        return true;
    }

    private static boolean isSpace(char c) {
        return c == ' ' || c == '\t';
    }
}
