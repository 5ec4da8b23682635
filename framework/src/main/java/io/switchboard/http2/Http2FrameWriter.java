package io.switchboard.http2;

import static io.switchboard.http2.Frames.ACK;
import static io.switchboard.http2.Frames.END_HEADERS;
import static io.switchboard.http2.Frames.END_STREAM;
import static io.switchboard.http2.Frames.HEADER_LENGTH;
import static io.switchboard.http2.Frames.PRIORITY_FLAG;
import static io.switchboard.http2.Frames.STREAM_ID_MASK;

import java.nio.ByteBuffer;

/**
 * The sending side of an HTTP/2 connection's frame layer (RFC 9113 sections 4 and 6): puts frames into
 * {@link Sink} writes. No I/O and no state but the peer's frame size. Loop thread only; one per connection.
 *
 * <h2>How the connection uses it</h2>
 * The connection makes one writer over its pipeline write ({@code new Http2FrameWriter(ctx::write)}), tells it the
 * peer's {@code SETTINGS_MAX_FRAME_SIZE} when the peer's SETTINGS arrive ({@link #maxFrameSize(int)}), and calls
 * one method per frame it sends. The writer splits what is larger than that size: DATA into several DATA frames
 * (END_STREAM on the last), a field block into a HEADERS and CONTINUATION frames (END_HEADERS on the last, nothing
 * of another frame in between, since each call writes the whole block). Flow control is the connection's: it
 * passes to {@link #data} no more than the stream and connection windows allow. The frames sent are never padded
 * and HEADERS carry no priority.
 *
 * <h2>Memory</h2>
 * A frame header and the small fixed payloads of control frames are put in a 64-byte array of the writer and
 * written from it; DATA, field blocks and debug data are written from the caller's buffer after their header.
 * The sink copies what it is given before it returns (as a pipeline write does), so nothing is allocated per
 * frame.
 */
public final class Http2FrameWriter {
    /** Where frames go: the pipeline's write, for a connection. */
    @FunctionalInterface
    public interface Sink {
        /**
         * Takes the bytes between position and limit, copying them before it returns: the writer reuses its array
         * for the next frame and the caller its buffers. May move the position.
         *
         * @param bytes the bytes
         */
        void write(ByteBuffer bytes);
    }

    private static final int SCRATCH = 64;

    private final Sink out;
    private final byte[] scratch = new byte[SCRATCH];
    private final ByteBuffer view = ByteBuffer.wrap(scratch);
    private int maxFrameSize = Http2Settings.MIN_FRAME_SIZE;

    /**
     * A writer that sends frames of up to 16384 bytes, the initial {@code SETTINGS_MAX_FRAME_SIZE}.
     *
     * @param out where the frames go
     */
    public Http2FrameWriter(Sink out) {
        this.out = out;
    }

    /**
     * Sets the largest payload of the frames written: the peer's {@code SETTINGS_MAX_FRAME_SIZE}.
     *
     * @param size 16384 to 16777215
     * @throws IllegalArgumentException for a size out of range
     */
    public void maxFrameSize(int size) {
        if (size < Http2Settings.MIN_FRAME_SIZE || size > Http2Settings.MAX_FRAME_SIZE_LIMIT) {
            throw new IllegalArgumentException("SETTINGS_MAX_FRAME_SIZE out of range: " + size);
        }
        maxFrameSize = size;
    }

    /** {@return the largest payload of the frames written} */
    public int maxFrameSize() {
        return maxFrameSize;
    }

    /** Writes the client connection preface's 24 octets; a client then writes its SETTINGS. */
    public void preface() {
        out.write(ByteBuffer.wrap(Frames.PREFACE).asReadOnlyBuffer());
    }

