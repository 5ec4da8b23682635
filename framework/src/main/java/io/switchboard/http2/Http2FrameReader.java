package io.switchboard.http2;

import static io.switchboard.http2.Frames.ACK;
import static io.switchboard.http2.Frames.END_HEADERS;
import static io.switchboard.http2.Frames.END_STREAM;
import static io.switchboard.http2.Frames.HEADER_LENGTH;
import static io.switchboard.http2.Frames.PADDED;
import static io.switchboard.http2.Frames.PRIORITY_FLAG;
import static io.switchboard.http2.Frames.STREAM_ID_MASK;

import io.switchboard.internal.Cumulation;
import java.nio.ByteBuffer;

/**
 * The receiving side of an HTTP/2 connection's frame layer (RFC 9113 sections 4 and 6): a resumable parser fed the
 * bytes as they arrive, which checks each frame and hands it to a {@link Listener}. No I/O; any split of the input
 * reads the same. Loop thread only; one per connection.
 *
 * <h2>How the connection uses it</h2>
 * The connection makes one reader with its role and {@link Http2Config}, passes every buffer read from the socket
 * (after TLS) to {@link #read}, and acts on the callbacks: it keeps stream states, flow control and the flood
 * budgets; the reader keeps none of them. A {@link Http2Exception} thrown by {@code read} is a connection error:
 * the connection sends GOAWAY with its code and closes, and the reader discards whatever it is given afterwards. A
 * stream error arrives through {@link Listener#onStreamError}, the frame consumed, and reading goes on: the
 * connection sends RST_STREAM, and counts the reset against the same budget as the peer's resets, since a peer
 * that makes the server reset streams (MadeYouReset, CVE-2025-8671) must not slip past the Rapid Reset limit.
 * Empty and tiny frames, SETTINGS and PINGs are budgeted by the connection from the callbacks too.
 *
 * <h2>What it checks</h2>
 * Everything a frame says about itself, before its payload is waited for where the header tells enough:
 * <ul>
 * <li>a server first reads the client's 24-byte preface, byte by byte (an HTTP/1 request fails at its first byte),
 *     and either side then needs a SETTINGS frame (not an ACK) first: else {@code PROTOCOL_ERROR};</li>
 * <li>a frame longer than the {@code SETTINGS_MAX_FRAME_SIZE} this side advertises, from the first byte on
 *     (the peer may apply it before its ACK reaches us): {@code FRAME_SIZE_ERROR}, a connection error for every
 *     type, which section 5.4.1 allows and which leaves no frame to skip;</li>
 * <li>lengths fixed by the type: PING 8, RST_STREAM 4, WINDOW_UPDATE 4, SETTINGS a multiple of 6 and 0 with ACK,
 *     GOAWAY at least 8, and room for the Pad Length, priority and promised-stream fields: {@code FRAME_SIZE_ERROR}
 *     on the connection; PRIORITY other than 5: {@code FRAME_SIZE_ERROR} on the stream (section 6.3);</li>
 * <li>stream id 0 on DATA, HEADERS, PRIORITY, RST_STREAM, PUSH_PROMISE, CONTINUATION, and another id on SETTINGS,
 *     PING, GOAWAY: {@code PROTOCOL_ERROR}; the reserved top bit of every stream id is ignored;</li>
 * <li>padding longer than what remains of the payload after the fixed fields: {@code PROTOCOL_ERROR};</li>
 * <li>SETTINGS values out of range ({@link Http2Settings#read}); WINDOW_UPDATE of 0: a stream error
 *     {@code PROTOCOL_ERROR} on a stream, a connection error on stream 0; a stream depending on itself in
 *     PRIORITY or HEADERS: a stream error {@code PROTOCOL_ERROR};</li>
 * <li>PUSH_PROMISE at a server: {@code PROTOCOL_ERROR} (a client cannot push);</li>
 * <li>a field block: once a HEADERS or PUSH_PROMISE without END_HEADERS arrived, any frame but CONTINUATION on
 *     the same stream is a {@code PROTOCOL_ERROR}, and so is a CONTINUATION with no block open; the block's bytes
 *     and its CONTINUATION frames are counted as each header arrives, and past
 *     {@link Http2Config#maxHeaderBlockBytes()} or {@link Http2Config#maxContinuationFrames()} the connection
 *     fails with {@code ENHANCE_YOUR_CALM} before that frame's payload is read or any of the block decoded;</li>
 * <li>unknown frame types are skipped as their bytes arrive, never held (section 4.1), after
 *     {@link Listener#onUnknown}; unknown flags are ignored.</li>
 * </ul>
 *
 * <h2>Memory</h2>
 * A frame wholly inside the input is handed on as a view of the input, without a copy. Of a frame cut by the end
 * of a read, the header is kept in a 9-byte array and the payload in a {@link Cumulation} that grows as bytes
 * arrive, never to the length the header declares before they do, and holds at most one frame: at most
 * {@code SETTINGS_MAX_FRAME_SIZE} bytes, 16 KiB by default. Nothing is held between frames, so an idle
 * connection holds no buffer. While {@link #pause paused}, the rest of the input is kept as it is.
 */
