package io.switchboard.internal;

/** Character classes of protocol text, ASCII only (never {@link Character#digit}, which takes other scripts' digits). */
public final class Ascii {
    private Ascii() {
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
