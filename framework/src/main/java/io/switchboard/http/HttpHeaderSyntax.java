package io.switchboard.http;

/** RFC 9110 character classes for field names, values and tokens. */
final class HttpHeaderSyntax {
    private static final boolean[] TCHAR = new boolean[256];

    static {
        for (char c = '0'; c <= '9'; c++) {
            TCHAR[c] = true;
        }
        for (char c = 'a'; c <= 'z'; c++) {
            TCHAR[c] = true;
            TCHAR[c - 32] = true;
        }
        for (char c : "!#$%&'*+-.^_`|~".toCharArray()) {
            TCHAR[c] = true;
        }
    }

    private HttpHeaderSyntax() {
    }

    /** A token character (field names, methods, transfer codings). */
    static boolean isTchar(int b) {
        return TCHAR[b & 0xFF];
    }

    /** A character allowed inside a field value: VCHAR, obs-text, space and tab. */
    static boolean isValueChar(int b) {
        int c = b & 0xFF;
        return c >= 0x20 && c != 0x7F || c == '\t';
    }

    /** Checks a name and value a handler wants to send. */
    static void checkField(String name, String value) {
        if (name.isEmpty()) {
            throw new IllegalArgumentException("empty header name");
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c > 0xFF || !isTchar(c)) {
                throw new IllegalArgumentException("header name " + name + " has an invalid character");
            }
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c > 0xFF || !isValueChar(c)) {
                throw new IllegalArgumentException("header " + name + " has an invalid character in its value");
            }
        }
    }
}