public final class Http2FrameReader {
    /**
     * Where the frames go. Every buffer handed over is borrowed for the duration of the call only, readable between
     * its position and limit; a listener that keeps bytes copies them. A callback may call {@link #pause}.
     */
    public interface Listener {
        /**
         * A DATA frame.
         *
         * @param streamId  the stream
         * @param data      the data, padding removed; empty for an empty frame
         * @param padding   bytes of padding with the Pad Length byte, 0 when not padded: flow control counts
         *                  {@code data.remaining() + padding}, the whole payload
         * @param endStream END_STREAM was set
         */
        void onData(int streamId, ByteBuffer data, int padding, boolean endStream);

        /**
         * A HEADERS frame: the first fragment of a field block. Priority fields are read and dropped (RFC 9113
         * deprecates them); a stream made to depend on itself gets {@link #onStreamError} just before this call,
         * and the block must still be decoded, to keep HPACK in step, and then dropped.
         *
         * @param streamId   the stream
         * @param fragment   the field block fragment, padding and priority fields removed
         * @param endStream  END_STREAM was set: it applies to the whole block, CONTINUATIONs included
         * @param endHeaders END_HEADERS was set: the block is whole; else CONTINUATIONs follow
         */
        void onHeaders(int streamId, ByteBuffer fragment, boolean endStream, boolean endHeaders);

        /**
         * A CONTINUATION frame of the open field block, on the stream of its HEADERS or PUSH_PROMISE.
         *
         * @param streamId   the stream
         * @param fragment   the next field block fragment
         * @param endHeaders END_HEADERS was set: the block is whole
         */
        void onContinuation(int streamId, ByteBuffer fragment, boolean endHeaders);

        /**
         * A valid PRIORITY frame, which a server may ignore (RFC 9113 section 5.3.2).
         *
         * @param streamId   the stream
         * @param dependency the stream it depends on, not itself
         * @param weight     1 to 256
         * @param exclusive  the E bit was set
         */
        void onPriority(int streamId, int dependency, int weight, boolean exclusive);

        /**
         * A RST_STREAM frame.
         *
         * @param streamId  the stream, not 0
         * @param errorCode its error code; see {@link Http2Error#of}
         */
        void onRstStream(int streamId, int errorCode);

        /**
         * A SETTINGS frame without ACK, its values checked: the connection applies them
         * ({@link Http2Settings#merge}) and acknowledges.
         *
         * @param settings the settings the frame set, the others not set
         */
        void onSettings(Http2Settings settings);

        /** A SETTINGS frame with ACK: the peer applied the settings this side sent. */
        void onSettingsAck();

        /**
         * A PING frame.
         *
         * @param payload its 8 bytes, big-endian
         * @param ack     ACK was set: the answer to a PING this side sent
         */
        void onPing(long payload, boolean ack);

        /**
         * A GOAWAY frame.
         *
         * @param lastStreamId the last stream the peer may have processed
         * @param errorCode    its error code; see {@link Http2Error#of}
         * @param debugData    the opaque debug data, possibly empty
         */
        void onGoAway(int lastStreamId, int errorCode, ByteBuffer debugData);

        /**
         * A WINDOW_UPDATE frame with an increment of at least 1; the connection checks the window stays within
         * 2^31-1.
         *
         * @param streamId  the stream, or 0 for the connection
         * @param increment 1 to 2^31-1
         */
        void onWindowUpdate(int streamId, int increment);

