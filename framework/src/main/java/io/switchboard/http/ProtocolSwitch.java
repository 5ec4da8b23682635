package io.switchboard.http;

import io.switchboard.pipeline.Handler;
import java.nio.ByteBuffer;

/**
 * Whether an HTTP/1 connection leaves HTTP/1 for its service's other protocol, the {@link PriorKnowledge} (HTTP/2):
 * on cleartext when the connection's first bytes are that protocol's preface (HTTP/2's {@code PRI * HTTP/2.0}, "h2c
 * with prior knowledge", RFC 9113 section 3.3); over TLS when the handshake agreed on its ALPN name ({@code h2}). It
 * decides; the {@link HttpConnection} hands the connection over. On cleartext a request may also switch to it by
 * {@code Upgrade} ({@code h2c}: {@link #upgrade}). Loop thread only; one per connection.
 *
 * <p>The preface is looked for at the first bytes only, so requests after the first cost nothing, and the first costs
 * one byte comparison unless it starts like the preface. No HTTP/1 request starts with the whole preface ({@code PRI}
 * with that version is refused by the parser), so HTTP/1 clients see no difference. Over TLS the handshake settles
 * the protocol before any byte is read, and the preface is not looked for (prior knowledge is for cleartext only).
 */
final class ProtocolSwitch {
    /** What the bytes read so far are. */
    enum Preface {
        /** Not the preface: HTTP/1 from here on. */
        HTTP1,
        /** The start of the preface: more bytes are needed. */
        PART,
        /** The whole preface: the other protocol takes the connection. */
        WHOLE
    }

    /** The first bytes of the {@link HttpService#priorKnowledge()} protocol; null for HTTP/1 only. */
    private final byte[] preface;
    /** The protocol's ALPN name, or null. */
    private final String alpnName;
    /** The protocol's {@code Upgrade} token, or null. */
    private final String upgradeToken;
    /** True until the first bytes, or the TLS handshake, told which protocol the connection speaks. */
    private boolean undecided;
    /** The connection is over TLS: no switch by {@code Upgrade}. */
    private boolean overTls;

    ProtocolSwitch(HttpService service) {
        PriorKnowledge other = service.priorKnowledge();
        this.preface = service.preface();
        this.alpnName = other == null ? null : other.applicationProtocol();
        this.upgradeToken = other == null ? null : other.upgradeToken();
        this.undecided = preface != null;
    }

    /** {@return true while the connection's first bytes may still be the preface} */
    boolean undecided() {
        return undecided;
    }

    /**
     * {@return false when the first byte of {@code first}, the connection's first read, cannot start the preface: the
     * usual case, one byte looked at, and HTTP/1 from here on}
     */
    boolean mayStart(ByteBuffer first) {
        if (first.hasRemaining() && first.get(first.position()) != preface[0]) {
            undecided = false;
            return false;
        }
        return true;
    }

    /** {@return what {@code in}, every byte read so far, is} Does not move {@code in}. */
    Preface look(ByteBuffer in) {
        int n = Math.min(in.remaining(), preface.length);
        for (int i = 0; i < n; i++) {
            if (in.get(in.position() + i) != preface[i]) {
                undecided = false;
                return Preface.HTTP1;
            }
        }
        if (n < preface.length) {
            return Preface.PART;
        }
        undecided = false;
        return Preface.WHOLE;
    }

    /**
     * The TLS handshake agreed on {@code alpn} (null for none). {@return true when the other protocol takes the
     * connection: ALPN chose its name, and {@code untouched} (no byte read yet)} A client that then sends anything
     * but that protocol's preface gets that protocol's error (HTTP/2's GOAWAY {@code PROTOCOL_ERROR}). Once per
     * connection: a server never starts another handshake, and the TLS stage refuses one a client starts.
     */
    boolean negotiated(String alpn, boolean untouched) {
        overTls = true;
        boolean first = undecided;
        undecided = false;
        return first && untouched && alpn != null && alpn.equals(alpnName);
    }

    /**
     * {@return the handler of the service's other protocol that takes the connection for {@code request}, which offers
     * an upgrade and was read whole; or null, and the request goes to the service's handler as any other} The other
     * protocol takes it only on cleartext (h2c is never upgraded to over TLS: there ALPN chooses, RFC 9113 section 3.2)
     * and when the request's {@code Upgrade} field names its token alone: a request that also offers WebSocket, say, is
     * left to its route, which may switch to that or answer over HTTP/1.1 (ignoring an offer is always allowed).
     */
    Handler upgrade(HttpService service, HttpRequest request) {
        if (upgradeToken == null || overTls) {
            return null;
        }
        HttpHeaders fields = request.headers();
        if (fields.count("Upgrade") != 1 || !fields.get("Upgrade").strip().equalsIgnoreCase(upgradeToken)) {
            return null;
        }
        return service.priorKnowledge().upgrade(service, request);
    }

    /** {@return the 101 that switches to the other protocol by {@code Upgrade}} */
    HttpResponse switching() {
        return HttpResponse.of(101).header("Connection", "Upgrade").header("Upgrade", upgradeToken);
    }
}
