package io.switchboard.examples;

import io.switchboard.proxy.ProxyProtocol;
import java.util.List;
import java.util.Set;

/**
 * The examples' PROXY protocol flags: {@code --proxy-protocol} makes a server require HAProxy's PROXY header (v1 or
 * v2) on every connection, and {@code --trusted-proxy CIDR} (repeatable) names where the proxies connect from; without
 * it, only loopback ({@code 127.0.0.0/8} and {@code ::1}: HAProxy on the same machine) is trusted.
 */
final class ProxyFlags {
    /** The flag with a value. */
    static final Set<String> FLAGS = Set.of("trusted-proxy");
    /** The switch. */
    static final Set<String> SWITCHES = Set.of("proxy-protocol");
    /** What is trusted when no {@code --trusted-proxy} is given. */
    static final List<String> LOOPBACK = List.of("127.0.0.0/8", "::1");

    private ProxyFlags() {
    }

    /**
     * The server's PROXY protocol, or null without {@code --proxy-protocol}.
     *
     * @throws Args.UsageException for {@code --trusted-proxy} without {@code --proxy-protocol}, or a range that is not
     *                             a numeric address with an optional prefix length
     */
    static ProxyProtocol server(Args args) {
        if (!args.has("proxy-protocol")) {
            if (args.has("trusted-proxy")) {
                throw new Args.UsageException("--trusted-proxy needs --proxy-protocol");
            }
            return null;
        }
        ProxyProtocol.Builder builder = ProxyProtocol.builder();
        List<String> ranges = args.all("trusted-proxy").isEmpty() ? LOOPBACK : args.all("trusted-proxy");
        try {
            ranges.forEach(builder::trust);
        } catch (IllegalArgumentException e) {
            throw new Args.UsageException("--trusted-proxy: " + e.getMessage());
        }
        return builder.build();
    }
}
