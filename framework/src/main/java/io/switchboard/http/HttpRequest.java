package io.switchboard.http;

import io.switchboard.internal.Ascii;
import io.switchboard.pipeline.AttributeKey;
import io.switchboard.pipeline.Connection;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A parsed request: its head, and its body either whole ({@link #body()}, the default) or streamed as it
 * arrives ({@link #streamedBody()}, for handlers with {@link BodyPolicy#stream}). Immutable once handed to a
 * handler, so it may be passed to other threads (a streamed body is read by one thread at a time).
 */
public final class HttpRequest {
    private static final byte[] NO_BODY = new byte[0];

    private final String method;
    private final String target;
    private final HttpVersion version;
    private final HttpHeaders headers;
    /** The connection it came on: its peer's address and its loop. */
    private final Connection connection;
    /**
     * The whole body ({@code byte[]}), or the {@link IncomingBody} it is streamed through: one field for both, so
     * that a request stays at 48 bytes (compressed oops) on the path every request takes.
     */
    private Object body = NO_BODY;
    private HttpHeaders trailers;
    /**
     * The path ({@code String}), once asked for, or the {@link PathParams} that hold it with the values of the
     * parameters of the route that matched: one field for both, so that a request stays at 48 bytes.
     */
    private Object path;
    private Map<String, List<String>> query;

    HttpRequest(String method, String target, HttpVersion version, HttpHeaders headers, Connection connection) {
        this.method = method;
        this.target = target;
        this.version = version;
        this.headers = headers;
        this.connection = connection;
    }

    void body(byte[] body, HttpHeaders trailers) {
        this.body = body;
        this.trailers = trailers;
    }

    void streamedBody(IncomingBody body) {
        this.body = body;
    }

    /** {@return the body streamed to the handler, or null when it is whole} */
    IncomingBody incoming() {
        Object b = body;
        return b instanceof IncomingBody ? (IncomingBody) b : null;
    }

    /** {@return the length of the whole body held for this request; 0 for a streamed one} */
    int wholeBodyLength() {
        Object b = body;
        return b instanceof byte[] ? ((byte[]) b).length : 0;
    }

    /** {@return the method, as sent ({@code GET}, {@code POST}, ...; methods are case-sensitive)} */
    public String method() {
        return method;
    }

    /** {@return the request target as sent: origin-form ({@code /a?b}), absolute-form or {@code *}} */
    public String target() {
        return target;
    }

    /** {@return the path of the target, without the query; still percent-encoded} */
    public String path() {
        Object p = path;
        if (p == null) {
            String s = pathOf(target);
            path = s;
            return s;
        }
        return p instanceof String ? (String) p : ((PathParams) p).path;
    }

    /**
     * The value of a parameter of the {@link Routes} pattern that matched this request: for {@code /users/{id}},
     * {@code pathParam("id")} is {@code 7} for {@code /users/7}. A parameter's value is its segment of the path,
     * percent-decoded as UTF-8 ({@code %2F} gives {@code /}, {@code +} stays a plus); the wildcard's
     * ({@code pathParam("*")} for {@code /static/*}) is the rest of the path after the prefix's {@code /}, as sent
     * (still percent-encoded, so that an encoded {@code /} stays apart from the separators), and empty for the
     * prefix itself.
     *
     * @param name the parameter's name as in the pattern, without braces, or {@code *}
     * @return the value, or null when the matched route has no such parameter (or no route matched)
     */
    public String pathParam(String name) {
        Object p = path;
        return p instanceof PathParams ? ((PathParams) p).get(name) : null;
    }

    /**
     * {@return the parameters of the {@link Routes} pattern that matched, by name in the order of the pattern (the
     * wildcard last, as {@code *}); values as {@link #pathParam} gives them; empty for a route without parameters}
     */
    public Map<String, String> pathParams() {
        Object p = path;
        return p instanceof PathParams ? ((PathParams) p).asMap() : Collections.emptyMap();
    }

    /** The router found these values for the parameters {@code names} of the route that matched. Loop thread. */
    void bindPathParams(String[] names, String[] values) {
        path = new PathParams(path(), names, values);
    }

    /** {@return true when the route whose parameters are {@code names} gave this request their values already} */
    boolean pathParamsFrom(String[] names) {
        Object p = path;
        return p instanceof PathParams && ((PathParams) p).names == names;
    }

    private static String pathOf(String target) {
        int start = 0;
        if (!target.startsWith("/") && !target.equals("*")) {
            int scheme = target.indexOf("://");
            int slash = scheme < 0 ? -1 : target.indexOf('/', scheme + 3);
            if (slash < 0) {
                return "/";
            }
            start = slash;
        }
        int q = target.indexOf('?', start);
        return q < 0 ? target.substring(start) : target.substring(start, q);
    }

    /** {@return the raw query string after {@code ?}, or null when the target has none} */
    public String rawQuery() {
        int q = target.indexOf('?');
        return q < 0 ? null : target.substring(q + 1);
    }

    /**
     * The first value of query parameter {@code name} (percent- and plus-decoded).
     *
     * @param name the decoded parameter name, matched exactly
     * @return the value; empty for a parameter without {@code =}; null when the parameter is absent
     */
    public String queryParam(String name) {
        List<String> values = queryParams().get(name);
        return values == null ? null : values.get(0);
    }

    /** {@return all query parameters, decoded, in order; each name maps to its values} */
    public Map<String, List<String>> queryParams() {
        if (query == null) {
            query = parseQuery(rawQuery());
        }
        return query;
    }

    /** {@return the protocol version} */
    public HttpVersion version() {
        return version;
    }

    /** {@return true for HTTP/1.1 with an {@code Upgrade} field named in {@code Connection} (RFC 9110 section 7.8)} */
    boolean offersUpgrade() {
        return version == HttpVersion.HTTP_1_1 && headers.get("Upgrade") != null
                && headers.containsToken("Connection", "upgrade");
    }

    /** {@return the header fields} */
    public HttpHeaders headers() {
        return headers;
    }

    /**
     * The first value of header {@code name}, ignoring case.
     *
     * @param name the field name, in any case
     * @return the value, or null when the request has no such field
     */
    public String header(String name) {
        return headers.get(name);
    }

    /**
     * {@return the trailer fields of a chunked body; empty for other bodies} For a streamed body they are
     * known once it has ended ({@link RequestBody#trailers()}).
     */
    public HttpHeaders trailers() {
        IncomingBody streamed = incoming();
        if (streamed != null) {
            return streamed.trailers();
        }
        return trailers == null ? new HttpHeaders(0) : trailers;
    }

    /** {@return true when the body is streamed to the handler ({@link BodyPolicy#stream}) rather than held whole} */
    public boolean isStreamed() {
        return body instanceof IncomingBody;
    }

    /**
     * {@return the whole body (not a copy: do not change it); empty when the request had none}
     *
     * @throws IllegalStateException when the body is streamed: read it with {@link #streamedBody()} or
     *                               {@link #bodyStream()}
     */
    public byte[] body() {
        Object b = body;
        if (!(b instanceof byte[])) {
            throw new IllegalStateException("the body of " + this + " is streamed: read it with streamedBody() or bodyStream()");
        }
        return (byte[]) b;
    }

    /**
     * {@return the whole body as UTF-8 text}
     *
     * @throws IllegalStateException when the body is streamed
     */
    public String bodyText() {
        return new String(body(), StandardCharsets.UTF_8);
    }

    /**
     * The body as an {@link InputStream}. For a streamed body it is the blocking view
     * ({@link RequestBody#inputStream()}): reads wait for the client's bytes, so use it from a thread that may
     * block (an offloaded handler), never on the loop. For a whole body it reads the array, which is all there.
     *
     * @return the stream; for a streamed body, the same reader's view each call continues where the last left
     */
    public InputStream bodyStream() {
        IncomingBody streamed = incoming();
        if (streamed != null) {
            return streamed.inputStream();
        }
        return new ByteArrayInputStream((byte[]) body);
    }

    /**
     * The body read as it arrives, with backpressure (see {@link RequestBody}). For a whole body it is a view of
     * the array: one chunk, then the end.
     *
     * @return the body as a stream of chunks
     */
    public RequestBody streamedBody() {
        IncomingBody streamed = incoming();
        if (streamed != null) {
            return streamed;
        }
        return new WholeBody((byte[]) body, trailers(), connection.loop());
    }

    /**
     * {@return true when the connection stays open after this exchange (version and Connection header rules,
     * RFC 9112 section 9.3)}
     */
    public boolean keepAlive() {
        boolean close = headers.containsToken("Connection", "close");
        return version != HttpVersion.HTTP_1_0 ? !close : !close && headers.containsToken("Connection", "keep-alive");
    }

    /**
     * {@return the client's address: the one a proxy relayed when the server reads the PROXY protocol
     * ({@link io.switchboard.pipeline.Connection#relayAddresses}), else the socket's peer}
     */
    public SocketAddress remoteAddress() {
        return connection.remoteAddress();
    }

    /**
     * An attribute of the connection the request came on, such as the PROXY protocol header under
     * {@code ProxyHeader.KEY} (its TLVs: the client's TLS version and SNI as the proxy saw them).
     *
     * @param <T> the attribute's type
     * @param key the attribute's key
     * @return the value, or null when none is stored
     */
    public <T> T attr(AttributeKey<T> key) {
        return connection.attr(key);
    }

    @Override
    public String toString() {
        return method + " " + target + " " + version;
    }

    static Map<String, List<String>> parseQuery(String raw) {
        if (raw == null || raw.isEmpty()) {
            return Collections.emptyMap();
        }
        Map<String, List<String>> params = new LinkedHashMap<>();
        for (String pair : raw.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String name = decode(eq < 0 ? pair : pair.substring(0, eq));
            String value = eq < 0 ? "" : decode(pair.substring(eq + 1));
            params.computeIfAbsent(name, k -> new ArrayList<>(1)).add(value);
        }
        return params;
    }

    /** Percent- and plus-decoding; a malformed escape is kept as it is. */
    static String decode(String s) {
        if (s.indexOf('%') < 0 && s.indexOf('+') < 0) {
            return s;
        }
        byte[] out = new byte[s.length() * 3];
        int n = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '+') {
                out[n++] = ' ';
            } else if (c == '%' && i + 2 < s.length() && Ascii.hexValue(s.charAt(i + 1)) >= 0 && Ascii.hexValue(s.charAt(i + 2)) >= 0) {
                out[n++] = (byte) (Ascii.hexValue(s.charAt(i + 1)) * 16 + Ascii.hexValue(s.charAt(i + 2)));
                i += 2;
            } else if (c < 0x80) {
                out[n++] = (byte) c;
            } else {
                byte[] utf8 = String.valueOf(c).getBytes(StandardCharsets.UTF_8);
                System.arraycopy(utf8, 0, out, n, utf8.length);
                n += utf8.length;
            }
        }
        return new String(out, 0, n, StandardCharsets.UTF_8);
    }
}
