package io.switchboard.tls;

import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.List;

/** Checks an ALPN protocol list (RFC 7301): names of 1 to 255 bytes, no duplicates. */
final class Alpn {
    private Alpn() {
    }

    /**
     * Checks and copies a list.
     *
     * @param protocols names such as {@code h2} and {@code http/1.1}, in order of preference
     * @return the list, copied
     * @throws TlsConfigException when a name is empty, longer than 255 bytes, or repeated
     */
    static List<String> check(List<String> protocols) {
        HashSet<String> seen = new HashSet<>();
        for (String p : protocols) {
            int length = p.getBytes(StandardCharsets.UTF_8).length;
            if (length == 0 || length > 255) {
                throw new TlsConfigException("ALPN protocol name '" + p + "' must be 1 to 255 bytes");
            }
            if (!seen.add(p)) {
                throw new TlsConfigException("ALPN protocol '" + p + "' is listed twice");
            }
        }
        return List.copyOf(protocols);
    }
}
