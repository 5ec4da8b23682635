package io.switchboard.proxy;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.pipeline.Handler;
import io.switchboard.pipeline.HandlerContext;
import io.switchboard.proxy.ProxyHeader.Command;
import io.switchboard.proxy.ProxyHeader.Family;
import io.switchboard.proxy.ProxyHeader.Transport;
import io.switchboard.testing.EmbeddedConnection;
import io.switchboard.testing.Splits;
import java.io.ByteArrayOutputStream;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.UnixDomainSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Both versions of the PROXY header through the stage, fed whole, split at every byte and one byte at a time: each
 * valid form gives the same header and hands the bytes after it on untouched; each malformed form in the spec closes
 * the connection before any byte reaches the handlers after the stage, and is counted.
 */
class ProxyHeaderTest {
    /** Where the embedded connections come from: a trusted proxy. */
    static final InetSocketAddress PROXY = new InetSocketAddress("127.0.0.1", 40000);
    private static final byte[] PAYLOAD = "GET / HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII);

    private final ProxyProtocol protocol = ProxyProtocol.builder().trust("127.0.0.0/8").trust("::1").build();
    private final List<Stage> stages = new ArrayList<>();

    /** What the handlers after the stage saw. */
    static final class Stage implements Handler {
        SocketAddress remoteAtConnect;
        SocketAddress localAtConnect;
        int connected;

        @Override
        public void connected(HandlerContext ctx) {
            connected++;
            remoteAtConnect = ctx.connection().remoteAddress();
            localAtConnect = ctx.connection().localAddress();
            ctx.fireConnected();
        }
    }

    private EmbeddedConnection connection() {
        Stage stage = new Stage();
        stages.add(stage);
        return new EmbeddedConnection(PROXY, p -> p.add(protocol.newHandler()).add(stage));
    }

    private Stage lastStage() {
        return stages.get(stages.size() - 1);
    }

    /** The header the stage passed on, after checking it was passed once, and the payload after it, whole. */
    private ProxyHeader accepted(EmbeddedConnection c) {
        assertTrue(c.isOpen(), "the connection stays open: " + c.events());
        assertEquals(1, lastStage().connected, "connected passed on once, after the header");
        List<Object> headers = c.events().stream().filter(e -> e instanceof ProxyHeader).toList();
        assertEquals(1, headers.size(), c.events().toString());
        ProxyHeader header = (ProxyHeader) headers.get(0);
        assertEquals(header, ProxyHeader.of(c.connection()), "stored on the connection too");
        ByteArrayOutputStream rest = new ByteArrayOutputStream();
        for (Object m : c.readMessages()) {
            rest.writeBytes((byte[]) m);
        }
        assertArrayEquals(PAYLOAD, rest.toByteArray(), "the bytes after the header reach the next handler untouched");
        assertNull(c.pipeline().get(ProxyProtocolHandler.class), "the stage removed itself");
        return header;
    }

    /** The connection was closed before anything after the stage saw it. */
    private void refused(EmbeddedConnection c) {
        assertFalse(c.isOpen(), "refused: " + c.events());
        assertTrue(c.isClosed());
        assertEquals(0, lastStage().connected, "the handlers after the stage never saw connected");
        assertTrue(c.readMessages().isEmpty(), "no byte reached the handlers after the stage");
        assertEquals(PROXY, c.connection().remoteAddress(), "the socket's address stays");
    }

    private static byte[] v1(String line) {
        return ProxyFrames.concat(line.getBytes(StandardCharsets.ISO_8859_1), PAYLOAD);
    }

    // Version 1.

