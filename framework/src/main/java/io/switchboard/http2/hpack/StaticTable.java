package io.switchboard.http2.hpack;

/**
 * The static table of RFC 7541 appendix A: 61 entries, index 1 to 61. Entries sharing a name are adjacent, so
 * a name's lookup gives its first index and the values to try follow it. Names are looked up without regard to
 * ASCII case through a small open-addressing hash built when the class loads. Immutable.
 */
final class StaticTable {
    /** The number of entries; dynamic table indices start after it. */
    static final int LENGTH = 61;

    // Indices the encoder's choices name.
    static final int AUTHORITY = 1;
    static final int PATH = 4;
    static final int STATUS = 8;
    static final int AGE = 21;
    static final int AUTHORIZATION = 23;
    static final int CONTENT_LENGTH = 28;
    static final int COOKIE = 32;
    static final int ETAG = 34;
    static final int IF_MODIFIED_SINCE = 40;
    static final int IF_NONE_MATCH = 41;
    static final int LOCATION = 46;
    static final int PROXY_AUTHORIZATION = 49;
    static final int SET_COOKIE = 55;

    /** Name then value of each entry, entry {@code i} at {@code 2 * (i - 1)}. */
    private static final String[] ENTRIES = {
            ":authority", "",
            ":method", "GET",
            ":method", "POST",
            ":path", "/",
            ":path", "/index.html",
            ":scheme", "http",
            ":scheme", "https",
            ":status", "200",
            ":status", "204",
            ":status", "206",
            ":status", "304",
            ":status", "400",
            ":status", "404",
            ":status", "500",
            "accept-charset", "",
            "accept-encoding", "gzip, deflate",
            "accept-language", "",
            "accept-ranges", "",
            "accept", "",
            "access-control-allow-origin", "",
            "age", "",
            "allow", "",
            "authorization", "",
            "cache-control", "",
            "content-disposition", "",
            "content-encoding", "",
            "content-language", "",
            "content-length", "",
            "content-location", "",
            "content-range", "",
            "content-type", "",
            "cookie", "",
            "date", "",
            "etag", "",
            "expect", "",
            "expires", "",
            "from", "",
            "host", "",
            "if-match", "",
            "if-modified-since", "",
            "if-none-match", "",
            "if-range", "",
            "if-unmodified-since", "",
            "last-modified", "",
            "link", "",
            "location", "",
            "max-forwards", "",
            "proxy-authenticate", "",
            "proxy-authorization", "",
            "range", "",
            "referer", "",
            "refresh", "",
            "retry-after", "",
            "server", "",
            "set-cookie", "",
            "strict-transport-security", "",
            "transfer-encoding", "",
            "user-agent", "",
            "vary", "",
            "via", "",
            "www-authenticate", "",
    };

    /** Open addressing by {@link #hash}: the first index of each distinct name, 0 for an empty slot. */
    private static final byte[] BY_NAME = new byte[128];

    static {
        for (int i = 1; i <= LENGTH; i++) {
            if (i > 1 && name(i).equals(name(i - 1))) {
                continue;
            }
            int slot = hash(name(i)) & (BY_NAME.length - 1);
            while (BY_NAME[slot] != 0) {
                slot = (slot + 1) & (BY_NAME.length - 1);
            }
            BY_NAME[slot] = (byte) i;
        }
    }

    private StaticTable() {
    }

    /** {@return the name of entry {@code index}, 1 to 61} */
    static String name(int index) {
        return ENTRIES[2 * (index - 1)];
    }

    /** {@return the value of entry {@code index}, 1 to 61 (empty for most)} */
    static String value(int index) {
        return ENTRIES[2 * (index - 1) + 1];
    }

    /** {@return the first index whose name is {@code name} in any ASCII case, or 0} */
    static int nameIndex(String name) {
        int slot = hash(name) & (BY_NAME.length - 1);
        for (int index; (index = BY_NAME[slot]) != 0; slot = (slot + 1) & (BY_NAME.length - 1)) {
            String candidate = name(index);
            if (sameName(candidate, name)) {
                return index;
            }
        }
        return 0;
    }

    /** {@return the index of the entry {@code nameIndex}'s name with {@code value}, or 0 when there is none} */
    static int fieldIndex(int nameIndex, String value) {
        String name = name(nameIndex);
        for (int i = nameIndex; i <= LENGTH && name(i).equals(name); i++) {
            if (value(i).equals(value)) {
                return i;
            }
        }
        return 0;
    }

    /**
     * Whether two names are the same but for the case of ASCII letters, the only case HTTP/2 names may differ in
     * before the encoder lowercases them. ({@code String.equalsIgnoreCase} also folds other letters: the Kelvin
     * sign would match {@code k}, and a name sent as one octet per char would not be the one indexed.)
     */
    static boolean sameName(String a, String b) {
        int n = a.length();
        if (n != b.length()) {
            return false;
        }
        for (int i = 0; i < n; i++) {
            char x = a.charAt(i);
            char y = b.charAt(i);
            if (x != y) {
                char lower = (char) (x | 0x20);
                if (lower != (y | 0x20) || lower < 'a' || lower > 'z') {
                    return false;
                }
            }
        }
        return true;
    }

    /** A hash of {@code name} folded to lowercase ASCII. */
    private static int hash(String name) {
        int h = 0;
        for (int i = 0, n = name.length(); i < n; i++) {
            h = 31 * h + (name.charAt(i) | 0x20);
        }
        return h ^ (h >>> 7);
    }
}
