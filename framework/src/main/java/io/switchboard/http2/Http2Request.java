package io.switchboard.http2;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * A request an {@link Http2ClientConnection} sends: the method, the path, header fields and an optional body. The
 * pseudo-header fields {@code :scheme} and {@code :authority} come from the connection ({@code http} or
 * {@code https}, and the host and port connected to) unless {@link #withAuthority} names another authority.
 * Immutable and thread-safe: build one once and send it as often as needed (the load generator does).
 *
 * <p>What it refuses, as RFC 9113 section 8.2 requires of a request: a method that is not a token, a path that does
 * not start with {@code /} (or is not {@code *} for {@code OPTIONS}), field names that are empty, uppercase, not
 * tokens or pseudo-header fields, the connection-specific fields ({@code connection}, {@code keep-alive},
 * {@code proxy-connection}, {@code transfer-encoding}, {@code upgrade}, and {@code te} other than {@code trailers}),
 * {@code host} (the authority says it) and values with CR, LF, NUL or whitespace around them. A body gets a
 * {@code content-length} unless the fields carry one.
 */
public final class Http2Request {
    private static final Set<String> CONNECTION_SPECIFIC = Set.of("connection", "keep-alive", "proxy-connection",
            "transfer-encoding", "upgrade", "host");
    private static final byte[] NO_BODY = new byte[0];

    private final String method;
    private final String path;
    private final String authority;
    /** Field names and values in turn, names in lowercase. */
    private final List<String> fields;
    private final byte[] body;

    private Http2Request(String method, String path, String authority, List<String> fields, byte[] body) {
        this.method = method;
        this.path = path;
        this.authority = authority;
        this.fields = fields;
        this.body = body;
    }

    /**
     * A {@code GET} of {@code path}.
     *
     * @param path the path and query, starting with {@code /}
     * @return the request
     * @throws IllegalArgumentException when the path is not valid
     */
    public static Http2Request get(String path) {
        return of("GET", path, null);
    }

    /**
     * A {@code POST} of {@code body} to {@code path}.
     *
     * @param path the path and query, starting with {@code /}
     * @param body the body, copied
     * @return the request
     * @throws IllegalArgumentException when the path is not valid
     */
    public static Http2Request post(String path, byte[] body) {
        return of("POST", path, Objects.requireNonNull(body, "body"));
    }

    /**
     * A request with any method.
     *
     * @param method the method, a token such as {@code PUT}
     * @param path   the path and query, starting with {@code /}; {@code *} for {@code OPTIONS}
     * @param body   the body, copied; null or empty for none
     * @return the request
     * @throws IllegalArgumentException when the method or path is not valid
     */
    public static Http2Request of(String method, String path, byte[] body) {
        Objects.requireNonNull(method, "method");
        Objects.requireNonNull(path, "path");
        if (method.isEmpty() || !method.chars().allMatch(Http2Request::tokenChar)) {
            throw new IllegalArgumentException("a method must be a token: '" + method + "'");
        }
        if (!(path.startsWith("/") || path.equals("*") && method.equals("OPTIONS"))
                || path.chars().anyMatch(c -> c <= ' ' || c >= 0x7F)) {
            throw new IllegalArgumentException("a path must start with / and hold no space or control: '" + path + "'");
        }
        return new Http2Request(method, path, null, List.of(), body == null || body.length == 0 ? NO_BODY : body.clone());
    }

    /**
     * A copy with one more header field.
     *
     * @param name  the name, lowercase (RFC 9113 section 8.2.1)
     * @param value the value
     * @return the copy
     * @throws IllegalArgumentException when the field is refused (see the class comment)
     */
    public Http2Request withHeader(String name, String value) {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(value, "value");
        if (name.isEmpty() || !name.chars().allMatch(c -> tokenChar(c) && !(c >= 'A' && c <= 'Z'))) {
            throw new IllegalArgumentException("a field name must be a lowercase token: '" + name + "'");
        }
        if (CONNECTION_SPECIFIC.contains(name) || name.equals("te") && !value.equals("trailers")) {
            throw new IllegalArgumentException(name + " is not sent over HTTP/2 (RFC 9113 section 8.2.2)");
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '\r' || c == '\n' || c == 0 || c > 0xFF) {
                throw new IllegalArgumentException("field " + name + " has an invalid character in its value");
            }
        }
        if (!value.isEmpty() && (isSpace(value.charAt(0)) || isSpace(value.charAt(value.length() - 1)))) {
            throw new IllegalArgumentException("field " + name + " has whitespace around its value");
        }
        List<String> more = new ArrayList<>(fields);
        more.add(name);
        more.add(value);
        return new Http2Request(method, path, authority, List.copyOf(more), body);
    }

    /**
     * A copy sent with another {@code :authority} than the connection's host and port.
     *
     * @param authority such as {@code example.com:8443}
     * @return the copy
     * @throws IllegalArgumentException when it is empty or holds a space, control, {@code /} or {@code @}
     */
    public Http2Request withAuthority(String authority) {
        if (authority.isEmpty() || authority.chars().anyMatch(c -> c <= ' ' || c >= 0x7F || c == '/' || c == '@')) {
            throw new IllegalArgumentException("not an authority: '" + authority + "'");
        }
        return new Http2Request(method, path, authority, fields, body);
    }

    /** {@return the method} */
    public String method() {
        return method;
    }

    /** {@return the path and query} */
    public String path() {
        return path;
    }

    /** {@return the authority set with {@link #withAuthority}, or null for the connection's} */
    public String authority() {
        return authority;
    }

    /** {@return the header fields, name and value in turn} */
    public List<String> headers() {
        return fields;
    }

    /** {@return the body's length in bytes, 0 for none} */
    public int bodyLength() {
        return body.length;
    }

    /** {@return a copy of the body} */
    public byte[] body() {
        return body.clone();
    }

    /** The body itself, not a copy: the connection only reads it. */
    byte[] bodyBytes() {
        return body;
    }

    /** {@return true when the fields carry a {@code content-length}} */
    boolean hasContentLength() {
        for (int i = 0; i < fields.size(); i += 2) {
            if (fields.get(i).equals("content-length")) {
                return true;
            }
        }
        return false;
    }

    @Override
    public String toString() {
        return method + " " + path + (body.length > 0 ? " (" + body.length + " bytes)" : "");
    }

    static boolean tokenChar(int c) {
        return c > 0x20 && c < 0x7F && "\"(),/:;<=>?@[\\]{}".indexOf(c) < 0;
    }

    private static boolean isSpace(char c) {
        return c == ' ' || c == '\t';
    }
}
