package io.switchboard.proxy;

import io.switchboard.proxy.ProxyHeader.Command;
import io.switchboard.proxy.ProxyHeader.Family;
import io.switchboard.proxy.ProxyHeader.Transport;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.UnixDomainSocketAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.InvalidPathException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.zip.CRC32C;

/**
 * Reads one PROXY protocol header, v1 or v2, from bytes as they arrive, per HAProxy's {@code proxy-protocol.txt}: a
 * resumable state machine with no I/O, which takes from each input exactly the header's bytes and leaves the
 * client's. The first byte decides the version ({@code P} for v1's {@code PROXY } line, {@code \r} for v2's 12-byte
 * signature); anything else is refused at once, as is every byte that breaks the form as soon as it arrives, so a
 * client that is not a proxy is turned away after its first byte or so.
 *
 * <p><b>v1</b>: {@code PROXY TCP4|TCP6 SRC DST SPORT DPORT\r\n} with exactly one space between fields, numeric
 * addresses of the declared family, ports 0 to 65535 without leading zeros, at most 107 bytes with the CRLF, no
 * lone CR or LF, printable US-ASCII only. {@code PROXY UNKNOWN} keeps the connection's addresses and ignores the rest
 * of its line.
 *
 * <p><b>v2</b>: the signature, version 2, command LOCAL or PROXY, family UNSPEC, INET, INET6 or UNIX, transport
 * UNSPEC, STREAM or DGRAM, then as many bytes as the length field says. LOCAL, and an UNSPEC family or transport,
 * keep the connection's addresses and skip the whole block (addresses and fields, which HAProxy's health checks may
 * send). A relayed header's block must hold the family's addresses (12, 36 or 216 bytes); what follows them are TLV
 * fields, each of which must fit exactly, at most {@code maxTlvBytes} of them in all: a longer block is refused when
 * its length arrives, before any of it is kept. A CRC32C field is checked, an SSL field must parse, a unique id is at
 * most 128 bytes.
 *
 * <p>Memory: the bytes of a header are kept until it is whole, in an array that grows with the bytes that arrived,
 * never with what the length field announces; at most 16 + 216 + {@code maxTlvBytes}. Loop thread only; one per
 * connection.
 */
final class ProxyHeaderParser {
    /** The longest v1 line, its CRLF included. */
    static final int V1_MAX = 107;
    /** The fixed part of a v2 header: signature, version and command, family and transport, length. */
    static final int V2_FIXED = 16;
    /** The longest v2 address block: two Unix paths. */
    static final int MAX_ADDRESSES = 216;
    /** The longest unique id the spec allows. */
    static final int MAX_UNIQUE_ID = 128;