    /**
     * Writes DATA frames with the remaining bytes of {@code data}, at most {@link #maxFrameSize()} each: one empty
     * frame when {@code data} is empty.
     *
     * @param streamId  the stream, not 0
     * @param data      the data; its position moves to its limit
     * @param endStream true to set END_STREAM on the last frame
     */
    public void data(int streamId, ByteBuffer data, boolean endStream) {
        onStream(streamId);
        do {
            int n = Math.min(data.remaining(), maxFrameSize);
            boolean last = n == data.remaining();
            header(n, Frames.DATA, last && endStream ? END_STREAM : 0, streamId);
            flushHeader();
            part(data, n);
        } while (data.hasRemaining());
    }

    /**
     * Writes a field block: a HEADERS frame, then CONTINUATION frames while the block is longer than
     * {@link #maxFrameSize()}.
     *
     * @param streamId  the stream, not 0
     * @param block     the HPACK-encoded field block; its position moves to its limit
     * @param endStream true to set END_STREAM (on the HEADERS frame, where it belongs for the whole block)
     */
    public void headers(int streamId, ByteBuffer block, boolean endStream) {
        onStream(streamId);
        int n = Math.min(block.remaining(), maxFrameSize);
        boolean last = n == block.remaining();
        header(n, Frames.HEADERS, (endStream ? END_STREAM : 0) | (last ? END_HEADERS : 0), streamId);
        flushHeader();
        part(block, n);
        continuations(streamId, block);
    }

    /**
     * Writes a PUSH_PROMISE and its CONTINUATION frames. Switchboard's server does not push; this is here for
     * tests and tools that play a pushing server.
     *
     * @param streamId         the stream it is sent on, not 0
     * @param promisedStreamId the stream it reserves, not 0
     * @param block            the HPACK-encoded field block; its position moves to its limit
     */
    public void pushPromise(int streamId, int promisedStreamId, ByteBuffer block) {
        onStream(streamId);
        onStream(promisedStreamId);
        int n = Math.min(block.remaining(), maxFrameSize - 4);
        boolean last = n == block.remaining();
        header(n + 4, Frames.PUSH_PROMISE, last ? END_HEADERS : 0, streamId);
        view.putInt(HEADER_LENGTH, promisedStreamId);
        flush(HEADER_LENGTH + 4);
        part(block, n);
        continuations(streamId, block);
    }

    /**
     * Writes a PRIORITY frame. Switchboard sends none (RFC 9113 deprecates them); this is here for tests and
     * tools that play a client.
     *
     * @param streamId   the stream, not 0
     * @param dependency the stream it depends on
     * @param weight     1 to 256
     * @param exclusive  true to set the E bit
     */
    public void priority(int streamId, int dependency, int weight, boolean exclusive) {
        onStream(streamId);
        if (weight < 1 || weight > 256) {
            throw new IllegalArgumentException("weight must be 1 to 256, got " + weight);
        }
        header(5, Frames.PRIORITY, 0, streamId);
        view.putInt(HEADER_LENGTH, dependency & STREAM_ID_MASK | (exclusive ? 0x8000_0000 : 0));
        scratch[HEADER_LENGTH + 4] = (byte) (weight - 1);
        flush(HEADER_LENGTH + 5);
    }

    /**
     * Writes a RST_STREAM frame.
     *
     * @param streamId the stream, not 0
     * @param error    why the stream ends
     */
    public void rstStream(int streamId, Http2Error error) {
        onStream(streamId);
        header(4, Frames.RST_STREAM, 0, streamId);
        view.putInt(HEADER_LENGTH, error.code());
        flush(HEADER_LENGTH + 4);
    }

    /**
     * Writes a SETTINGS frame with the settings set in {@code settings} (none for the RFC's initial values).
     *
     * @param settings the settings to send
     */
    public void settings(Http2Settings settings) {
        int n = settings.encodedLength();
        header(n, Frames.SETTINGS, 0, 0);
        view.limit(SCRATCH).position(HEADER_LENGTH);
        settings.encode(view);
        flush(HEADER_LENGTH + n);
    }