    @Test
    void v1Tcp4AtEverySplit() {
        Splits.check(v1("PROXY TCP4 192.0.2.10 198.51.100.1 56324 443\r\n"), this::connection, c -> {
            ProxyHeader h = accepted(c);
            assertEquals(new ProxyHeader(1, Command.PROXY, Family.INET, Transport.STREAM,
                    new InetSocketAddress("192.0.2.10", 56324), new InetSocketAddress("198.51.100.1", 443), List.of()), h);
            assertEquals(new InetSocketAddress("192.0.2.10", 56324), c.connection().remoteAddress());
            assertEquals(new InetSocketAddress("198.51.100.1", 443), c.connection().localAddress());
            assertEquals(PROXY, c.connection().socketRemoteAddress(), "the proxy's address is still there");
            assertEquals(new InetSocketAddress("192.0.2.10", 56324), lastStage().remoteAtConnect,
                    "connected sees the client's address already");
            assertTrue(c.connection().toString().contains("192.0.2.10:56324 via /127.0.0.1:40000"), c.connection().toString());
        });
        assertEquals(0, protocol.counters().invalid());
        assertTrue(protocol.counters().relayed() > 0);
    }

    @Test
    void v1Tcp6InEveryWrittenFormAtEverySplit() {
        Splits.check(v1("PROXY TCP6 2001:db8::1 2001:db8:0:0:0:0:0:2 1 65535\r\n"), this::connection, c -> {
            accepted(c);
            assertEquals(new InetSocketAddress("2001:db8::1", 1), c.connection().remoteAddress());
            assertEquals(new InetSocketAddress("2001:db8::2", 65535), lastStage().localAtConnect);
        });
        // HAProxy writes a dual-stack listener's IPv4 client as an IPv4-mapped IPv6 address (haproxy#2963).
        EmbeddedConnection c = connection().feed(v1("PROXY TCP6 ::ffff:192.0.2.7 ::1 5000 80\r\n"));
        accepted(c);
        assertEquals(new InetSocketAddress("192.0.2.7", 5000), c.connection().remoteAddress());
    }

    @Test
    void v1UnknownKeepsTheSocketsAddressesAndIgnoresTheRestOfItsLine() {
        for (String line : List.of("PROXY UNKNOWN\r\n",
                "PROXY UNKNOWN ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff 65535 65535\r\n")) {
            Splits.check(v1(line), this::connection, c -> {
                ProxyHeader h = accepted(c);
                assertEquals(Command.LOCAL, h.command());
                assertFalse(h.isRelayed());
                assertEquals(PROXY, c.connection().remoteAddress());
            });
        }
        assertEquals(107, ("PROXY UNKNOWN ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff"
                + " 65535 65535\r\n").length(), "the spec's worst case, 107 bytes, is accepted");
        assertTrue(protocol.counters().local() > 0);
    }

    @Test
    void v1LineOver107BytesIsRefusedAtByte107() {
        String line = "PROXY UNKNOWN " + "a".repeat(92) + "\r\n"; // 108 bytes: the CRLF ends past byte 107
        assertEquals(108, line.length());
        Splits.check(v1(line), this::connection, this::refused);
        EmbeddedConnection c = connection().feed(line.substring(0, 106));
        assertTrue(c.isOpen(), "106 bytes without CRLF: still waiting");
        c.feed("a");
        refused(c); // byte 107 is not the LF: no CRLF in the first 107 bytes
    }

    @Test
    void v1WithoutItsCrlfIsRefused() {
        for (String line : List.of(
                "PROXY TCP4 192.0.2.10 198.51.100.1 56324 443\n", // LF alone
                "PROXY TCP4 192.0.2.10 198.51.100.1 56324 443\rX", // CR alone
                "PROXY TCP4 192.0.2.10 198.51.100.1 56324 443\r\r\n")) {
            Splits.check(v1(line), this::connection, this::refused);
        }
    }

