package io.switchboard.http;

import io.switchboard.internal.Ascii;

/** RFC 9110 character classes for field names, values and tokens. */
final class HttpHeaderSyntax {
    private HttpHeaderSyntax() {
    }

    /** A token character (field names, methods, transfer codings). */
    static boolean isTchar(int b) {
        return Ascii.isTchar(b);
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