    /** Writes a SETTINGS frame with ACK: the peer's settings were applied. */
    public void settingsAck() {
        header(0, Frames.SETTINGS, ACK, 0);
        flushHeader();
    }

    /**
     * Writes a PING frame.
     *
     * @param payload its 8 bytes, big-endian
     */
    public void ping(long payload) {
        ping(payload, 0);
    }

    /**
     * Writes a PING frame with ACK, the answer to the peer's PING.
     *
     * @param payload the 8 bytes of the PING answered, big-endian
     */
    public void pingAck(long payload) {
        ping(payload, ACK);
    }

    /**
     * Writes a GOAWAY frame.
     *
     * @param lastStreamId the last stream the peer opened that this side processed or may still process
     * @param error        why the connection ends; {@link Http2Error#NO_ERROR} for a graceful shutdown
     * @param debugData    opaque diagnostics (a reason in ASCII, say), or null for none; its position moves to its
     *                     limit. At most {@link #maxFrameSize()} - 8 bytes of it are sent.
     */
    public void goAway(int lastStreamId, Http2Error error, ByteBuffer debugData) {
        int n = debugData == null ? 0 : Math.min(debugData.remaining(), maxFrameSize - 8);
        header(8 + n, Frames.GOAWAY, 0, 0);
        view.putInt(HEADER_LENGTH, lastStreamId & STREAM_ID_MASK).putInt(HEADER_LENGTH + 4, error.code());
        flush(HEADER_LENGTH + 8);
        if (debugData != null) {
            part(debugData, n);
            debugData.position(debugData.limit());
        }
    }

    /**
     * Writes a WINDOW_UPDATE frame.
     *
     * @param streamId  the stream, or 0 for the connection
     * @param increment 1 to 2^31-1
     */
    public void windowUpdate(int streamId, int increment) {
        if (streamId < 0) {
            throw new IllegalArgumentException("negative stream id " + streamId);
        }
        if (increment < 1) {
            throw new IllegalArgumentException("window increment must be 1 to 2^31-1, got " + increment);
        }
        header(4, Frames.WINDOW_UPDATE, 0, streamId);
        view.putInt(HEADER_LENGTH, increment);
        flush(HEADER_LENGTH + 4);
    }

    private void ping(long payload, int flags) {
        header(8, Frames.PING, flags, 0);
        view.putLong(HEADER_LENGTH, payload);
        flush(HEADER_LENGTH + 8);
    }

    private void continuations(int streamId, ByteBuffer block) {
        while (block.hasRemaining()) {
            int n = Math.min(block.remaining(), maxFrameSize);
            boolean last = n == block.remaining();
            header(n, Frames.CONTINUATION, last ? END_HEADERS : 0, streamId);
            flushHeader();
            part(block, n);
        }
    }

    /** Puts a frame header at the start of the scratch array. */
    private void header(int length, int type, int flags, int streamId) {
        view.limit(SCRATCH);
        scratch[0] = (byte) (length >>> 16);
        scratch[1] = (byte) (length >>> 8);
        scratch[2] = (byte) length;
        scratch[3] = (byte) type;
        scratch[4] = (byte) flags;
        view.putInt(5, streamId);
    }

    private void flushHeader() {
        flush(HEADER_LENGTH);
    }

    /** Writes the first {@code n} bytes of the scratch array. */
    private void flush(int n) {
        out.write(view.limit(n).position(0));
    }

    /** Writes the next {@code n} bytes of {@code from}, moving its position past them. */
    private void part(ByteBuffer from, int n) {
        if (n == 0) {
            return;
        }
        int at = from.position();
        int limit = from.limit();
        from.limit(at + n);
        try {
            out.write(from);
        } finally {
            from.limit(limit).position(at + n);
        }
    }

    private static void onStream(int streamId) {
        if (streamId <= 0) {
            throw new IllegalArgumentException("a stream id from 1 to 2^31-1 is needed, got " + streamId);
        }
    }
}