        /**
         * A PUSH_PROMISE frame, which only a client reads: the first fragment of a field block, as
         * {@link #onHeaders}. A client that disabled push refuses it.
         *
         * @param streamId         the stream it was sent on
         * @param promisedStreamId the stream it reserves
         * @param fragment         the field block fragment, padding removed
         * @param endHeaders       END_HEADERS was set
         */
        void onPushPromise(int streamId, int promisedStreamId, ByteBuffer fragment, boolean endHeaders);

        /**
         * A frame of a type this reader does not know. Its payload is skipped as it arrives; the call is there for
         * the connection's budget of frames.
         *
         * @param type     the type, 0x0a to 0xff
         * @param flags    its flags
         * @param streamId its stream id
         * @param length   the payload length
         */
        void onUnknown(int type, int flags, int streamId, int length);

        /**
         * A frame broke a rule that fails one stream only. The frame is consumed and reading goes on; the
         * connection sends RST_STREAM with the error's code.
         *
         * @param error the stream error
         */
        void onStreamError(Http2Exception error);
    }

    /** Where the parser is in the byte stream. */
    private enum State { PREFACE, HEADER, PAYLOAD, SKIP, FAILED }

    private final boolean server;
    private final int maxFrameSize;
    private final int maxBlockBytes;
    private final int maxContinuations;
    private final Listener listener;

    private State state;
    private int prefaceAt;
    private boolean firstFrame = true;
    private final byte[] header = new byte[HEADER_LENGTH];
    private final ByteBuffer headerView = ByteBuffer.wrap(header);
    /** The payload of an empty frame. */
    private final ByteBuffer empty = ByteBuffer.allocate(0);
    private int headerHave;
    private final Cumulation payload = new Cumulation();
    private int skipRemaining;

    private int length;
    private int type;
    private int flags;
    private int streamId;

    /** The stream of the open field block, or 0 when none is open. */
    private int blockStream;
    private int blockBytes;
    private int blockContinuations;

    private boolean paused;
    private boolean reading;
    private final Cumulation held = new Cumulation();

    /**
     * A reader for one connection.
     *
     * @param server   true at a server: the client's preface is read first and PUSH_PROMISE is refused; false at a
     *                 client: ENABLE_PUSH 1 from the server is refused
     * @param config   the settings this side advertises (their MAX_FRAME_SIZE is the largest frame read) and the
     *                 field-block limits
     * @param listener where the frames go
     */
    public Http2FrameReader(boolean server, Http2Config config, Listener listener) {
        this.server = server;
        this.maxFrameSize = config.settings().maxFrameSize();
        this.maxBlockBytes = config.maxHeaderBlockBytes();
        this.maxContinuations = config.maxContinuationFrames();
        this.listener = listener;
        this.state = server ? State.PREFACE : State.HEADER;
    }

    /**
     * Reads frames from {@code in} until it is used up or a callback {@linkplain #pause pauses}: what is left of a
     * frame cut by the end of {@code in} is kept for the next call, and while paused the rest of {@code in} is
     * kept. After a connection error every later input is discarded.
     *
     * @param in bytes from the socket, between position and limit; borrowed for the call, its position moves to its
     *           limit
     * @throws Http2Exception a connection error: the connection sends GOAWAY with its code and closes
     */
    public void read(ByteBuffer in) {
        assert !reading : "read from inside a callback";
        if (state == State.FAILED) {
            in.position(in.limit());
            return;
        }
        if (paused) {
            held.done(held.with(in));
            return;
        }
        reading = true;
        try {
            while (in.hasRemaining() && !paused) {
                step(in);
            }
            if (in.hasRemaining()) {
                held.done(held.with(in));
            }
        } catch (Http2Exception e) {
            fail();
            throw e;
        } finally {
            reading = false;
        }
    }

    /**
     * Stops reading after the frame being handed over (the connection is over its outbound limit, say): the rest
     * of the input, and any input given to {@link #read} meanwhile, is kept until {@link #resume}.
     */
    public void pause() {
        paused = true;
    }

    /**
     * Reads on from where {@link #pause} stopped, through the bytes kept meanwhile.
     *
     * @throws Http2Exception a connection error in the kept bytes
     */
    public void resume() {
        paused = false;
        if (!reading && state != State.FAILED) {
            ByteBuffer kept = held.take();
            if (kept != null) {
                read(kept);
            }
        }
    }

