package io.switchboard.http2;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.switchboard.http2.hpack.HeaderBlock;
import io.switchboard.http2.hpack.HpackDecoder;
import io.switchboard.http2.hpack.HpackEncoder;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The server end of one HTTP/2 connection, played by a test step by step over a blocking socket: it reads the
 * client's frames as they come and writes what the test says, so a test can put a GOAWAY, a reset or a broken frame
 * exactly where it wants. Frames are written with {@link Http2FrameWriter} and field blocks with {@link HpackEncoder}.
 */
final class ScriptedServer implements AutoCloseable {
    /** A frame the client sent: its header, and its payload. */
    record Frame(int type, int flags, int stream, byte[] payload) {
        boolean has(int flag) {
            return (flags & flag) != 0;
        }

        int int32(int at) {
            return ByteBuffer.wrap(payload).getInt(at);
        }
    }

    private final Socket socket;
    private final DataInputStream in;
    private final OutputStream out;
    private final HpackEncoder encoder = new HpackEncoder();
    private final HpackDecoder decoder = new HpackDecoder(1 << 20);
    private final HeaderBlock block = new HeaderBlock();
    final Http2FrameWriter writer;

    ScriptedServer(Socket socket) throws IOException {
        this.socket = socket;
        socket.setSoTimeout(10_000);
        this.in = new DataInputStream(socket.getInputStream());
        this.out = socket.getOutputStream();
        this.writer = new Http2FrameWriter(b -> {
            byte[] bytes = new byte[b.remaining()];
            b.get(bytes);
            try {
                out.write(bytes);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }

    /** Reads the client's preface and its SETTINGS, and answers with {@code settings} and the ACK of the client's. */
    Frame handshake(Http2Settings settings) throws IOException {
        assertArrayEquals(Frames.PREFACE, in.readNBytes(Frames.PREFACE.length), "the client preface");
        Frame first = next();
        assertEquals(Frames.SETTINGS, first.type(), "the client's SETTINGS follow its preface");
        writer.settings(settings);
        writer.settingsAck();
        return first;
    }

    /** {@return the next frame the client sent} */
    Frame next() throws IOException {
        int length = in.readUnsignedShort() << 8 | in.readUnsignedByte();
        int type = in.readUnsignedByte();
        int flags = in.readUnsignedByte();
        int stream = in.readInt() & 0x7FFF_FFFF;
        return new Frame(type, flags, stream, in.readNBytes(length));
    }

    /** {@return the next frame of {@code type}, the others skipped (at most 1,000)} */
    Frame await(int type) throws IOException {
        for (int i = 0; i < 1000; i++) {
            Frame f = next();
            if (f.type() == type) {
                return f;
            }
        }
        throw new AssertionError("no frame of type " + type + " in 1,000");
    }

    /** {@return the fields of a HEADERS frame the client sent (END_HEADERS set: the client's blocks are small)} */
    Map<String, String> fields(Frame headers) throws Exception {
        Map<String, String> fields = new LinkedHashMap<>();
        decoder.decode(ByteBuffer.wrap(headers.payload()), fields::put);
        return fields;
    }

    /** Writes a HEADERS frame with these fields, names and values in turn. */
    void headers(int stream, boolean endStream, String... nameValues) {
        block.clear();
        encoder.startBlock(block);
        for (int i = 0; i < nameValues.length; i += 2) {
            encoder.field(block, nameValues[i], nameValues[i + 1]);
        }
        writer.headers(stream, ByteBuffer.wrap(block.toByteArray()), endStream);
    }

    /** Writes a DATA frame of {@code text}. */
    void data(int stream, String text, boolean endStream) {
        writer.data(stream, ByteBuffer.wrap(text.getBytes(StandardCharsets.US_ASCII)), endStream);
    }

    /** {@return true when the client closes the connection within 64 KiB more} */
    boolean closedByClient() throws IOException {
        try {
            return in.readNBytes(64 * 1024).length < 64 * 1024;
        } catch (SocketTimeoutException e) {
            return false; // still open after 10 s
        } catch (IOException e) {
            return true; // reset
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