    @Test
    void everyMalformedV1LineIsRefused() {
        List<String> malformed = List.of(
                "proxy TCP4 192.0.2.10 198.51.100.1 56324 443\r\n", // the signature is upper case
                "PROXY  TCP4 192.0.2.10 198.51.100.1 56324 443\r\n", // two spaces
                "PROXY TCP4 192.0.2.10 198.51.100.1 56324 443 \r\n", // a trailing space
                "PROXY TCP4 192.0.2.10 198.51.100.1 56324\r\n", // a field missing
                "PROXY TCP4 192.0.2.10 198.51.100.1 56324 443 1\r\n", // a field too many
                "PROXY TCP5 192.0.2.10 198.51.100.1 56324 443\r\n", // no such protocol
                "PROXY TCP4 192.0.2.010 198.51.100.1 56324 443\r\n", // a leading zero (octal?)
                "PROXY TCP4 192.0.2.256 198.51.100.1 56324 443\r\n", // a byte over 255
                "PROXY TCP4 192.0.2 198.51.100.1 56324 443\r\n", // three parts
                "PROXY TCP4 2001:db8::1 198.51.100.1 56324 443\r\n", // IPv6 under TCP4
                "PROXY TCP6 192.0.2.10 2001:db8::1 56324 443\r\n", // IPv4 under TCP6
                "PROXY TCP6 2001:db8::1::2 2001:db8::1 56324 443\r\n", // two "::"
                "PROXY TCP6 2001:db8:1:2:3:4:5:6:7 2001:db8::1 56324 443\r\n", // nine groups
                "PROXY TCP4 192.0.2.10 198.51.100.1 056324 443\r\n", // a port with a leading zero
                "PROXY TCP4 192.0.2.10 198.51.100.1 65536 443\r\n", // a port over 65535
                "PROXY TCP4 192.0.2.10 198.51.100.1 -1 443\r\n", // a negative port
                "PROXY TCP4 localhost 198.51.100.1 56324 443\r\n", // a name, never looked up
                "PROXY TCP4 192.0.2.10\t198.51.100.1 56324 443\r\n", // a tab
                "PROXY TCP4 192.0.2.10 198.51.100.1 56324 4\u00e93\r\n", // a byte outside US-ASCII
                "PROXY\r\n"); // nothing after the signature's space
        for (String line : malformed) {
            EmbeddedConnection c = connection().feed(v1(line));
            try {
                refused(c);
            } catch (AssertionError e) {
                throw new AssertionError("'" + line.strip() + "' was not refused", e);
            }
        }
        assertEquals(malformed.size(), protocol.counters().invalid());
    }

    @Test
    void aClientThatIsNoProxyIsRefusedAtItsFirstByte() {
        EmbeddedConnection c = connection().feed("G");
        refused(c);
        assertEquals(1, protocol.counters().invalid());
        c = connection().feed(new byte[] {0x16, 0x03, 0x01}); // a TLS ClientHello
        refused(c);
        c = connection().feed("PROXZ");
        refused(c);
        assertEquals(3, protocol.counters().invalid());
    }

    // Version 2.

    private static byte[] withPayload(ProxyFrames frames) {
        return ProxyFrames.concat(frames.bytes(), PAYLOAD);
    }

    @Test
    void v2Ipv4WithEveryKindOfFieldAtEverySplit() {
        byte[] uniqueId = new byte[128];
        for (int i = 0; i < uniqueId.length; i++) {
            uniqueId[i] = (byte) i;
        }
        ProxyFrames frames = ProxyFrames.v2().inet("192.0.2.10", "198.51.100.1", 56324, 443)
                .tlv(ProxyTlv.ALPN, "h2")
                .tlv(ProxyTlv.AUTHORITY, "example.com")
                .tlv(ProxyTlv.UNIQUE_ID, uniqueId)
                .tlv(ProxyTlv.SSL, ProxyFrames.ssl(ProxySsl.CLIENT_SSL | ProxySsl.CLIENT_CERT_CONN, 0, "TLSv1.3",
                        "client.example", "TLS_AES_128_GCM_SHA256"))
                .tlv(ProxyTlv.NOOP, new byte[3])
                .tlv(0xE0, "custom")
                .crc();
        Splits.check(withPayload(frames), this::connection, c -> {
            ProxyHeader h = accepted(c);
            assertEquals(2, h.version());
            assertEquals(Command.PROXY, h.command());
            assertEquals(Family.INET, h.family());
            assertEquals(Transport.STREAM, h.transport());
            assertEquals(new InetSocketAddress("192.0.2.10", 56324), c.connection().remoteAddress());
            assertEquals(new InetSocketAddress("198.51.100.1", 443), c.connection().localAddress());
            assertEquals("h2", h.alpn());
            assertEquals("example.com", h.authority());
            assertArrayEquals(uniqueId, h.uniqueId());
            ProxySsl ssl = h.ssl();
            assertNotNull(ssl);
            assertTrue(ssl.isTls());
            assertTrue(ssl.isClientVerified());
            assertEquals("TLSv1.3", ssl.version());
            assertEquals("client.example", ssl.commonName());
            assertEquals("TLS_AES_128_GCM_SHA256", ssl.cipher());
            assertEquals("custom", h.tlv(0xE0).text());
            assertEquals(7, h.tlvs().size(), "every field is passed on, in order: " + h.tlvs());
        });
    }