    private static final byte[] V1_SIGNATURE = "PROXY ".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] V2_SIGNATURE = {0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x0D, 0x0A, 0x51, 0x55, 0x49, 0x54, 0x0A};
    private static final byte[] NONE = new byte[0];

    /** Where the parse stands. */
    private enum State { START, V1, V2_FIXED, V2_BLOCK, DONE }

    private final int maxTlvBytes;
    private State state = State.START;
    private byte[] buffer = NONE;
    private int count;
    /** The whole v2 header's length, once its fixed part is read. */
    private int total;

    /**
     * A parser for one header.
     *
     * @param maxTlvBytes the most bytes of v2 fields after the addresses
     */
    ProxyHeaderParser(int maxTlvBytes) {
        this.maxTlvBytes = maxTlvBytes;
    }

    /** {@return the bytes of an incomplete header kept so far} */
    int buffered() {
        return count;
    }

    /**
     * Takes the header's bytes from {@code in}, leaving any after it.
     *
     * @param in bytes from the connection; its position moves past the bytes taken
     * @return the header once it is whole, or null while more bytes are needed
     * @throws ProxyProtocolException when the bytes are not a valid header
     */
    ProxyHeader parse(ByteBuffer in) {
        if (state == State.DONE) {
            throw new IllegalStateException("the header was read already");
        }
        if (state == State.START) {
            if (!in.hasRemaining()) {
                return null;
            }
            byte first = in.get(in.position());
            if (first == V1_SIGNATURE[0]) {
                state = State.V1;
                buffer = new byte[V1_MAX];
            } else if (first == V2_SIGNATURE[0]) {
                state = State.V2_FIXED;
                buffer = new byte[V2_FIXED];
            } else {
                throw new ProxyProtocolException("neither a PROXY v1 line nor a v2 signature: first byte 0x"
                        + Integer.toHexString(first & 0xff));
            }
        }
        return switch (state) {
            case V1 -> v1(in);
            case V2_FIXED, V2_BLOCK -> v2(in);
            default -> throw new IllegalStateException(state.toString());
        };
    }

    // Version 1.

    private ProxyHeader v1(ByteBuffer in) {
        while (in.hasRemaining()) {
            byte b = in.get();
            buffer[count++] = b;
            if (count <= V1_SIGNATURE.length) {
                if (b != V1_SIGNATURE[count - 1]) {
                    throw new ProxyProtocolException("not a PROXY v1 line: byte " + count + " is 0x"
                            + Integer.toHexString(b & 0xff));
                }
                continue;
            }
            boolean afterCr = buffer[count - 2] == '\r';
            if (b == '\n') {
                if (!afterCr) {
                    throw new ProxyProtocolException("PROXY v1 line ended by LF without CR");
                }
                return done(v1Line(new String(buffer, V1_SIGNATURE.length, count - V1_SIGNATURE.length - 2,
                        StandardCharsets.US_ASCII)));
            }
            if (afterCr) {
                throw new ProxyProtocolException("CR not followed by LF in a PROXY v1 line");
            }
            if (b != '\r' && (b < 0x20 || b > 0x7e)) {
                throw new ProxyProtocolException("byte 0x" + Integer.toHexString(b & 0xff) + " in a PROXY v1 line");
            }
            if (count == V1_MAX) {
                throw new ProxyProtocolException("no CRLF within the first " + V1_MAX + " bytes of a PROXY v1 line");
            }
        }
        return null;
    }

    /** The line after {@code PROXY } and before the CRLF. */
    private static ProxyHeader v1Line(String line) {
        if (line.equals("UNKNOWN") || line.startsWith("UNKNOWN ")) {
            return new ProxyHeader(1, Command.LOCAL, Family.UNSPEC, Transport.UNSPEC, null, null, List.of());
        }
        String[] fields = splitSpaces(line);
        if (fields == null || fields.length != 5) {
            throw new ProxyProtocolException("PROXY v1 line needs PROTOCOL SRC DST SPORT DPORT separated by single"
                    + " spaces: '" + line + "'");
        }
        Family family;
        byte[] source;
        byte[] destination;
        switch (fields[0]) {
            case "TCP4" -> {
                family = Family.INET;
                source = IpLiterals.ipv4(fields[1], 0, fields[1].length());
                destination = IpLiterals.ipv4(fields[2], 0, fields[2].length());
            }
            case "TCP6" -> {
                family = Family.INET6;
                source = IpLiterals.ipv6(fields[1], 0, fields[1].length());
                destination = IpLiterals.ipv6(fields[2], 0, fields[2].length());
            }
            default -> throw new ProxyProtocolException("PROXY v1 protocol '" + fields[0]
                    + "' is none of TCP4, TCP6, UNKNOWN");
        }
        if (source == null || destination == null) {
            throw new ProxyProtocolException("PROXY v1 " + fields[0] + " address not in its canonical form: '"
                    + (source == null ? fields[1] : fields[2]) + "'");
        }
        int sourcePort = port(fields[3]);
        int destinationPort = port(fields[4]);
        return new ProxyHeader(1, Command.PROXY, family, Transport.STREAM, inet(source, sourcePort),
                inet(destination, destinationPort), List.of());
    }

    /** Splits on single spaces; null when two spaces meet or the line starts or ends with one. */
    private static String[] splitSpaces(String line) {
        String[] fields = line.split(" ", -1);
        for (String field : fields) {
            if (field.isEmpty()) {
                return null;
            }
        }
        return fields;
    }

    private static int port(String text) {
        if (!text.matches("0|[1-9][0-9]{0,4}") || Integer.parseInt(text) > 65535) {
            throw new ProxyProtocolException("PROXY v1 port '" + text + "' is not 0 to 65535 without leading zeros");
        }
        return Integer.parseInt(text);
    }

    // Version 2.

    private ProxyHeader v2(ByteBuffer in) {
        if (state == State.V2_FIXED) {
            while (count < V2_FIXED && in.hasRemaining()) {
                byte b = in.get();
                if (count < V2_SIGNATURE.length && b != V2_SIGNATURE[count]) {
                    throw new ProxyProtocolException("wrong PROXY v2 signature at byte " + (count + 1));
                }
                buffer[count++] = b;
                if (count == V2_SIGNATURE.length + 1) {
                    versionAndCommand(b);
                } else if (count == V2_SIGNATURE.length + 2) {
                    familyAndTransport(b);
                }
            }
            if (count < V2_FIXED) {
                return null;
            }
            total = V2_FIXED + blockLength();
            state = State.V2_BLOCK;
        }
        int take = Math.min(in.remaining(), total - count);
        if (count + take > buffer.length) {
            buffer = Arrays.copyOf(buffer, Math.min(total, Math.max(count + take, buffer.length * 2)));
        }
        in.get(buffer, count, take);
        count += take;
        return count == total ? done(v2Header()) : null;
    }

    private static void versionAndCommand(byte b) {
        if ((b & 0xf0) != 0x20) {
            throw new ProxyProtocolException("PROXY v2 version " + ((b & 0xf0) >> 4) + ", not 2");
        }
        if ((b & 0x0f) > 1) {
            throw new ProxyProtocolException("PROXY v2 command " + (b & 0x0f) + " is neither LOCAL nor PROXY");
        }
    }

    private static void familyAndTransport(byte b) {
        if ((b & 0xf0) > 0x30) {
            throw new ProxyProtocolException("PROXY v2 address family " + ((b & 0xf0) >> 4) + " is unknown");
        }
        if ((b & 0x0f) > 2) {
            throw new ProxyProtocolException("PROXY v2 transport " + (b & 0x0f) + " is unknown");
        }
    }

    /** The length field, checked against what the family needs and the bound on fields. */
    private int blockLength() {
        int length = (buffer[14] & 0xff) << 8 | (buffer[15] & 0xff);
        int addresses = addressLength();
        if (addresses < 0) {
            // LOCAL or UNSPEC: the block is skipped, addresses and fields alike.
            if (length > MAX_ADDRESSES + maxTlvBytes) {
                throw new ProxyProtocolException(true, "PROXY v2 block of " + length + " bytes, over the limit of "
                        + (MAX_ADDRESSES + maxTlvBytes));
            }
            return length;
        }
        if (length < addresses) {
            throw new ProxyProtocolException("PROXY v2 address block of " + length + " bytes, shorter than the "
                    + addresses + " its family needs");
        }
        if (length - addresses > maxTlvBytes) {
            throw new ProxyProtocolException(true, "PROXY v2 fields of " + (length - addresses)
                    + " bytes, over the limit of " + maxTlvBytes);
        }
        return length;
    }

    /** {@return the bytes of the addresses a relayed header carries, or -1 when the block is to be skipped} */
    private int addressLength() {
        boolean local = (buffer[12] & 0x0f) == 0;
        int family = (buffer[13] & 0xf0) >> 4;
        int transport = buffer[13] & 0x0f;
        if (local || family == 0 || transport == 0) {
            return -1;
        }
        return switch (family) {
            case 1 -> 12;
            case 2 -> 36;
            default -> MAX_ADDRESSES;
        };
    }

    private ProxyHeader v2Header() {
        int addresses = addressLength();
        Command command = (buffer[12] & 0x0f) == 0 ? Command.LOCAL : Command.PROXY;
        Family family = Family.values()[(buffer[13] & 0xf0) >> 4];
        Transport transport = Transport.values()[buffer[13] & 0x0f];
        if (addresses < 0) {
            return new ProxyHeader(2, command, family, transport, null, null, List.of());
        }
        SocketAddress source;
        SocketAddress destination;
        int at = V2_FIXED;
        if (family == Family.UNIX) {
            source = unix(at);
            destination = unix(at + 108);
        } else {
            int size = family == Family.INET ? 4 : 16;
            int ports = at + 2 * size;
            source = inet(Arrays.copyOfRange(buffer, at, at + size), u16(ports));
            destination = inet(Arrays.copyOfRange(buffer, at + size, ports), u16(ports + 2));
        }
        List<ProxyTlv> tlvs = tlvs(V2_FIXED + addresses);
        return new ProxyHeader(2, command, family, transport, source, destination, tlvs);
    }

    private List<ProxyTlv> tlvs(int from) {
        List<ProxyTlv> tlvs = new ArrayList<>();
        int at = from;
        while (at < total) {
            if (total - at < 3) {
                throw new ProxyProtocolException("PROXY v2 field cut short: " + (total - at) + " bytes left");
            }
            int type = buffer[at] & 0xff;
            int length = u16(at + 1);
            int value = at + 3;
            if (length > total - value) {
                throw new ProxyProtocolException("PROXY v2 field 0x" + Integer.toHexString(type) + " of " + length
                        + " bytes overruns the header");
            }
            ProxyTlv tlv = new ProxyTlv(type, Arrays.copyOfRange(buffer, value, value + length));
            switch (type) {
                case ProxyTlv.CRC32C -> checkCrc(value, length);
                case ProxyTlv.SSL -> ProxySsl.parse(tlv.value());
                case ProxyTlv.UNIQUE_ID -> {
                    if (length > MAX_UNIQUE_ID) {
                        throw new ProxyProtocolException("PROXY v2 unique id of " + length + " bytes, over "
                                + MAX_UNIQUE_ID);
                    }
                }
                default -> {
                    // kept as it is for the application
                }
            }
            tlvs.add(tlv);
            at = value + length;
        }
        return tlvs;
    }

    /** The CRC32c of the whole header, its own four bytes read as zeros, must be the field's value. */
    private void checkCrc(int value, int length) {
        if (length != 4) {
            throw new ProxyProtocolException("PROXY v2 CRC32C field of " + length + " bytes, not 4");
        }
        long sent = (long) u16(value) << 16 | u16(value + 2);
        byte[] zeroed = Arrays.copyOf(buffer, total);
        Arrays.fill(zeroed, value, value + 4, (byte) 0);
        CRC32C crc = new CRC32C();
        crc.update(zeroed, 0, total);
        if (crc.getValue() != sent) {
            throw new ProxyProtocolException("PROXY v2 CRC32C mismatch");
        }
    }

    /** A Unix socket path of 108 bytes, NUL-padded; an abstract one (a leading NUL) is named {@code @name}. */
    private SocketAddress unix(int at) {
        int end = at + 108;
        int start = at;
        String prefix = "";
        if (buffer[at] == 0 && buffer[at + 1] != 0) {
            start = at + 1;
            prefix = "@";
        }
        int stop = start;
        while (stop < end && buffer[stop] != 0) {
            stop++;
        }
        String path = prefix + new String(buffer, start, stop - start, StandardCharsets.UTF_8);
        try {
            return UnixDomainSocketAddress.of(path);
        } catch (InvalidPathException e) {
            throw new ProxyProtocolException("PROXY v2 Unix path not usable: " + e.getMessage());
        }
    }

    private int u16(int at) {
        return (buffer[at] & 0xff) << 8 | (buffer[at + 1] & 0xff);
    }

    private static InetSocketAddress inet(byte[] address, int port) {
        try {
            return new InetSocketAddress(InetAddress.getByAddress(address), port);
        } catch (UnknownHostException e) {
            throw new IllegalStateException("an address of " + address.length + " bytes", e); // 4 or 16: cannot happen
        }
    }

    private ProxyHeader done(ProxyHeader header) {
        state = State.DONE;
        buffer = NONE;
        count = 0;
        return header;
    }
}
