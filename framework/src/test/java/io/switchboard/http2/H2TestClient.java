package io.switchboard.http2;

import io.switchboard.http.HttpService;
import io.switchboard.http2.hpack.HeaderBlock;
import io.switchboard.http2.hpack.HpackDecoder;
import io.switchboard.http2.hpack.HpackEncoder;
import io.switchboard.http2.hpack.HpackException;
import io.switchboard.pipeline.ConnectionConfig;
import io.switchboard.testing.EmbeddedConnection;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A small HTTP/2 client for tests, built from the frame writer and HPACK encoder (what it sends) and the frame reader
 * and HPACK decoder (what it reads back), driving an {@link Http2Connection} in an {@link EmbeddedConnection}.
 */
final class H2TestClient {
    /** One frame the server sent, decoded. */
    record Frame(String type, int stream, boolean end, Map<String, String> fields, byte[] data, Http2Error error,
            int increment, long ping) {
        String text() {
            return new String(data, StandardCharsets.ISO_8859_1);
        }

        @Override
        public String toString() {
            return type + " " + stream + (end ? " END" : "") + (fields != null ? " " + fields : "")
                    + (data != null ? " " + data.length + "B" : "") + (error != null ? " " + error : "")
                    + (increment != 0 ? " +" + increment : "");
        }
    }

    final EmbeddedConnection conn;
    private final ByteArrayOutputStream pending = new ByteArrayOutputStream();
    final Http2FrameWriter writer = new Http2FrameWriter(b -> {
        byte[] copy = new byte[b.remaining()];
        b.get(copy);
        pending.writeBytes(copy);
    });
    private final HpackEncoder encoder = new HpackEncoder();
    private final HpackDecoder decoder = new HpackDecoder(1 << 20);
    private final HeaderBlock block = new HeaderBlock();
    private final List<Frame> frames = new ArrayList<>();
    private final Http2FrameReader reader = new Http2FrameReader(false,
            Http2Config.DEFAULTS.withSettings(Http2Settings.DEFAULTS.with(Http2Settings.MAX_FRAME_SIZE, 1 << 20)),
            new Listener());

    H2TestClient(HttpService service) {
        this(new EmbeddedConnection(p -> p.add(handler(service))));
    }

    H2TestClient(HttpService service, ConnectionConfig config) {
        this(new EmbeddedConnection(config, 64 * 1024, p -> p.add(handler(service))));
    }

    H2TestClient(EmbeddedConnection conn) {
        this.conn = conn;
    }

    /** Sends the preface and empty SETTINGS, acknowledges the server's, and returns what the server sent first. */
    List<Frame> start() {
        return start(Http2Settings.DEFAULTS);
    }

    List<Frame> start(Http2Settings settings) {
        writer.preface();
        writer.settings(settings);
        writer.settingsAck();
        send();
        return read();
    }

    /** Feeds what was written so far to the server. */
    H2TestClient send() {
        byte[] bytes = pending.toByteArray();
        pending.reset();
        conn.feed(bytes);
        return this;
    }

    /** Takes the bytes written so far without feeding them to the server. */
    byte[] take() {
        byte[] bytes = pending.toByteArray();
        pending.reset();
        return bytes;
    }

    /** Feeds raw bytes. */
    H2TestClient raw(byte[] bytes) {
        send();
        conn.feed(bytes);
        return this;
    }

    /** Writes a HEADERS frame with the fields, pairs of name and value. */
    H2TestClient headers(int stream, boolean endStream, String... nameValues) {
        writer.headers(stream, encode(nameValues), endStream);
        return this;
    }

    /**
     * Writes a HEADERS frame with the fields, then one field as an HPACK literal without indexing whose name is
     * sent as given (the encoder lowercases names; this does not), for names HTTP/2 forbids.
     */
    H2TestClient headersWithLiteral(int stream, boolean endStream, String name, String value, String... nameValues) {
        ByteBuffer encoded = encode(nameValues);
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.write(encoded.array(), 0, encoded.remaining());
        b.write(0x00);
        b.write(name.length());
        b.writeBytes(name.getBytes(StandardCharsets.ISO_8859_1));
        b.write(value.length());
        b.writeBytes(value.getBytes(StandardCharsets.ISO_8859_1));
        writer.headers(stream, ByteBuffer.wrap(b.toByteArray()), endStream);
        return this;
    }

    /** The fields HPACK-encoded as one block. */
    ByteBuffer encode(String... nameValues) {
        block.clear();
        encoder.startBlock(block);
        for (int i = 0; i < nameValues.length; i += 2) {
            encoder.field(block, nameValues[i], nameValues[i + 1]);
        }
        return ByteBuffer.wrap(block.toByteArray());
    }

    /** A request's HEADERS: :method, :scheme http, :path, :authority example.com, then the extra fields. */
    H2TestClient request(int stream, String method, String path, boolean endStream, String... extra) {
        String[] all = new String[8 + extra.length];
        String[] pseudo = {":method", method, ":scheme", "http", ":path", path, ":authority", "example.com"};
        System.arraycopy(pseudo, 0, all, 0, 8);
        System.arraycopy(extra, 0, all, 8, extra.length);
        return headers(stream, endStream, all);
    }

