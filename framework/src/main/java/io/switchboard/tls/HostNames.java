package io.switchboard.tls;

import java.util.Locale;

/**
 * Host name rules shared by the client (whether to send SNI) and the server (which certificate a name picks),
 * without any DNS lookup.
 */
final class HostNames {
    private HostNames() {
    }

    /**
     * Lower-cases a name and drops one trailing dot ({@code Example.COM.} is {@code example.com}).
     *
     * @param name a host name
     * @return the name as compared
     */
    static String normalize(String name) {
        String lower = name.toLowerCase(Locale.ROOT);
        return lower.endsWith(".") ? lower.substring(0, lower.length() - 1) : lower;
    }

    /**
     * Whether a host is an IP address literal, which SNI must not carry (RFC 6066 section 3).
     *
     * @param host a host name or address, IPv6 with or without brackets
     * @return true for IPv4 dotted quads and anything with a colon (IPv6)
     */
    static boolean isIpLiteral(String host) {
        if (host.indexOf(':') >= 0) {
            return true;
        }
        String[] parts = host.split("\\.", -1);
        if (parts.length != 4) {
            return false;
        }
        for (String part : parts) {
            if (part.isEmpty() || part.length() > 3 || !part.chars().allMatch(c -> c >= '0' && c <= '9') || Integer.parseInt(part) > 255) {
                return false;
            }
        }
        return true;
    }

    /**
     * The wildcard pattern that would cover a requested name: {@code *.example.com} for {@code a.example.com}.
     * A wildcard covers exactly one label (RFC 6125 section 6.4.3), so {@code a.b.example.com} gives
     * {@code *.b.example.com}, which a {@code *.example.com} entry does not equal.
     *
     * @param name a normalized requested name
     * @return the pattern, or null for a name of one label
     */
    static String wildcardOf(String name) {
        int dot = name.indexOf('.');
        return dot > 0 ? "*" + name.substring(dot) : null;
    }

    /**
     * Checks a configured SNI name: a DNS name, or a wildcard {@code *.} followed by one.
     *
     * @param name the name as configured
     * @return the normalized name
     * @throws TlsConfigException when it is empty, an IP literal, or a wildcard anywhere but the whole first label
     */
    static String checkPattern(String name) {
        String n = normalize(name);
        String rest = n.startsWith("*.") ? n.substring(2) : n;
        if (rest.isEmpty() || rest.indexOf('*') >= 0 || isIpLiteral(rest) || rest.startsWith(".") || rest.contains("..")) {
            throw new TlsConfigException("SNI name '" + name + "' is not a host name or a '*.domain' wildcard");
        }
        return n;
    }
}
