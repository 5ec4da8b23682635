package io.switchboard.http;

import io.switchboard.internal.Ascii;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;

/**
 * The segments of a request path as {@link Routes} reads them: the path as sent (still percent-encoded) cut at
 * each {@code /}, a segment percent-decoded only when it has a {@code %} in it. {@code +} is a plus in a path,
 * never a space. Pure functions; thread-safe.
 */
final class PathSegments {
    private PathSegments() {
    }

    /**
     * {@return why {@code path} cannot be routed, or null when it can} Refused: a {@code %} not followed by two hex
     * digits, and a dot segment ({@code .} or {@code ..}, also written {@code %2e}): browsers and curl resolve
     * those before they send a path, so only hand-made requests carry them, and a router that let them through
     * would let {@code /static/../secret} reach the handler of {@code /static/*}. Costs one scan of the path for
     * a path with neither {@code /.} nor {@code %}.
     *
     * @param path    a path that starts with {@code /}
     * @param percent whether the path has a {@code %}
     */
    static String problem(String path, boolean percent) {
        if (!percent && path.indexOf("/.") < 0) {
            return null;
        }
        int length = path.length();
        if (percent) {
            for (int i = path.indexOf('%'); i >= 0; i = path.indexOf('%', i + 1)) {
                if (i + 2 >= length || Ascii.hexValue(path.charAt(i + 1)) < 0 || Ascii.hexValue(path.charAt(i + 2)) < 0) {
                    return "malformed percent-encoding in the path";
                }
            }
        }
        int start = 1;
        while (true) {
            int end = end(path, start);
            if (isDot(path, start, end)) {
                return "dot segments (. and ..) are not accepted in a path";
            }
            if (end == length) {
                return null;
            }
            start = end + 1;
        }
    }

    /** {@return the index of the {@code /} that ends the segment starting at {@code start}, or the path's length} */
    static int end(String path, int start) {
        int slash = path.indexOf('/', start);
        return slash < 0 ? path.length() : slash;
    }

    /** {@return true when the segment from {@code from} to {@code to} has a {@code %} in it} */
    static boolean hasPercent(String path, int from, int to) {
        int i = path.indexOf('%', from);
        return i >= 0 && i < to;
    }

    /**
     * The segment from {@code from} to {@code to}, percent-decoded as UTF-8 ({@code +} stays a plus). The escapes
     * were checked by {@link #problem}.
     *
     * @param strict true to refuse bytes that are not UTF-8 (for a parameter's value), false to replace them (for
     *               a comparison with a route's literal segment, which they cannot match)
     * @throws HttpException 400 when {@code strict} and the decoded bytes are not UTF-8
     */
    static String decode(String path, int from, int to, boolean strict) {
        if (!hasPercent(path, from, to)) {
            return path.substring(from, to);
        }
        byte[] bytes = new byte[to - from];
        int n = 0;
        for (int i = from; i < to; i++) {
            char c = path.charAt(i);
            if (c == '%' && i + 2 < to) {
                bytes[n++] = (byte) (Ascii.hexValue(path.charAt(i + 1)) << 4 | Ascii.hexValue(path.charAt(i + 2)));
                i += 2;
            } else {
                bytes[n++] = (byte) c; // the parser lets only visible ASCII into a target
            }
        }
        if (!strict) {
            return new String(bytes, 0, n, StandardCharsets.UTF_8);
        }
        try {
            return StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(bytes, 0, n)).toString();
        } catch (CharacterCodingException e) {
            throw new HttpException(400, "a path segment is not UTF-8 once percent-decoded");
        }
    }

    /** {@return the start of segment {@code index} (0 is the first, after the leading {@code /}), or -1 when the path has fewer} */
    static int start(String path, int index) {
        int start = 1;
        for (int i = 0; i < index; i++) {
            int slash = path.indexOf('/', start);
            if (slash < 0) {
                return -1;
            }
            start = slash + 1;
        }
        return start;
    }

    /** {@code .} or {@code ..}, each dot written as it is or as {@code %2e}. */
    private static boolean isDot(String path, int from, int to) {
        int dots = 0;
        int i = from;
        while (i < to) {
            if (path.charAt(i) == '.') {
                i++;
            } else if (path.charAt(i) == '%' && i + 2 < to && path.charAt(i + 1) == '2'
                    && (path.charAt(i + 2) == 'e' || path.charAt(i + 2) == 'E')) {
                i += 3;
            } else {
                return false;
            }
            dots++;
        }
        return dots == 1 || dots == 2;
    }
}
