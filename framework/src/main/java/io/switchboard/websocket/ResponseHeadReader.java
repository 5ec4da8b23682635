package io.switchboard.websocket;

import io.switchboard.http.HttpHeaders;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Reads the head of an HTTP/1.x response (RFC 9112 sections 4 and 5), strictly and within a bound, for the client's
 * opening handshake: the status line and the header fields up to the empty line, nothing after it. Bytes are taken
 * as they arrive, however the reads cut them, and only up to the head's end: what follows (the server's first
 * frames) stays in the caller's buffer.
 *
 * <p>Refused: a head (all heads, interim 1xx ones included) longer than the limit; a line that ends with a bare LF;
 * a status line that is not {@code HTTP/1.x SP 3DIGIT [SP reason]}; a field line with whitespace before its colon,
 * an empty or invalid name, folding (a line starting with whitespace) or a control character in its value; more than
 * {@link #MAX_FIELDS} fields. A status line without the space and reason phrase after the code is accepted (RFC 9112
 * asks clients to ignore the phrase; Go and Netty accept its absence). Loop thread only; one per handshake.
 */
final class ResponseHeadReader {
    /** The most header fields in one head. */
    static final int MAX_FIELDS = 100;

    /** A response head as read. */
    record Head(int minorVersion, int status, String reason, HttpHeaders headers) {
    }

    private final int limit;
    private byte[] bytes = new byte[512];
    private int length;
    private int lineStart;
    private int total;

    /** @param limit the most bytes all heads may take together */
    ResponseHeadReader(int limit) {
        this.limit = limit;
    }

    /**
     * Takes bytes from {@code in} up to the end of a head.
     *
     * @return the head, once its empty line arrived (then {@code in} is positioned just after it), or null when
     *         every byte of {@code in} was taken and the head goes on
     * @throws WebSocketHandshakeException when the head breaks a rule above
     */
    Head read(ByteBuffer in) throws WebSocketHandshakeException {
        while (in.hasRemaining()) {
            if (total == limit) {
                throw malformed("the server's answer head is longer than " + limit + " bytes");
            }
            byte b = in.get();
            total++;
            if (length == bytes.length) {
                bytes = Arrays.copyOf(bytes, Math.min(bytes.length * 2, Math.max(limit, 512)));
            }
            bytes[length++] = b;
            if (b != '\n') {
                continue;
            }
            if (length < 2 || bytes[length - 2] != '\r') {
                throw malformed("a line of the server's answer ends with a bare LF");
            }
            if (length - lineStart == 2) {
                Head head = parse();
                length = 0;
                lineStart = 0;
                return head;
            }
            lineStart = length;
        }
        return null;
    }

    /** Parses the head held, from its status line to its empty line. */
    private Head parse() throws WebSocketHandshakeException {
        int end = lineEnd(0);
        if (end < 0 || end == 0) {
            throw malformed("the server's answer has no status line");
        }
        // HTTP/1.x SP 3DIGIT [SP reason]
        if (end < 12 || !startsWith("HTTP/1.") || !digit(7) || bytes[8] != ' ' || !digit(9) || !digit(10)
                || !digit(11) || end > 12 && bytes[12] != ' ' || bytes[9] < '1' || bytes[9] > '5') {
            throw malformed("the server's answer is not HTTP/1.x: "
                    + new String(bytes, 0, Math.min(end, 80), StandardCharsets.ISO_8859_1));
        }
        int minor = bytes[7] - '0';
        int status = (bytes[9] - '0') * 100 + (bytes[10] - '0') * 10 + (bytes[11] - '0');
        int reasonStart = Math.min(end, 13);
        for (int i = reasonStart; i < end; i++) {
            if (!valueChar(bytes[i])) {
                throw malformed("the server's status line has a control character");
            }
        }
        String reason = new String(bytes, reasonStart, end - reasonStart, StandardCharsets.ISO_8859_1);
        HttpHeaders headers = new HttpHeaders();
        int at = end + 2;
        while (true) {
            int lineEnd = lineEnd(at);
            if (lineEnd == at) {
                return new Head(minor, status, reason, headers);
            }
            if (headers.size() == MAX_FIELDS) {
                throw malformed("the server's answer has more than " + MAX_FIELDS + " header fields");
            }
            field(headers, at, lineEnd);
            at = lineEnd + 2;
        }
    }

    /** Adds the field on the line from {@code start} to {@code end} (its CRLF excluded). */
    private void field(HttpHeaders headers, int start, int end) throws WebSocketHandshakeException {
        if (bytes[start] == ' ' || bytes[start] == '\t') {
            throw malformed("the server's answer folds a header line (obsolete line folding)");
        }
        int colon = start;
        while (colon < end && bytes[colon] != ':') {
            if (!tokenChar(bytes[colon])) {
                throw malformed("a header name of the server's answer has an invalid character");
            }
            colon++;
        }
        if (colon == end || colon == start) {
            throw malformed("a header line of the server's answer has no name or no colon");
        }
        int a = colon + 1;
        int b = end;
        while (a < b && (bytes[a] == ' ' || bytes[a] == '\t')) {
            a++;
        }
        while (b > a && (bytes[b - 1] == ' ' || bytes[b - 1] == '\t')) {
            b--;
        }
        for (int i = a; i < b; i++) {
            if (!valueChar(bytes[i])) {
                throw malformed("a header value of the server's answer has a control character");
            }
        }
        headers.add(new String(bytes, start, colon - start, StandardCharsets.ISO_8859_1),
                new String(bytes, a, b - a, StandardCharsets.ISO_8859_1));
    }

    /** {@return the index of the CR that ends the line starting at {@code from}} Every line held ends with CRLF. */
    private int lineEnd(int from) throws WebSocketHandshakeException {
        for (int i = from; i < length - 1; i++) {
            if (bytes[i] == '\r') {
                if (bytes[i + 1] != '\n') {
                    throw malformed("the server's answer has a CR that does not end a line");
                }
                return i;
            }
        }
        return -1;
    }

    private boolean startsWith(String prefix) {
        for (int i = 0; i < prefix.length(); i++) {
            if (bytes[i] != prefix.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    private boolean digit(int i) {
        return bytes[i] >= '0' && bytes[i] <= '9';
    }

    /** A character of a field value or reason phrase: VCHAR, obs-text, space and tab. */
    private static boolean valueChar(byte b) {
        int c = b & 0xFF;
        return c >= 0x20 && c != 0x7F || c == '\t';
    }

    /** A token character (RFC 9110 section 5.6.2). */
    static boolean tokenChar(int c) {
        return c > 0x20 && c < 0x7F && "\"(),/:;<=>?@[\\]{}".indexOf(c) < 0;
    }

    private static WebSocketHandshakeException malformed(String message) {
        return new WebSocketHandshakeException(message, 0, "", null);
    }
}