    /** {@return true between {@link #pause} and {@link #resume}} */
    public boolean isPaused() {
        return paused;
    }

    /** {@return the bytes kept between reads: a partial frame, and input kept while paused} */
    public int keptBytes() {
        return headerHave + payload.size() + held.size();
    }

    /** {@return true while a field block is open: a HEADERS or PUSH_PROMISE came without END_HEADERS} */
    public boolean inFieldBlock() {
        return blockStream != 0;
    }

    /** Drops what is kept; later input is discarded. For a connection that closes. */
    public void release() {
        fail();
    }

    private void step(ByteBuffer in) {
        switch (state) {
            case PREFACE -> preface(in);
            case HEADER -> header(in);
            case PAYLOAD -> payload(in);
            case SKIP -> skip(in);
            default -> in.position(in.limit());
        }
    }

    private void preface(ByteBuffer in) {
        while (in.hasRemaining() && prefaceAt < Frames.PREFACE.length) {
            if (in.get() != Frames.PREFACE[prefaceAt]) {
                throw connectionError(Http2Error.PROTOCOL_ERROR, "not the HTTP/2 client connection preface");
            }
            prefaceAt++;
        }
        if (prefaceAt == Frames.PREFACE.length) {
            state = State.HEADER;
        }
    }

    private void header(ByteBuffer in) {
        if (headerHave == 0 && in.remaining() >= HEADER_LENGTH) {
            int at = in.position();
            in.position(at + HEADER_LENGTH);
            frameHeader(in, at);
            return;
        }
        int n = Math.min(HEADER_LENGTH - headerHave, in.remaining());
        in.get(header, headerHave, n);
        headerHave += n;
        if (headerHave == HEADER_LENGTH) {
            headerHave = 0;
            frameHeader(headerView, 0);
        }
    }

    /** Reads and checks the header at {@code at} of {@code b}, then moves to the payload. */
    private void frameHeader(ByteBuffer b, int at) {
        length = (b.get(at) & 0xFF) << 16 | (b.get(at + 1) & 0xFF) << 8 | b.get(at + 2) & 0xFF;
        type = b.get(at + 3) & 0xFF;
        flags = b.get(at + 4) & 0xFF;
        streamId = b.getInt(at + 5) & STREAM_ID_MASK;
        if (firstFrame) {
            if (type != Frames.SETTINGS || (flags & ACK) != 0) {
                throw connectionError(Http2Error.PROTOCOL_ERROR,
                        "the connection preface must be a SETTINGS frame, got " + Frames.name(type));
            }
            firstFrame = false;
        }
        if (length > maxFrameSize) {
            throw connectionError(Http2Error.FRAME_SIZE_ERROR,
                    Frames.name(type) + " of " + length + " bytes, over SETTINGS_MAX_FRAME_SIZE " + maxFrameSize);
        }
        if (blockStream != 0 && (type != Frames.CONTINUATION || streamId != blockStream)) {
            throw connectionError(Http2Error.PROTOCOL_ERROR, Frames.name(type) + " on stream " + streamId
                    + " inside the field block of stream " + blockStream);
        }
        boolean skip = check();
        if (skip) {
            skipRemaining = length;
            state = length == 0 ? State.HEADER : State.SKIP;
        } else if (length == 0) {
            state = State.HEADER;
            payload(empty, 0, 0);
        } else {
            state = State.PAYLOAD;
        }
    }

