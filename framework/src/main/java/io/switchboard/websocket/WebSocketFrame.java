package io.switchboard.websocket;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * A whole text or binary message framed once, for writing the same message to many connections: a broadcast of
 * {@code WebSocketFrame.text("...")} through a {@link io.switchboard.lifecycle.ConnectionGroup} (or
 * {@code ws.connection().write(frame)} in a loop) encodes the text to UTF-8 and builds the frame header once, and
 * each WebSocket stage writes those bytes as they are, where a {@code String} would be encoded again by every
 * stage.
 *
 * <p>The bytes are a server's frame: unmasked, FIN set, RSV bits clear, the shortest length encoding. A stage takes
 * them as they are when it sends such frames for this message: a server stage, with no compression agreed or with a
 * message below its {@link DeflateOptions#threshold()} (compared, as for any text, in characters), and no message
 * sent in fragments open. Otherwise (a client stage, which masks every frame with a fresh key; a message the stage
 * compresses, with its own deflate context) the stage sends the message as it would a {@code String} or
 * {@code byte[]}: the result on the wire is the same message either way.
 *
 * <p>Immutable and thread-safe: write one instance to any number of connections, from any thread; a write from
 * another thread shares it instead of copying it, as it does a {@code String}. Holds the frame's bytes (and, for
 * text, the {@code String}) for as long as it is referenced.
 */
public final class WebSocketFrame {
    private final int opcode;
    /** The message, for a stage that cannot take the frame as it is; null for binary. */
    private final String text;
    private final byte[] bytes;
    private final int payloadAt;

    private WebSocketFrame(int opcode, String text, byte[] payload, int offset, int length) {
        this.opcode = opcode;
        this.text = text;
        int header = length < 126 ? 2 : length <= 0xFFFF ? 4 : 10;
        byte[] frame = new byte[header + length];
        frame[0] = (byte) (Opcode.FIN | opcode);
        if (length < 126) {
            frame[1] = (byte) length;
        } else if (length <= 0xFFFF) {
            frame[1] = 126;
            frame[2] = (byte) (length >>> 8);
            frame[3] = (byte) length;
        } else {
            frame[1] = 127;
            for (int i = 0; i < 8; i++) {
                frame[2 + i] = (byte) ((long) length >>> (56 - 8 * i));
            }
        }
        System.arraycopy(payload, offset, frame, header, length);
        this.bytes = frame;
        this.payloadAt = header;
    }

    /**
     * A text message. Unpaired surrogates become {@code ?}, as in {@link WebSocket#sendText(String)}.
     *
     * @param text the message
     * @return the framed message
     */
    public static WebSocketFrame text(String text) {
        byte[] utf8 = text.getBytes(StandardCharsets.UTF_8);
        return new WebSocketFrame(Opcode.TEXT, text, utf8, 0, utf8.length);
    }

    /**
     * A binary message.
     *
     * @param data the message; copied
     * @return the framed message
     */
    public static WebSocketFrame binary(byte[] data) {
        return new WebSocketFrame(Opcode.BINARY, null, data, 0, data.length);
    }

    /**
     * A binary message of the remaining bytes of {@code data}, whose position moves to its limit.
     *
     * @param data the message; copied
     * @return the framed message
     */
    public static WebSocketFrame binary(ByteBuffer data) {
        byte[] copy = new byte[data.remaining()];
        data.get(copy);
        return binary(copy);
    }

    /** {@return true for a text message, false for a binary one} */
    public boolean isText() {
        return opcode == Opcode.TEXT;
    }

    /** {@return the message's length in bytes (UTF-8 for text)} */
    public int length() {
        return bytes.length - payloadAt;
    }

    /** {@return the frame's bytes, header and payload; never changed by anyone} */
    byte[] bytes() {
        return bytes;
    }

    int opcode() {
        return opcode;
    }

    int payloadAt() {
        return payloadAt;
    }

    /** {@return the text of a text message, or null} */
    String text() {
        return text;
    }

    /** {@return the length a stage compares with its compression threshold: characters for text, as for a String} */
    int thresholdLength() {
        return text != null ? text.length() : length();
    }

    @Override
    public String toString() {
        return "WebSocketFrame[" + (isText() ? "text" : "binary") + ", " + length() + " bytes]";
    }
}
