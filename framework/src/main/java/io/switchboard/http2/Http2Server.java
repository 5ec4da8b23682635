package io.switchboard.http2;

import io.switchboard.http.HttpRequest;
import io.switchboard.http.HttpService;
import io.switchboard.http.PriorKnowledge;
import io.switchboard.pipeline.Handler;
import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * HTTP/2 with prior knowledge (h2c, RFC 9113 section 3.3) for an {@link HttpService}: a connection that opens with the
 * client preface ({@code PRI * HTTP/2.0}) is served HTTP/2 by the service's handler, with these limits; HTTP/1
 * clients on the same port see no difference (no HTTP/1 request starts so). Over TLS, HTTP/2 is chosen by ALPN
 * ({@code h2}, RFC 9113 section 3.2): offer it before {@code http/1.1} and clients that speak HTTP/2 choose it, the
 * others get HTTP/1.1; the preface is not looked for on a TLS connection that agreed on another protocol. The TLS
 * defaults (TLS 1.3 and 1.2, forward-secret AEAD suites only, renegotiation refused) meet RFC 9113 section 9.2; a
 * suite list set by hand is not checked against its TLS 1.2 block list (Appendix A).
 *
 * <p>On cleartext an HTTP/1.1 request may also switch to HTTP/2 by {@code Upgrade: h2c} with one valid
 * {@code HTTP2-Settings} ({@code curl --http2} on {@code http://}, the JDK's HttpClient): the server answers
 * {@code 101} itself, in order after earlier pipelined answers, then its SETTINGS, and serves the request as stream 1
 * with the same handler. The request is read whole first (within its route's limit); a route that streams request
 * bodies, an invalid or repeated {@code HTTP2-Settings}, an {@code Upgrade} that names other protocols too, and any TLS
 * connection get the request served over HTTP/1.1 instead.
 *
 * <pre>{@code
 * HttpService service = new HttpService(routes).withPriorKnowledge(Http2Server.DEFAULTS);
 * TlsServerContext tls = TlsServerContext.create(TlsServerConfig.builder().identity(identity)
 *         .applicationProtocols(Http2Server.ALPN, "http/1.1").build());
 * Server.builder().tls(tls).pipeline(service).start();
 * }</pre>
 *
 * Immutable and thread-safe.
 */
public final class Http2Server implements PriorKnowledge {
    /** HTTP/2 with {@link Http2Limits#DEFAULTS}. */
    public static final Http2Server DEFAULTS = new Http2Server(Http2Limits.DEFAULTS);

    /** The ALPN name of HTTP/2 over TLS, {@code h2} (RFC 9113 section 3.2). */
    public static final String ALPN = "h2";

    private static final byte[] PREFACE_LINE = "PRI * HTTP/2.0\r\n".getBytes(StandardCharsets.US_ASCII);

    private final Http2Limits limits;

    private Http2Server(Http2Limits limits) {
        this.limits = Objects.requireNonNull(limits, "limits");
    }

    /**
     * HTTP/2 with {@code limits}.
     *
     * @param limits the limits of each HTTP/2 connection
     * @return the protocol, for {@link HttpService#withPriorKnowledge}
     */
    public static Http2Server of(Http2Limits limits) {
        return new Http2Server(limits);
    }

    /** {@return the limits of each HTTP/2 connection} */
    public Http2Limits limits() {
        return limits;
    }

    /** {@return the first line of the client preface, {@code PRI * HTTP/2.0} and CRLF (a copy)} */
    @Override
    public byte[] preface() {
        return PREFACE_LINE.clone();
    }

    /** {@return {@value #ALPN}: HTTP/2 over TLS} */
    @Override
    public String applicationProtocol() {
        return ALPN;
    }

    @Override
    public Handler handler(HttpService service) {
        return new Http2Connection(service, limits);
    }

    /** {@return {@code h2c}: an HTTP/1.1 request on cleartext may switch its connection to HTTP/2 by Upgrade} */
    @Override
    public String upgradeToken() {
        return Http2Upgrade.TOKEN;
    }

    /**
     * The HTTP/2 side of a connection whose {@code request} asked for {@code Upgrade: h2c}, serving that request as
     * stream 1.
     *
     * @param service the service whose handler serves the request
     * @param request the request, read whole
     * @return the handler; or null, and the request is served over HTTP/1.1, when it does not carry exactly one valid
     *         {@code HTTP2-Settings} named in {@code Connection} (RFC 7540 section 3.2.1: the server must not upgrade
     *         then)
     */
    @Override
    public Handler upgrade(HttpService service, HttpRequest request) {
        Http2Upgrade upgrade = Http2Upgrade.of(request);
        return upgrade == null ? null : new Http2Connection(service, limits, upgrade);
    }
}
