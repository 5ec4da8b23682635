package io.switchboard.internal;

/** Character classes of protocol text, ASCII only (never {@link Character#digit}, which takes other scripts' digits). */
public final class Ascii {
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

    private Ascii() {
    }

    /**
     * {@return true when the byte {@code b} (its low eight bits) is an RFC 9110 token character: field names,
     * methods, transfer codings} A caller with a {@code char} checks that it is at most 0xFF first.
     */
    public static boolean isTchar(int b) {
        return TCHAR[b & 0xFF];
    }

    /** {@return the value of the hexadecimal digit {@code c} (0-9, a-f, A-F), or -1 when it is not one} */
    public static int hexValue(char c) {
        if (c >= '0' && c <= '9') {
            return c - '0';
        }
        if (c >= 'a' && c <= 'f') {
            return c - 'a' + 10;
        }
        if (c >= 'A' && c <= 'F') {
            return c - 'A' + 10;
        }
        return -1;
    }
}
