package io.switchboard.proxy;

import io.switchboard.pipeline.AttributeKey;
import io.switchboard.pipeline.Connection;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * A PROXY protocol header as a proxy sent it before the client's bytes: who the client is, whom it called, and (v2)
 * what else the proxy knew. The stage stores it on the connection under {@link #KEY} and passes it to the handlers
 * after it as a user event, just after {@code connected}. Immutable.
 *
 * @param version     1 (the text line) or 2 (binary)
 * @param command     {@link Command#PROXY} for a relayed connection, {@link Command#LOCAL} for one the proxy made
 *                    itself (a health check); v1's {@code UNKNOWN} is {@link Command#LOCAL} too
 * @param family      the address family the header declared
 * @param transport   the transport the header declared
 * @param source      the client's address; null when the connection's own addresses stay (LOCAL, UNKNOWN, UNSPEC)
 * @param destination the address the client connected to; null when {@code source} is
 * @param tlvs        the v2 fields after the addresses, in the order sent (empty for v1)
 */
public record ProxyHeader(int version, Command command, Family family, Transport transport, SocketAddress source,
                          SocketAddress destination, List<ProxyTlv> tlvs) {
    /** Where the stage stores the header on the connection ({@link Connection#attr(AttributeKey)}). */
    public static final AttributeKey<ProxyHeader> KEY = AttributeKey.of("proxy-header");

    /** The v2 command; v1 knows only relayed connections and {@code UNKNOWN}. */
    public enum Command {
        /** The proxy made the connection itself (a health check): keep the connection's own addresses. */
        LOCAL,
        /** The proxy relays a client: its addresses are in the header. */
        PROXY
    }

    /** The address family of the header. */
    public enum Family {
        /** Unknown or unsupported: no addresses. */
        UNSPEC,
        /** IPv4. */
        INET,
        /** IPv6. */
        INET6,
        /** Unix domain socket paths. */
        UNIX
    }

    /** The transport of the relayed connection. */
    public enum Transport {
        /** Unknown or unsupported. */
        UNSPEC,
        /** A stream: TCP, or a Unix stream socket. */
        STREAM,
        /** Datagrams: UDP, or a Unix datagram socket. */
        DGRAM
    }

    /**
     * Copies the list of fields.
     *
     * @param version     1 or 2
     * @param command     the command
     * @param family      the family
     * @param transport   the transport
     * @param source      the client's address, or null
     * @param destination the address the client connected to, or null
     * @param tlvs        the v2 fields
     */
    public ProxyHeader {
        tlvs = List.copyOf(tlvs);
    }

    /**
     * The header a connection was opened with.
     *
     * @param connection the connection
     * @return its header, or null when it came through no PROXY stage (or the stage has not read it yet)
     */
    public static ProxyHeader of(Connection connection) {
        return connection.attr(KEY);
    }

    /** {@return true when the header carries the client's addresses, which then replace the connection's own} */
    public boolean isRelayed() {
        return source != null;
    }

    /**
     * The first field of a type.
     *
     * @param type the field's type ({@link ProxyTlv#ALPN}, …)
     * @return the field, or null when the header has none of that type
     */
    public ProxyTlv tlv(int type) {
        for (ProxyTlv tlv : tlvs) {
            if (tlv.type() == type) {
                return tlv;
            }
        }
        return null;
    }

    /** {@return the application protocol the client negotiated with the proxy (ALPN), or null} */
    public String alpn() {
        ProxyTlv tlv = tlv(ProxyTlv.ALPN);
        return tlv == null ? null : new String(tlv.value(), StandardCharsets.US_ASCII);
    }

    /** {@return the host name the client asked the proxy for (TLS SNI, or another authority), or null} */
    public String authority() {
        ProxyTlv tlv = tlv(ProxyTlv.AUTHORITY);
        return tlv == null ? null : tlv.text();
    }

    /** {@return the proxy's unique id of the connection (up to 128 bytes), or null} */
    public byte[] uniqueId() {
        ProxyTlv tlv = tlv(ProxyTlv.UNIQUE_ID);
        return tlv == null ? null : tlv.value();
    }

    /**
     * The client's TLS connection to the proxy.
     *
     * @return the SSL field, or null when the header has none (checked when the header was read)
     */
    public ProxySsl ssl() {
        ProxyTlv tlv = tlv(ProxyTlv.SSL);
        return tlv == null ? null : ProxySsl.parse(tlv.value());
    }
}
