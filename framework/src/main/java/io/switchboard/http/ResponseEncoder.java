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
    static final byte[] CRLF = ascii("\r\n");
    static final byte[] VARY_ACCEPT_ENCODING = ascii("Vary: Accept-Encoding\r\n");
    static final byte[] LAST_CHUNK_EMPTY = ascii("0\r\n\r\n");
    static final byte[] LAST_CHUNK = ascii("0\r\n");
    private static final byte[] HEX = ascii("0123456789abcdef");

    private ResponseEncoder() {
    }

    /** How a streamed body that follows the head is framed. */
    enum Framing {
        /** {@code Transfer-Encoding: chunked}. */
        CHUNKED,
        /** {@code Content-Length}, announced by the application. */
        LENGTH,
        /** Until the connection closes (HTTP/1.0 clients). */
        UNTIL_CLOSE,
        /** No body at all (204, 304): no framing field. */
        NONE
    }

    /**
     * The status line, the response's own fields and its {@code Content-Length} (for statuses that have a
     * body), encoded at the first send and cached in the response, which is frozen from then on.
     */
    static byte[] ownHead(HttpResponse response) {
        byte[] head = response.encodedHead;
        if (head == null) {
            StringBuilder sb = statusAndFields(response);
            if (hasBody(response.status())) {
                sb.append("Content-Length: ").append(response.body().length).append("\r\n");
            }
            head = sb.toString().getBytes(StandardCharsets.ISO_8859_1);
            response.encodedHead = head;
        }
        return head;
    }

    /**
     * The head of a streamed response: status line, fields and the framing field ({@code length} for
     * {@link Framing#LENGTH}); {@link #head} adds the rest.
     */
    static byte[] streamHead(HttpResponse head, Framing framing, long length, boolean vary) {
        StringBuilder sb = statusAndFields(head);
        if (vary) {
            sb.append("Vary: Accept-Encoding\r\n");
        }
        if (framing == Framing.CHUNKED) {
            sb.append("Transfer-Encoding: chunked\r\n");
        } else if (framing == Framing.LENGTH) {
            sb.append("Content-Length: ").append(length).append("\r\n");
        }
        return sb.toString().getBytes(StandardCharsets.ISO_8859_1);
    }

    /**
     * The head of an answer compressed in {@code coding}: status line, the answer's fields with a strong
     * {@code ETag} made weak and without {@code Accept-Ranges}, {@code Content-Encoding}, {@code Vary} when
     * {@code vary}, and {@code Content-Length: length}, or {@code Transfer-Encoding: chunked} when
     * {@code length} is -1. {@link #head} adds the rest.
     */
    static byte[] codedHead(HttpResponse response, ContentCoding coding, long length, boolean vary) {
        StringBuilder sb = new StringBuilder(160);
        sb.append("HTTP/1.1 ").append(response.status()).append(' ').append(HttpStatus.reason(response.status())).append("\r\n");
        HttpHeaders h = response.headers();
        for (int i = 0; i < h.size(); i++) {
            String name = h.name(i);
            if (name.equalsIgnoreCase("Accept-Ranges")) {
                continue;
            }
            String value = h.value(i);
            if (name.equalsIgnoreCase("ETag") && value.startsWith("\"")) {
                value = "W/" + value;
            }
            sb.append(name).append(": ").append(value).append("\r\n");
        }
        sb.append("Content-Encoding: ").append(coding.token()).append("\r\n");
        if (vary) {
            sb.append("Vary: Accept-Encoding\r\n");
        }
        if (length < 0) {
            sb.append("Transfer-Encoding: chunked\r\n");
        } else {
            sb.append("Content-Length: ").append(length).append("\r\n");
        }
        return sb.toString().getBytes(StandardCharsets.ISO_8859_1);
    }

    /**
     * {@return false when the answer's {@code Vary} names {@code Accept-Encoding} already or is {@code *}: adding
     * it again would repeat it (jetty#898)}
     */
    static boolean needsVary(HttpHeaders headers) {
        return !headers.containsToken("Vary", "Accept-Encoding") && !headers.containsToken("Vary", "*");
    }

    /** False for the statuses whose responses never carry a body: 1xx, 204 and 304. */
    static boolean hasBody(int status) {
        return status >= 200 && status != 204 && status != 304;
    }

    private static StringBuilder statusAndFields(HttpResponse response) {
        StringBuilder sb = new StringBuilder(96);
        sb.append("HTTP/1.1 ").append(response.status()).append(' ').append(HttpStatus.reason(response.status())).append("\r\n");
        HttpHeaders h = response.headers();
        for (int i = 0; i < h.size(); i++) {
            sb.append(h.name(i)).append(": ").append(h.value(i)).append("\r\n");
        }
        return sb;
    }

    /** Upper bound of the bytes {@link #head} writes. */
    static int headSize(byte[] ownHead, byte[] extra, byte[] dateLine, byte[] serverLine) {
        return ownHead.length + (extra == null ? 0 : extra.length) + dateLine.length + serverLine.length
                + CONNECTION_KEEP_ALIVE.length + 2;
    }

    /**
     * Writes the whole head: own fields with framing, an extra field line ({@code Vary}) when not null, Date,
     * Server, Connection, and the empty line.
     */
    static void head(ByteBuffer out, byte[] ownHead, byte[] extra, byte[] dateLine, byte[] serverLine, byte[] connection) {
        out.put(ownHead);
        if (extra != null) {
            out.put(extra);
        }
        out.put(dateLine).put(serverLine);
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

    /** {@return the lowercase hex digit of {@code value}, 0 to 15} */
    static byte hexDigit(int value) {
        return HEX[value];
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

    static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }
}
