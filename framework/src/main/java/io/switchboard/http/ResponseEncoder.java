package io.switchboard.http;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * The response side of HTTP/1.x: status lines, header blocks, chunk framing. Pure functions over byte
 * buffers with no I/O. A response's status line and own header fields are encoded once and cached in it.
 */
final class ResponseEncoder {
    static final byte[] CONTINUE = ascii("HTTP/1.1 100 Continue\r\n\r\n");
    static final byte[] CONNECTION_CLOSE = ascii("Connection: close\r\n");
    static final byte[] CONNECTION_KEEP_ALIVE = ascii("Connection: keep-alive\r\n");
    static final byte[] CHUNKED = ascii("Transfer-Encoding: chunked\r\n");
    static final byte[] CONTENT_LENGTH = ascii("Content-Length: ");
    static final byte[] CRLF = ascii("\r\n");
    static final byte[] LAST_CHUNK = ascii("0\r\n");
    private static final byte[] HEX = ascii("0123456789abcdef");

    private ResponseEncoder() {
    }

    /** How the body that follows the head is framed. */
    enum Framing { LENGTH, CHUNKED, UNTIL_CLOSE, NONE }

    /** The status line and the response's own fields, encoded at the first send and then reused. */
    static byte[] ownHead(HttpResponse response) {
        byte[] head = response.encodedHead;
        if (head == null) {
            StringBuilder sb = new StringBuilder(64);
            sb.append("HTTP/1.1 ").append(response.status()).append(' ').append(HttpStatus.reason(response.status())).append("\r\n");
            HttpHeaders h = response.headers();
            for (int i = 0; i < h.size(); i++) {
                sb.append(h.name(i)).append(": ").append(h.value(i)).append("\r\n");
            }
            head = sb.toString().getBytes(StandardCharsets.ISO_8859_1);
            response.encodedHead = head;
        }
        return head;
    }

    /** Upper bound of the bytes {@link #head} writes. */
    static int headSize(byte[] ownHead, byte[] dateLine, byte[] serverLine) {
        return ownHead.length + dateLine.length + serverLine.length + CONTENT_LENGTH.length + 20 + 2
                + CONNECTION_KEEP_ALIVE.length + CHUNKED.length + 2;
    }

    /** Writes the whole head: own fields, Date, Server, framing, Connection, and the empty line. */
    static void head(ByteBuffer out, byte[] ownHead, byte[] dateLine, byte[] serverLine, Framing framing,
                     long length, byte[] connection) {
        out.put(ownHead).put(dateLine).put(serverLine);
        if (framing == Framing.LENGTH) {
            out.put(CONTENT_LENGTH);
            decimal(out, length);
            out.put(CRLF);
        } else if (framing == Framing.CHUNKED) {
            out.put(CHUNKED);
        }
        if (connection != null) {
            out.put(connection);
        }
        out.put(CRLF);
    }

    /** The line before a chunk of {@code size} bytes. */
    static ByteBuffer chunkHeader(int size) {
        ByteBuffer out = ByteBuffer.allocate(10);
        int shift = 28;
        while (shift > 0 && (size >>> shift) == 0) {
            shift -= 4;
        }
        for (; shift >= 0; shift -= 4) {
            out.put(HEX[(size >>> shift) & 0xF]);
        }
        return out.put(CRLF).flip();
    }

    /** The last chunk with trailer fields and the final empty line. */
    static ByteBuffer lastChunk(HttpHeaders trailers) {
        StringBuilder sb = new StringBuilder("0\r\n");
        if (trailers != null) {
            for (int i = 0; i < trailers.size(); i++) {
                sb.append(trailers.name(i)).append(": ").append(trailers.value(i)).append("\r\n");
            }
        }
        return ByteBuffer.wrap(sb.append("\r\n").toString().getBytes(StandardCharsets.ISO_8859_1));
    }

    static void decimal(ByteBuffer out, long value) {
        if (value == 0) {
            out.put((byte) '0');
            return;
        }
        int start = out.position();
        while (value > 0) {
            out.put((byte) ('0' + value % 10));
            value /= 10;
        }
        for (int i = start, j = out.position() - 1; i < j; i++, j--) {
            byte t = out.get(i);
            out.put(i, out.get(j));
            out.put(j, t);
        }
    }

    static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }
}
