package io.switchboard.proxy;

import java.net.InetAddress;
import java.util.Arrays;

/**
 * A block of addresses in CIDR notation ({@code 10.0.0.0/8}, {@code fd00::/8}), or one address ({@code 127.0.0.1},
 * {@code ::1}): where a trusted proxy may connect from. Parsed without any name lookup. An IPv4 address matches only
 * IPv4 ranges and an IPv6 address only IPv6 ones (Java reports a client of a dual-stack listener that came over IPv4
 * as an IPv4 address, so {@code 127.0.0.1} matches it). Immutable.
 */
public final class NetworkRange {
    private final byte[] prefix;
    private final int bits;
    private final String text;

    private NetworkRange(byte[] prefix, int bits, String text) {
        this.prefix = prefix;
        this.bits = bits;
        this.text = text;
    }

    /**
     * Parses {@code ADDRESS} or {@code ADDRESS/BITS}. The bits after the prefix must be zero ({@code 10.1.0.0/8} is
     * refused as a probable typo, as {@code ip route} refuses it).
     *
     * @param cidr the range, such as {@code 192.168.0.0/16}, {@code 2001:db8::/32} or {@code 127.0.0.1}
     * @return the range
     * @throws IllegalArgumentException when {@code cidr} is not a numeric address, optionally followed by a prefix
     *                                  length that fits the address, with no bits set after the prefix
     */
    public static NetworkRange parse(String cidr) {
        String text = cidr.strip();
        int slash = text.indexOf('/');
        String address = slash < 0 ? text : text.substring(0, slash);
        byte[] bytes = address.indexOf(':') >= 0 ? IpLiterals.ipv6(address, 0, address.length())
                : IpLiterals.ipv4(address, 0, address.length());
        if (bytes == null) {
            throw new IllegalArgumentException("not a numeric IPv4 or IPv6 address: '" + address + "' in '" + cidr + "'");
        }
        int bits = bytes.length * 8;
        if (slash >= 0) {
            String length = text.substring(slash + 1);
            if (!length.matches("0|[1-9][0-9]{0,2}") || Integer.parseInt(length) > bytes.length * 8) {
                throw new IllegalArgumentException("prefix length of '" + cidr + "' must be 0 to " + bytes.length * 8);
            }
            bits = Integer.parseInt(length);
        }
        for (int i = bits; i < bytes.length * 8; i++) {
            if ((bytes[i / 8] & (0x80 >>> (i % 8))) != 0) {
                throw new IllegalArgumentException("'" + cidr + "' has bits set after its prefix of " + bits);
            }
        }
        return new NetworkRange(bytes, bits, text);
    }

    /**
     * Whether {@code address} lies in this range.
     *
     * @param address the address
     * @return true when it has the range's family and starts with its prefix
     */
    public boolean contains(InetAddress address) {
        byte[] bytes = address.getAddress();
        if (bytes.length != prefix.length) {
            return false;
        }
        int whole = bits / 8;
        for (int i = 0; i < whole; i++) {
            if (bytes[i] != prefix[i]) {
                return false;
            }
        }
        int rest = bits % 8;
        if (rest == 0) {
            return true;
        }
        int mask = 0xff << (8 - rest) & 0xff;
        return (bytes[whole] & mask) == (prefix[whole] & mask);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof NetworkRange other && bits == other.bits && Arrays.equals(prefix, other.prefix);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(prefix) * 31 + bits;
    }

    /** {@return the range as it was written} */
    @Override
    public String toString() {
        return text;
    }
}