    @Test
    void v2Ipv6AndUdpAtEverySplit() {
        Splits.check(withPayload(ProxyFrames.v2().familyTransport(0x21).inet("2001:db8::1", "2001:db8::2", 1, 2)),
                this::connection, c -> {
                    accepted(c);
                    assertEquals(new InetSocketAddress("2001:db8::1", 1), c.connection().remoteAddress());
                });
        EmbeddedConnection c = connection().feed(withPayload(
                ProxyFrames.v2().familyTransport(0x12).inet("192.0.2.1", "192.0.2.2", 53, 53)));
        assertEquals(Transport.DGRAM, accepted(c).transport());
    }

    @Test
    void v2UnixPathsBecomeUnixAddresses() {
        Splits.check(withPayload(ProxyFrames.v2().familyTransport(0x31).unix("/run/client.sock", "/run/haproxy.sock")),
                this::connection, c -> {
                    ProxyHeader h = accepted(c);
                    assertEquals(Family.UNIX, h.family());
                    assertEquals(UnixDomainSocketAddress.of("/run/client.sock"), c.connection().remoteAddress());
                    assertEquals(UnixDomainSocketAddress.of("/run/haproxy.sock"), c.connection().localAddress());
                });
    }

    @Test
    void v2LocalKeepsTheSocketsAddressesAndSkipsWhateverItsBlockHolds() {
        // HAProxy's health checks send LOCAL with an address block and fields (dovecot#125, haproxy#511).
        ProxyFrames check = ProxyFrames.v2().versionCommand(0x20).inet("192.0.2.10", "198.51.100.1", 1, 2)
                .tlv(ProxyTlv.UNIQUE_ID, "x");
        Splits.check(withPayload(check), this::connection, c -> {
            ProxyHeader h = accepted(c);
            assertEquals(Command.LOCAL, h.command());
            assertFalse(h.isRelayed());
            assertEquals(PROXY, c.connection().remoteAddress());
        });
        EmbeddedConnection c = connection().feed(withPayload(ProxyFrames.v2().versionCommand(0x20).familyTransport(0)));
        assertEquals(PROXY, c.connection().remoteAddress());
        accepted(c);
        // PROXY with an UNSPEC family: the addresses are ignored (armeria#2984 threw on the missing addresses).
        c = connection().feed(withPayload(ProxyFrames.v2().familyTransport(0x00).raw(new byte[12])));
        assertFalse(accepted(c).isRelayed());
    }

    @Test
    void aWrongV2SignatureIsRefusedAtTheByteThatDiffers() {
        for (int at = 1; at < ProxyFrames.SIGNATURE.length; at++) {
            byte[] header = ProxyFrames.v2().inet("192.0.2.10", "198.51.100.1", 1, 2).bytes();
            header[at] ^= 0x40;
            EmbeddedConnection c = connection().feed(header, 0, at + 1);
            refused(c);
        }
        assertEquals(ProxyFrames.SIGNATURE.length - 1, protocol.counters().invalid());
    }