    /**
     * The checks a frame's header allows, and the field-block bookkeeping.
     *
     * @return true when the payload is to be skipped
     */
    private boolean check() {
        switch (type) {
            case Frames.DATA -> {
                onStream();
                atLeast(padded() ? 1 : 0);
            }
            case Frames.HEADERS -> {
                onStream();
                atLeast((padded() ? 1 : 0) + ((flags & PRIORITY_FLAG) != 0 ? 5 : 0));
                openBlock();
            }
            case Frames.PRIORITY -> {
                onStream();
                if (length != 5) {
                    listener.onStreamError(Http2Exception.stream(streamId, Http2Error.FRAME_SIZE_ERROR,
                            "PRIORITY of " + length + " bytes, not 5"));
                    return true;
                }
            }
            case Frames.RST_STREAM -> {
                onStream();
                exactly(4);
            }
            case Frames.SETTINGS -> {
                onConnection();
                if ((flags & ACK) != 0) {
                    exactly(0);
                } else if (length % Http2Settings.ENTRY_LENGTH != 0) {
                    throw connectionError(Http2Error.FRAME_SIZE_ERROR, "SETTINGS of " + length + " bytes, not a multiple of 6");
                }
            }
            case Frames.PUSH_PROMISE -> {
                if (server) {
                    throw connectionError(Http2Error.PROTOCOL_ERROR, "PUSH_PROMISE sent to a server");
                }
                onStream();
                atLeast((padded() ? 1 : 0) + 4);
                openBlock();
            }
            case Frames.PING -> {
                onConnection();
                exactly(8);
            }
            case Frames.GOAWAY -> {
                onConnection();
                atLeast(8);
            }
            case Frames.WINDOW_UPDATE -> exactly(4);
            case Frames.CONTINUATION -> continueBlock();
            default -> {
                listener.onUnknown(type, flags, streamId, length);
                return true;
            }
        }
        return false;
    }

    private void openBlock() {
        if (length > maxBlockBytes) {
            throw connectionError(Http2Error.ENHANCE_YOUR_CALM, "field block of " + length
                    + " bytes or more, over the limit of " + maxBlockBytes);
        }
        if ((flags & END_HEADERS) == 0) {
            blockStream = streamId;
            blockBytes = length;
            blockContinuations = 0;
        }
    }

    private void continueBlock() {
        if (blockStream == 0) {
            throw connectionError(Http2Error.PROTOCOL_ERROR, "CONTINUATION on stream " + streamId + " with no field block open");
        }
        blockContinuations++;
        if (blockContinuations > maxContinuations) {
            throw connectionError(Http2Error.ENHANCE_YOUR_CALM, "field block of more than " + maxContinuations
                    + " CONTINUATION frames");
        }
        blockBytes += length;
        if (blockBytes > maxBlockBytes) {
            throw connectionError(Http2Error.ENHANCE_YOUR_CALM, "field block of " + blockBytes
                    + " bytes or more, over the limit of " + maxBlockBytes);
        }
        if ((flags & END_HEADERS) != 0) {
            blockStream = 0;
        }
    }

    private void payload(ByteBuffer in) {
        if (payload.isEmpty() && in.remaining() >= length) {
            int at = in.position();
            int limit = in.limit();
            state = State.HEADER;
            try {
                payload(in, at, length);
            } finally {
                in.limit(limit).position(at + length);
            }
            return;
        }
        int n = Math.min(length - payload.size(), in.remaining());
        int limit = in.limit();
        in.limit(in.position() + n);
        payload.done(payload.with(in));
        in.limit(limit);
        if (payload.size() == length) {
            ByteBuffer whole = payload.take();
            state = State.HEADER;
            payload(whole, whole.position(), length);
        }
    }

    private void skip(ByteBuffer in) {
        int n = Math.min(skipRemaining, in.remaining());
        in.position(in.position() + n);
        skipRemaining -= n;
        if (skipRemaining == 0) {
            state = State.HEADER;
        }
    }

    /** Hands on the frame whose payload is the {@code n} bytes of {@code b} from {@code at}. */
    private void payload(ByteBuffer b, int at, int n) {
        int end = at + n;
        switch (type) {
            case Frames.DATA -> data(b, at, end);
            case Frames.HEADERS -> headers(b, at, end);
            case Frames.PRIORITY -> priority(b, at);
            case Frames.RST_STREAM -> listener.onRstStream(streamId, b.getInt(at));
            case Frames.SETTINGS -> settings(b, at, n);
            case Frames.PUSH_PROMISE -> pushPromise(b, at, end);
            case Frames.PING -> listener.onPing(b.getLong(at), (flags & ACK) != 0);
            case Frames.GOAWAY -> listener.onGoAway(b.getInt(at) & STREAM_ID_MASK, b.getInt(at + 4), view(b, at + 8, end));
            case Frames.WINDOW_UPDATE -> windowUpdate(b.getInt(at) & STREAM_ID_MASK);
            case Frames.CONTINUATION -> listener.onContinuation(streamId, view(b, at, end), (flags & END_HEADERS) != 0);
            default -> throw new IllegalStateException("type " + type);
        }
    }

