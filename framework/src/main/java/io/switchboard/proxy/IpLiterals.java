package io.switchboard.proxy;

import io.switchboard.internal.Ascii;

/**
 * Numeric IP addresses read from text without any name lookup, strictly: what a PROXY v1 line and a trusted-proxy
 * entry may hold. IPv4 is four decimal numbers from 0 to 255 without leading zeros (so that {@code 010} is never read
 * as octal); IPv6 is up to eight groups of one to four hex digits with at most one {@code ::}, the last 32 bits
 * possibly written as IPv4 ({@code ::ffff:192.0.2.1}, which HAProxy sends for a client of a dual-stack listener).
 * Stateless.
 */
final class IpLiterals {
    private IpLiterals() {
    }

    /**
     * The IPv4 address written in {@code text[from, to)}.
     *
     * @return its four bytes, or null when the text is not exactly an IPv4 address in the strict form
     */
    static byte[] ipv4(CharSequence text, int from, int to) {
        byte[] address = new byte[4];
        int part = 0;
        int i = from;
        while (part < 4) {
            int start = i;
            int value = 0;
            while (i < to && i - start < 3 && isDigit(text.charAt(i))) {
                value = value * 10 + text.charAt(i) - '0';
                i++;
            }
            int digits = i - start;
            if (digits == 0 || value > 255 || digits > 1 && text.charAt(start) == '0') {
                return null;
            }
            address[part++] = (byte) value;
            if (part < 4) {
                if (i >= to || text.charAt(i) != '.') {
                    return null;
                }
                i++;
            }
        }
        return i == to ? address : null;
    }

    /**
     * The IPv6 address written in {@code text[from, to)}.
     *
     * @return its sixteen bytes, or null when the text is not an IPv6 address
     */
    static byte[] ipv6(CharSequence text, int from, int to) {
        if (to - from < 2 || to - from > 45) {
            return null;
        }
        byte[] address = new byte[16];
        int groups = 0;
        int gap = -1;
        int i = from;
        if (text.charAt(i) == ':') {
            if (text.charAt(i + 1) != ':') {
                return null;
            }
            gap = 0;
            i += 2;
            if (i == to) {
                return address; // "::"
            }
        }
        while (i < to) {
            if (groups == 8) {
                return null;
            }
            int start = i;
            int value = 0;
            while (i < to && i - start < 4 && Ascii.hexValue(text.charAt(i)) >= 0) {
                value = value << 4 | Ascii.hexValue(text.charAt(i));
                i++;
            }
            if (i < to && text.charAt(i) == '.') {
                // The last 32 bits in dotted form: needs room for two groups and must end the text.
                if (groups > 6 || start == i) {
                    return null;
                }
                byte[] v4 = ipv4(text, start, to);
                if (v4 == null) {
                    return null;
                }
                System.arraycopy(v4, 0, address, groups * 2, 4);
                groups += 2;
                i = to;
                break;
            }
            if (i == start) {
                return null;
            }
            address[groups * 2] = (byte) (value >> 8);
            address[groups * 2 + 1] = (byte) value;
            groups++;
            if (i == to) {
                break;
            }
            if (text.charAt(i) != ':') {
                return null;
            }
            i++;
            if (i < to && text.charAt(i) == ':') {
                if (gap >= 0) {
                    return null; // a second "::"
                }
                gap = groups;
                i++;
                if (i == to) {
                    break;
                }
            } else if (i == to) {
                return null; // a single trailing ':'
            }
        }
        if (gap < 0) {
            return groups == 8 ? address : null;
        }
        if (groups == 8) {
            return null; // "::" must stand for at least one group
        }
        int moved = (groups - gap) * 2;
        System.arraycopy(address, gap * 2, address, 16 - moved, moved);
        java.util.Arrays.fill(address, gap * 2, 16 - moved, (byte) 0);
        return address;
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }
}