    @Test
    void everyMalformedV2HeaderIsRefused() {
        List<byte[]> malformed = List.of(
                ProxyFrames.v2().versionCommand(0x11).inet("192.0.2.10", "198.51.100.1", 1, 2).bytes(), // version 1
                ProxyFrames.v2().versionCommand(0x31).inet("192.0.2.10", "198.51.100.1", 1, 2).bytes(), // version 3
                ProxyFrames.v2().versionCommand(0x22).inet("192.0.2.10", "198.51.100.1", 1, 2).bytes(), // command 2
                ProxyFrames.v2().familyTransport(0x41).inet("192.0.2.10", "198.51.100.1", 1, 2).bytes(), // family 4
                ProxyFrames.v2().familyTransport(0x13).inet("192.0.2.10", "198.51.100.1", 1, 2).bytes(), // transport 3
                ProxyFrames.v2().address("192.0.2.10").address("198.51.100.1").u16(1).bytes(), // 10 bytes for IPv4
                ProxyFrames.v2().familyTransport(0x21).inet("192.0.2.10", "198.51.100.1", 1, 2).bytes(), // IPv6, 12
                ProxyFrames.v2().familyTransport(0x31).path("/a").bytes(), // one Unix path of two
                ProxyFrames.v2().inet("192.0.2.10", "198.51.100.1", 1, 2).raw((byte) 1, (byte) 0).bytes(), // a field cut short
                ProxyFrames.v2().inet("192.0.2.10", "198.51.100.1", 1, 2).raw((byte) 1, (byte) 0, (byte) 9, (byte) 'h')
                        .bytes(), // a field that overruns the header
                crcMismatch(),
                ProxyFrames.v2().inet("192.0.2.10", "198.51.100.1", 1, 2).tlv(ProxyTlv.CRC32C, new byte[2]).bytes(),
                ProxyFrames.v2().inet("192.0.2.10", "198.51.100.1", 1, 2).tlv(ProxyTlv.SSL, new byte[4]).bytes(),
                ProxyFrames.v2().inet("192.0.2.10", "198.51.100.1", 1, 2)
                        .tlv(ProxyTlv.SSL, new byte[] {1, 0, 0, 0, 0, 0x21, 0, 9, 'x'}).bytes(), // sub-field overruns
                ProxyFrames.v2().inet("192.0.2.10", "198.51.100.1", 1, 2).tlv(ProxyTlv.UNIQUE_ID, new byte[129]).bytes());
        for (int i = 0; i < malformed.size(); i++) {
            byte[] header = malformed.get(i);
            int index = i;
            Splits.check(ProxyFrames.concat(header, PAYLOAD), this::connection, c -> {
                try {
                    refused(c);
                } catch (AssertionError e) {
                    throw new AssertionError("malformed v2 header #" + index + " was not refused", e);
                }
            });
        }
        assertEquals(0, protocol.counters().relayed());
        assertEquals(0, protocol.counters().oversized());
    }

    private static byte[] crcMismatch() {
        byte[] header = ProxyFrames.v2().inet("192.0.2.10", "198.51.100.1", 1, 2).crc().bytes();
        header[header.length - 1] ^= 1;
        return header;
    }

    @Test
    void fieldsOverTheBoundAreRefusedWhenTheLengthArrivesBeforeAnyOfThemIsKept() {
        ProxyProtocol small = ProxyProtocol.builder().trust("127.0.0.1").maxTlvBytes(64).build();
        Stage stage = new Stage();
        stages.add(stage);
        byte[] over = ProxyFrames.v2().inet("192.0.2.10", "198.51.100.1", 1, 2).tlv(0xE0, new byte[62]).bytes();
        EmbeddedConnection c = new EmbeddedConnection(PROXY, p -> p.add(small.newHandler()).add(stage));
        c.feed(over, 0, 16); // only the fixed part: the length says 12 + 65 bytes
        refused(c);
        assertEquals(1, small.counters().oversized());
        assertEquals(0, small.counters().invalid());
        // 64 bytes of fields exactly: accepted.
        byte[] fits = ProxyFrames.v2().inet("192.0.2.10", "198.51.100.1", 1, 2).tlv(0xE0, new byte[61]).bytes();
        Stage second = new Stage();
        stages.add(second);
        EmbeddedConnection ok = new EmbeddedConnection(PROXY, p -> p.add(small.newHandler()).add(second))
                .feed(ProxyFrames.concat(fits, PAYLOAD));
        accepted(ok);
        // A LOCAL block is bounded by the longest addresses plus the fields.
        Stage third = new Stage();
        stages.add(third);
        c = new EmbeddedConnection(PROXY, p -> p.add(small.newHandler()).add(third))
                .feed(ProxyFrames.v2().versionCommand(0x20).length(216 + 65).bytes());
        refused(c);
        assertEquals(2, small.counters().oversized());
    }
}