    private void data(ByteBuffer b, int at, int end) {
        int padding = 0;
        if (padded()) {
            int padLength = b.get(at++) & 0xFF;
            end = unpadded(padLength, at, end);
            padding = padLength + 1;
        }
        listener.onData(streamId, view(b, at, end), padding, (flags & END_STREAM) != 0);
    }

    private void headers(ByteBuffer b, int at, int end) {
        int padLength = padded() ? b.get(at++) & 0xFF : 0;
        boolean selfDependent = false;
        if ((flags & PRIORITY_FLAG) != 0) {
            selfDependent = (b.getInt(at) & STREAM_ID_MASK) == streamId;
            at += 5;
        }
        end = unpadded(padLength, at, end);
        if (selfDependent) {
            listener.onStreamError(Http2Exception.stream(streamId, Http2Error.PROTOCOL_ERROR, "stream " + streamId
                    + " depends on itself"));
        }
        listener.onHeaders(streamId, view(b, at, end), (flags & END_STREAM) != 0, (flags & END_HEADERS) != 0);
    }

    private void priority(ByteBuffer b, int at) {
        int word = b.getInt(at);
        int dependency = word & STREAM_ID_MASK;
        if (dependency == streamId) {
            listener.onStreamError(Http2Exception.stream(streamId, Http2Error.PROTOCOL_ERROR, "stream " + streamId
                    + " depends on itself"));
            return;
        }
        listener.onPriority(streamId, dependency, (b.get(at + 4) & 0xFF) + 1, word < 0);
    }

    private void settings(ByteBuffer b, int at, int n) {
        if ((flags & ACK) != 0) {
            listener.onSettingsAck();
            return;
        }
        b.position(at);
        listener.onSettings(Http2Settings.read(b, n, !server));
    }

    private void pushPromise(ByteBuffer b, int at, int end) {
        int padLength = padded() ? b.get(at++) & 0xFF : 0;
        int promised = b.getInt(at) & STREAM_ID_MASK;
        at += 4;
        end = unpadded(padLength, at, end);
        listener.onPushPromise(streamId, promised, view(b, at, end), (flags & END_HEADERS) != 0);
    }

    private void windowUpdate(int increment) {
        if (increment != 0) {
            listener.onWindowUpdate(streamId, increment);
        } else if (streamId == 0) {
            throw connectionError(Http2Error.PROTOCOL_ERROR, "WINDOW_UPDATE of 0 on the connection");
        } else {
            listener.onStreamError(Http2Exception.stream(streamId, Http2Error.PROTOCOL_ERROR,
                    "WINDOW_UPDATE of 0 on stream " + streamId));
        }
    }

    /** {@return the end of the content before {@code padLength} bytes of padding, which must fit after {@code at}} */
    private int unpadded(int padLength, int at, int end) {
        if (padLength > end - at) {
            throw connectionError(Http2Error.PROTOCOL_ERROR, Frames.name(type) + " with " + padLength
                    + " bytes of padding and " + (end - at) + " bytes left for it");
        }
        return end - padLength;
    }

    private static ByteBuffer view(ByteBuffer b, int from, int to) {
        return b.limit(to).position(from);
    }

    private boolean padded() {
        return (flags & PADDED) != 0;
    }

    private void onStream() {
        if (streamId == 0) {
            throw connectionError(Http2Error.PROTOCOL_ERROR, Frames.name(type) + " on stream 0");
        }
    }

    private void onConnection() {
        if (streamId != 0) {
            throw connectionError(Http2Error.PROTOCOL_ERROR, Frames.name(type) + " on stream " + streamId + ", not 0");
        }
    }

    private void exactly(int expected) {
        if (length != expected) {
            throw connectionError(Http2Error.FRAME_SIZE_ERROR, Frames.name(type) + " of " + length + " bytes, not " + expected);
        }
    }

    private void atLeast(int minimum) {
        if (length < minimum) {
            throw connectionError(Http2Error.FRAME_SIZE_ERROR, Frames.name(type) + " of " + length
                    + " bytes, too short for its fields (" + minimum + ")");
        }
    }

    private void fail() {
        state = State.FAILED;
        payload.take();
        held.take();
        headerHave = 0;
        blockStream = 0;
    }

    private static Http2Exception connectionError(Http2Error error, String message) {
        return Http2Exception.connection(error, message);
    }
}