    H2TestClient data(int stream, byte[] bytes, boolean endStream) {
        writer.data(stream, ByteBuffer.wrap(bytes), endStream);
        return this;
    }

    /** Sends what is pending and returns the frames the server wrote since the last call. */
    List<Frame> read() {
        send();
        conn.runPending();
        byte[] written = conn.takeWritten();
        reader.read(ByteBuffer.wrap(written));
        List<Frame> got = new ArrayList<>(frames);
        frames.clear();
        return got;
    }

    /** Decodes {@code written}, bytes the server wrote (those after an HTTP/1 {@code 101}, say), as frames. */
    List<Frame> frames(byte[] written) {
        reader.read(ByteBuffer.wrap(written));
        List<Frame> got = new ArrayList<>(frames);
        frames.clear();
        return got;
    }

    static List<Frame> of(List<Frame> frames, String type) {
        return frames.stream().filter(f -> f.type.equals(type)).toList();
    }

    static Frame only(List<Frame> frames, String type) {
        List<Frame> found = of(frames, type);
        if (found.size() != 1) {
            throw new AssertionError("expected one " + type + " in " + frames);
        }
        return found.get(0);
    }

    /** The body of the DATA frames of {@code stream} in {@code frames}. */
    static String body(List<Frame> frames, int stream) {
        StringBuilder b = new StringBuilder();
        for (Frame f : frames) {
            if (f.type.equals("DATA") && f.stream == stream) {
                b.append(f.text());
            }
        }
        return b.toString();
    }

    private final class Listener implements Http2FrameReader.Listener {
        private int blockStream;
        private boolean blockEnd;
        private final ByteArrayOutputStream blockBytes = new ByteArrayOutputStream();

        @Override
        public void onData(int streamId, ByteBuffer data, int padding, boolean endStream) {
            byte[] b = new byte[data.remaining()];
            data.get(b);
            frames.add(new Frame("DATA", streamId, endStream, null, b, null, 0, 0));
        }

        @Override
        public void onHeaders(int streamId, ByteBuffer fragment, boolean endStream, boolean endHeaders) {
            blockStream = streamId;
            blockEnd = endStream;
            blockBytes.reset();
            take(fragment, endHeaders);
        }

        @Override
        public void onContinuation(int streamId, ByteBuffer fragment, boolean endHeaders) {
            take(fragment, endHeaders);
        }

        private void take(ByteBuffer fragment, boolean endHeaders) {
            byte[] b = new byte[fragment.remaining()];
            fragment.get(b);
            blockBytes.writeBytes(b);
            if (endHeaders) {
                Map<String, String> fields = new LinkedHashMap<>();
                try {
                    decoder.decode(ByteBuffer.wrap(blockBytes.toByteArray()), fields::put);
                } catch (HpackException e) {
                    throw new AssertionError(e);
                }
                frames.add(new Frame("HEADERS", blockStream, blockEnd, fields, null, null, 0, 0));
            }
        }

        @Override
        public void onPriority(int streamId, int dependency, int weight, boolean exclusive) {
        }

        @Override
        public void onRstStream(int streamId, int errorCode) {
            frames.add(new Frame("RST_STREAM", streamId, false, null, null, Http2Error.of(errorCode), 0, 0));
        }

        @Override
        public void onSettings(Http2Settings settings) {
            frames.add(new Frame("SETTINGS", 0, false, null, null, null, 0, 0));
        }

        @Override
        public void onSettingsAck() {
            frames.add(new Frame("SETTINGS_ACK", 0, false, null, null, null, 0, 0));
        }

        @Override
        public void onPing(long payload, boolean ack) {
            frames.add(new Frame(ack ? "PING_ACK" : "PING", 0, false, null, null, null, 0, payload));
        }

        @Override
        public void onGoAway(int lastStreamId, int errorCode, ByteBuffer debugData) {
            byte[] b = new byte[debugData.remaining()];
            debugData.get(b);
            frames.add(new Frame("GOAWAY", lastStreamId, false, null, b, Http2Error.of(errorCode), 0, 0));
        }

        @Override
        public void onWindowUpdate(int streamId, int increment) {
            frames.add(new Frame("WINDOW_UPDATE", streamId, false, null, null, null, increment, 0));
        }

        @Override
        public void onPushPromise(int streamId, int promisedStreamId, ByteBuffer fragment, boolean endHeaders) {
            throw new AssertionError("push");
        }

        @Override
        public void onUnknown(int type, int flags, int streamId, int length) {
        }

        @Override
        public void onStreamError(Http2Exception error) {
            throw new AssertionError(error);
        }
    }

    /** The service's own HTTP/2 handler when it has one (its limits), else one with the default limits. */
    private static io.switchboard.pipeline.Handler handler(HttpService service) {
        return (service.priorKnowledge() != null ? service.priorKnowledge() : Http2Server.DEFAULTS).handler(service);
    }
}
