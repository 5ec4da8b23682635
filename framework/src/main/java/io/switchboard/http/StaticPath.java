package io.switchboard.http;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The file names a static request path asks for, one per segment, percent-decoded, or a refusal. Whatever a path
 * asks for, it cannot name anything outside the directory served (the symbolic links on the way are checked
 * separately, against the real path). Refused with 400, as nginx and Jetty refuse them, since no client that
 * follows RFC 3986 sends them for a real file:
 * <ul>
 *   <li>{@code .} and {@code ..} segments, written plainly or encoded ({@code %2e%2e}, {@code .%2E}): clients
 *       remove dot segments before they send a path;</li>
 *   <li>a segment that decodes to a {@code /} ({@code %2f}), a backslash (plain or {@code %5c}), NUL
 *       ({@code %00}) or another control character: a name with a separator in it is ambiguous, and some file
 *       systems read a backslash as one;</li>
 *   <li>an empty segment ({@code //}), bad percent-encoding, or bytes that are not UTF-8.</li>
 * </ul>
 * Stateless.
 */
final class StaticPath {

    private StaticPath() {
    }

    /**
     * The decoded segments of {@code rest}, the part of a request path after the mount prefix; a trailing slash
     * (a directory asked for) adds no segment.
     *
     * @param rest the raw path from the mount point on, starting with {@code /}
     * @return the file names, in order; empty for the mount point's own directory
     * @throws HttpException 400 when the path is malformed or ambiguous as listed above
     */
    static List<String> segments(String rest) {
        if (!rest.startsWith("/")) {
            throw refuse("the path does not start with /");
        }
        List<String> segments = new ArrayList<>(4);
        int from = 1;
        while (from < rest.length()) {
            int slash = rest.indexOf('/', from);
            int to = slash < 0 ? rest.length() : slash;
            if (to == from) {
                throw refuse("empty path segment");
            }
            segments.add(checked(decode(rest, from, to)));
            from = to + 1;
        }
        return segments;
    }

    private static String checked(String segment) {
        if (segment.equals(".") || segment.equals("..")) {
            throw refuse("dot segment in the path");
        }
        for (int i = 0; i < segment.length(); i++) {
            char c = segment.charAt(i);
            if (c == '/' || c == '\\' || c < 0x20 || c == 0x7F) {
                throw refuse("separator or control character in a path segment");
            }
        }
        return segment;
    }

    /** Percent-decodes {@code s} from {@code from} to {@code to} as UTF-8; {@code +} stays a plus sign. */
    private static String decode(String s, int from, int to) {
        int percent = s.indexOf('%', from);
        if (percent < 0 || percent >= to) {
            return s.substring(from, to);
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(to - from);
        for (int i = from; i < to; i++) {
            char c = s.charAt(i);
            if (c != '%') {
                bytes.write(c); // the request parser lets only visible ASCII into a target
                continue;
            }
            if (i + 2 >= to) {
                throw refuse("bad percent-encoding in the path");
            }
            int hi = Character.digit(s.charAt(i + 1), 16);
            int lo = Character.digit(s.charAt(i + 2), 16);
            if (hi < 0 || lo < 0) {
                throw refuse("bad percent-encoding in the path");
            }
            bytes.write(hi << 4 | lo);
            i += 2;
        }
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes.toByteArray()))
                    .toString();
        } catch (CharacterCodingException e) {
            throw refuse("the path is not UTF-8");
        }
    }

    private static HttpException refuse(String reason) {
        return new HttpException(400, reason);
    }
}
