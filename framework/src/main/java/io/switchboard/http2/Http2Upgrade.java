package io.switchboard.http2;

import io.switchboard.http.HttpHeaders;
import io.switchboard.http.HttpRequest;
import io.switchboard.http.HttpVersion;
import io.switchboard.internal.HttpAccess;
import io.switchboard.pipeline.Connection;
import java.nio.ByteBuffer;
import java.util.Base64;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An HTTP/1.1 request that switches its cleartext connection to HTTP/2 by {@code Upgrade: h2c} (RFC 7540 section
 * 3.2; RFC 9113 section 3.1 keeps the token, marks the mechanism deprecated, and curl and the JDK's HttpClient still
 * use it): it names {@code HTTP2-Settings} in {@code Connection} and carries exactly one {@code HTTP2-Settings} field,
 * the base64url payload of a SETTINGS frame that are the client's first settings (the {@code 101} acknowledges
 * them). The request, read whole over HTTP/1.1, becomes stream 1, half-closed (remote), with its connection-specific
 * fields dropped and its field names lowercased as over HTTP/2. Immutable.
 *
 * @param settings the client's settings from {@code HTTP2-Settings}
 * @param h1       the HTTP/1.1 request, with its whole body
 */
record Http2Upgrade(Http2Settings settings, HttpRequest h1) {
    private static final Logger log = LoggerFactory.getLogger(Http2Upgrade.class);

    /** The {@code Upgrade} token of HTTP/2 over cleartext. */
    static final String TOKEN = "h2c";

    /**
     * {@return the upgrade {@code h1} asks for, or null when it is no valid one: {@code HTTP2-Settings} missing,
     * repeated, not named in {@code Connection}, not base64url, or not a valid SETTINGS payload} A server must not
     * upgrade then (RFC 7540 section 3.2.1); the request is served over HTTP/1.1 instead, as Netty does, rather than
     * refused: it is a valid HTTP/1.1 request, and ignoring an upgrade offer is always allowed.
     *
     * @param h1 a request whose {@code Upgrade} field offers {@value #TOKEN} alone
     */
    static Http2Upgrade of(HttpRequest h1) {
        HttpHeaders fields = h1.headers();
        if (fields.count("HTTP2-Settings") != 1 || !fields.containsToken("Connection", "HTTP2-Settings")) {
            log.debug("h2c upgrade of {} ignored: not exactly one HTTP2-Settings named in Connection", h1);
            return null;
        }
        byte[] payload;
        try {
            payload = Base64.getUrlDecoder().decode(fields.get("HTTP2-Settings").strip());
        } catch (IllegalArgumentException e) {
            log.debug("h2c upgrade of {} ignored: HTTP2-Settings is not base64url", h1);
            return null;
        }
        if (payload.length % Http2Settings.ENTRY_LENGTH != 0) {
            log.debug("h2c upgrade of {} ignored: HTTP2-Settings of {} bytes, not whole settings", h1, payload.length);
            return null;
        }
        try {
            return new Http2Upgrade(Http2Settings.read(ByteBuffer.wrap(payload), payload.length, false), h1);
        } catch (Http2Exception e) {
            log.debug("h2c upgrade of {} ignored: {}", h1, e.getMessage());
            return null;
        }
    }

    /**
     * {@return the request as stream 1 sees it: HTTP/2, the same method, target and fields but the connection-specific
     * ones ({@code Connection} and those it names, {@code Keep-Alive}, {@code Proxy-Connection},
     * {@code Transfer-Encoding}, {@code Upgrade}, {@code HTTP2-Settings}, {@code TE} but {@code trailers}), names in
     * lowercase; without its body yet}
     *
     * @param connection the connection it came on
     */
    HttpRequest request(Connection connection) {
        HttpHeaders in = h1.headers();
        HttpHeaders out = new HttpHeaders();
        for (int i = 0; i < in.size(); i++) {
            String name = in.name(i).toLowerCase(Locale.ROOT);
            if (!connectionSpecific(name, in.value(i)) && !in.containsToken("Connection", name)) {
                out.add(name, in.value(i));
            }
        }
        return HttpAccess.get().request(h1.method(), h1.target(), HttpVersion.HTTP_2, out, connection);
    }

    /** {@return the request's whole body (not a copy)} */
    byte[] body() {
        return h1.body();
    }

    /** {@return the trailers of its chunked body, or null for none} */
    HttpHeaders trailers() {
        HttpHeaders t = h1.trailers();
        return t.size() == 0 ? null : t;
    }

    private static boolean connectionSpecific(String name, String value) {
        return switch (name) {
            case "connection", "keep-alive", "proxy-connection", "transfer-encoding", "upgrade", "http2-settings" -> true;
            case "te" -> !value.strip().equalsIgnoreCase("trailers");
            default -> false;
        };
    }
}
