package io.switchboard.bench;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.Locale;

/**
 * The floor's WebSocket echo: the least a Java NIO server can do per WebSocket message, to show how close to the
 * kernel's own cost a WebSocket server can get. The handshake answers any request head that carries a
 * {@code Sec-WebSocket-Key} with a 101 (no other checks, no extensions). After it, every frame is echoed in place in
 * the selector thread's read buffer: the client's frame loses its four mask bytes, its payload is unmasked over
 * them, and everything that arrived is written back in one {@code write}. No UTF-8 check, no message assembly, no
 * size limit: strictly less than a conforming server does. A close is echoed and the connection closed once it is
 * written; a ping is answered as a pong; a pong is dropped. Bytes the socket would not take are copied into a
 * buffer of this connection and reading stops until they are written, as {@link FloorEcho}. One per connection;
 * selector thread only.
 */
final class FloorWebSocket implements FloorServer.Protocol {
    private static final int MAX_HEAD = 8192;
    private static final byte[] END = {'\r', '\n', '\r', '\n'};
    private static final String GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";
    private static final int OPCODE_CLOSE = 0x8;
    private static final int OPCODE_PING = 0x9;
    private static final int OPCODE_PONG = 0xA;

    private final SocketChannel channel;
    /** The request head until the 101 is written; null after. */
    private ByteBuffer head = ByteBuffer.allocate(MAX_HEAD);
    /** The start of a frame that has not all arrived, put back in front of the next read; null when none. */
    private ByteBuffer partial;
    /** Bytes the socket did not take; null when none. */
    private ByteBuffer pending;
    private boolean closeAfter;

    FloorWebSocket(SocketChannel channel) {
        this.channel = channel;
    }

    @Override
    public void ready(SelectionKey key, ByteBuffer read) throws IOException {
        if (pending != null) {
            if (FloorServer.writePending(key, channel, pending)) {
                pending = null;
                if (closeAfter) {
                    FloorServer.closeQuietly(key);
                }
            }
            return;
        }
        if (partial != null) {
            read.put(partial);
            partial = null;
        }
        if (channel.read(read) < 0) {
            FloorServer.closeQuietly(key);
            return;
        }
        read.flip();
        if (head != null && !handshake(key, read)) {
            return;
        }
        int end = echoFrames(read);
        if (read.hasRemaining()) {
            partial = ByteBuffer.allocate(read.remaining()).put(read).flip();
        }
        if (end == 0) {
            return;
        }
        pending = FloorServer.writeOrKeep(key, channel, read.position(0).limit(end));
        if (pending == null && closeAfter) {
            FloorServer.closeQuietly(key);
        }
    }

    /**
     * Gathers the request head; once it is whole, writes the 101 and leaves {@code in} at the bytes after the head.
     *
     * @return true once the handshake is done and {@code in} holds what followed it
     */
    private boolean handshake(SelectionKey key, ByteBuffer in) throws IOException {
        int headEnd = -1;
        while (in.hasRemaining()) {
            if (!head.hasRemaining()) {
                FloorServer.closeQuietly(key);
                return false;
            }
            head.put(in.get());
            int n = head.position();
            if (n >= 4 && head.get(n - 4) == END[0] && head.get(n - 3) == END[1] && head.get(n - 2) == END[2]
                    && head.get(n - 1) == END[3]) {
                headEnd = n;
                break;
            }
        }
        if (headEnd < 0) {
            return false;
        }
        String text = new String(head.array(), 0, headEnd, StandardCharsets.ISO_8859_1);
        head = null;
        String key64 = null;
        for (String line : text.split("\r\n")) {
            int colon = line.indexOf(':');
            if (colon > 0 && line.substring(0, colon).trim().toLowerCase(Locale.ROOT).equals("sec-websocket-key")) {
                key64 = line.substring(colon + 1).trim();
            }
        }
        if (key64 == null) {
            FloorServer.closeQuietly(key);
            return false;
        }
        ByteBuffer answer = ByteBuffer.wrap(("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n"
                + "Connection: Upgrade\r\nSec-WebSocket-Accept: " + accept(key64) + "\r\n\r\n")
                .getBytes(StandardCharsets.ISO_8859_1));
        channel.write(answer);
        if (answer.hasRemaining()) {
            throw new IOException("the socket did not take a 101 of " + answer.limit() + " bytes");
        }
        return true;
    }

    /** RFC 6455 section 4.2.2: base64 of the SHA-1 of the key and the protocol's GUID. */
    static String accept(String key) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-1").digest((key + GUID).getBytes(StandardCharsets.US_ASCII));
            return Base64.getEncoder().encodeToString(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-1 is required of every JDK", e);
        }
    }

    /**
     * Turns the whole client frames in {@code in} (from its position) into server frames written over the start of
     * the buffer, and leaves {@code in}'s position at the first byte of a frame not yet whole.
     *
     * @return the end of the server frames, from index 0
     */
    private int echoFrames(ByteBuffer in) throws IOException {
        int out = 0;
        int at = in.position();
        int limit = in.limit();
        while (!closeAfter && limit - at >= 2) {
            int b0 = in.get(at) & 0xFF;
            int b1 = in.get(at + 1) & 0xFF;
            if ((b1 & 0x80) == 0) {
                throw new IOException("an unmasked client frame");
            }
            int lengthBytes = (b1 & 0x7F) == 126 ? 2 : (b1 & 0x7F) == 127 ? 8 : 0;
            int headerLength = 2 + lengthBytes;
            if (limit - at < headerLength + 4) {
                break;
            }
            long length = lengthBytes == 0 ? b1 & 0x7F : lengthBytes == 2 ? in.getShort(at + 2) & 0xFFFF
                    : in.getLong(at + 2);
            if (length > in.capacity() - headerLength - 4) {
                throw new IOException("a frame of " + length + " bytes, larger than the floor's read buffer");
            }
            if (limit - at - headerLength - 4 < length) {
                break;
            }
            int opcode = b0 & 0x0F;
            int mask = in.getInt(at + headerLength);
            int payload = at + headerLength + 4;
            if (opcode != OPCODE_PONG) {
                in.put(out, (byte) (opcode == OPCODE_PING ? (b0 & 0xF0) | OPCODE_PONG : b0));
                in.put(out + 1, (byte) (b1 & 0x7F));
                for (int i = 2; i < headerLength; i++) {
                    in.put(out + i, in.get(at + i));
                }
                out += headerLength;
                unmask(in, payload, (int) length, mask, out);
                out += (int) length;
                closeAfter = opcode == OPCODE_CLOSE;
            }
            at = payload + (int) length;
        }
        in.position(at);
        return out;
    }

    /** Copies {@code length} bytes from {@code from} to {@code to} (not after {@code from}), unmasked. */
    private static void unmask(ByteBuffer in, int from, int length, int mask, int to) {
        int i = 0;
        for (; i + 4 <= length; i += 4) {
            in.putInt(to + i, in.getInt(from + i) ^ mask);
        }
        for (; i < length; i++) {
            in.put(to + i, (byte) (in.get(from + i) ^ (mask >>> (24 - 8 * (i & 3)))));
        }
    }
}
