package io.switchboard.http;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * Common methods and header names recognised from their bytes without allocating a string. A common
 * header name comes back in its canonical spelling ({@code host} becomes {@code Host}); lookups ignore
 * case anyway.
 */
final class HeaderNames {
    private static final String[] METHODS = {"GET", "POST", "PUT", "DELETE", "HEAD", "OPTIONS", "PATCH", "CONNECT", "TRACE"};
    private static final String[] NAMES = {
        "Host", "Accept", "Accept-Encoding", "Accept-Language", "Connection", "Content-Length", "Content-Type",
        "Cookie", "Expect", "Transfer-Encoding", "User-Agent", "Upgrade", "Cache-Control", "Pragma", "Referer",
        "Origin", "Authorization", "If-None-Match", "If-Modified-Since", "X-Forwarded-For", "Keep-Alive", "TE",
        "Trailer", "Range", "Priority", "Sec-Fetch-Mode", "Sec-Fetch-Site", "Sec-Fetch-Dest", "Upgrade-Insecure-Requests",
    };
    private static final byte[][] METHOD_BYTES = bytes(METHODS);
    private static final byte[][] NAME_BYTES = bytes(NAMES);

    private HeaderNames() {
    }

    /** The constant for a common method (matched exactly: methods are case-sensitive), or null. */
    static String method(ByteBuffer in, int from, int to) {
        int i = find(METHOD_BYTES, in, from, to, false);
        return i < 0 ? null : METHODS[i];
    }

    /** The canonical name for a common header, or a new string of the bytes. */
    static String name(ByteBuffer in, int from, int to) {
        int i = find(NAME_BYTES, in, from, to, true);
        if (i >= 0) {
            return NAMES[i];
        }
        byte[] bytes = new byte[to - from];
        in.get(from, bytes);
        return new String(bytes, StandardCharsets.ISO_8859_1);
    }

    private static int find(byte[][] table, ByteBuffer in, int from, int to, boolean ignoreCase) {
        int length = to - from;
        outer:
        for (int t = 0; t < table.length; t++) {
            byte[] candidate = table[t];
            if (candidate.length != length) {
                continue;
            }
            for (int i = 0; i < length; i++) {
                byte b = in.get(from + i);
                byte c = candidate[i];
                if (b != c && !(ignoreCase && lower(b) == lower(c))) {
                    continue outer;
                }
            }
            return t;
        }
        return -1;
    }

    private static byte lower(byte b) {
        return b >= 'A' && b <= 'Z' ? (byte) (b + 32) : b;
    }

    private static byte[][] bytes(String[] words) {
        byte[][] out = new byte[words.length][];
        for (int i = 0; i < words.length; i++) {
            out[i] = words[i].getBytes(StandardCharsets.US_ASCII);
        }
        return out;
    }
}
