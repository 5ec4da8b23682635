package io.switchboard.http2;

import static io.switchboard.http2.Wire.ACK;
import static io.switchboard.http2.Wire.CONTINUATION;
import static io.switchboard.http2.Wire.DATA;
import static io.switchboard.http2.Wire.END_HEADERS;
import static io.switchboard.http2.Wire.END_STREAM;
import static io.switchboard.http2.Wire.GOAWAY;
import static io.switchboard.http2.Wire.HEADERS;
import static io.switchboard.http2.Wire.PING;
import static io.switchboard.http2.Wire.PRIORITY;
import static io.switchboard.http2.Wire.PUSH_PROMISE;
import static io.switchboard.http2.Wire.RST_STREAM;
import static io.switchboard.http2.Wire.SETTINGS;
import static io.switchboard.http2.Wire.WINDOW_UPDATE;
import static io.switchboard.http2.Wire.ascii;
import static io.switchboard.http2.Wire.concat;
import static io.switchboard.http2.Wire.frame;
import static io.switchboard.http2.Wire.int32;
import static io.switchboard.http2.Wire.int64;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** The writer puts each frame type in the bytes RFC 9113 gives it, splitting DATA and field blocks at the peer's frame size. */
class Http2FrameWriterTest {
    /** A sink that copies what it is given, as a pipeline write does, and spoils the source afterwards. */
    static final class Out implements Http2FrameWriter.Sink {
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        int writes;

        @Override
        public void write(ByteBuffer b) {
            writes++;
            byte[] copy = new byte[b.remaining()];
            b.get(copy);
            bytes.writeBytes(copy);
        }

        byte[] take() {
            byte[] all = bytes.toByteArray();
            bytes.reset();
            return all;
        }
    }

    private final Out out = new Out();
    private final Http2FrameWriter writer = new Http2FrameWriter(out);

    @Test
    void controlFrames() {
        writer.preface();
        assertArrayEquals(Wire.PREFACE, out.take());
        writer.settings(Http2Settings.DEFAULTS);
        assertArrayEquals(frame(SETTINGS, 0, 0), out.take(), "no setting set: an empty SETTINGS");
        writer.settings(Http2Settings.DEFAULTS.with(Http2Settings.MAX_HEADER_LIST_SIZE, 8192).with(Http2Settings.ENABLE_PUSH, 0)
                .with(Http2Settings.HEADER_TABLE_SIZE, 0xFFFF_FFFFL));
        assertArrayEquals(frame(SETTINGS, 0, 0, concat(Wire.setting(1, 0xFFFF_FFFFL), Wire.setting(2, 0), Wire.setting(6, 8192))),
                out.take(), "the settings set, in id order");
        writer.settingsAck();
        assertArrayEquals(frame(SETTINGS, ACK, 0), out.take());
        writer.ping(0x0102_0304_0506_0708L);
        assertArrayEquals(frame(PING, 0, 0, int64(0x0102_0304_0506_0708L)), out.take());
        writer.pingAck(-2L);
        assertArrayEquals(frame(PING, ACK, 0, int64(-2L)), out.take());
        writer.rstStream(7, Http2Error.REFUSED_STREAM);
        assertArrayEquals(frame(RST_STREAM, 0, 7, int32(7)), out.take());
        writer.windowUpdate(0, Integer.MAX_VALUE);
        assertArrayEquals(frame(WINDOW_UPDATE, 0, 0, int32(Integer.MAX_VALUE)), out.take());
        writer.windowUpdate(3, 1);
        assertArrayEquals(frame(WINDOW_UPDATE, 0, 3, int32(1)), out.take());
        writer.priority(5, 3, 256, true);
        assertArrayEquals(frame(PRIORITY, 0, 5, concat(int32(0x8000_0003L), new byte[] {(byte) 255})), out.take());
        writer.goAway(9, Http2Error.ENHANCE_YOUR_CALM, ByteBuffer.wrap(ascii("too many resets")));
        assertArrayEquals(frame(GOAWAY, 0, 0, concat(int32(9), int32(11), ascii("too many resets"))), out.take());
        writer.goAway(0, Http2Error.NO_ERROR, null);
        assertArrayEquals(frame(GOAWAY, 0, 0, concat(int32(0), int32(0))), out.take());
    }

    @Test
    void dataIsSplitAtThePeersFrameSize() {
        byte[] body = Wire.bytes(16_384 * 2 + 5, 1);
        ByteBuffer data = ByteBuffer.wrap(body);
        writer.data(1, data, true);
        assertEquals(body.length, data.position(), "the data is consumed");
        assertArrayEquals(concat(
                frame(DATA, 0, 1, Arrays.copyOfRange(body, 0, 16_384)),
                frame(DATA, 0, 1, Arrays.copyOfRange(body, 16_384, 32_768)),
                frame(DATA, END_STREAM, 1, Arrays.copyOfRange(body, 32_768, body.length))), out.take(),
                "two full frames of 16,384 bytes and one of 5, END_STREAM on the last");
        writer.maxFrameSize(20_000);
        writer.data(3, ByteBuffer.wrap(body, 0, 20_000), false);
        assertArrayEquals(frame(DATA, 0, 3, Arrays.copyOfRange(body, 0, 20_000)), out.take(), "exactly the frame size: one frame");
        writer.data(5, ByteBuffer.allocate(0), true);
        assertArrayEquals(frame(DATA, END_STREAM, 5), out.take(), "no data: one empty frame");
    }

    @Test
    void aLargeFieldBlockIsAHeadersAndContinuations() {
        byte[] block = Wire.bytes(16_384 * 2 + 1, 2);
        writer.headers(1, ByteBuffer.wrap(block), true);
        assertArrayEquals(concat(
                frame(HEADERS, END_STREAM, 1, Arrays.copyOfRange(block, 0, 16_384)),
                frame(CONTINUATION, 0, 1, Arrays.copyOfRange(block, 16_384, 32_768)),
                frame(CONTINUATION, END_HEADERS, 1, Arrays.copyOfRange(block, 32_768, block.length))), out.take(),
                "END_STREAM on the HEADERS, END_HEADERS on the last CONTINUATION");
        writer.headers(3, ByteBuffer.wrap(ascii("small")), false);
        assertArrayEquals(frame(HEADERS, END_HEADERS, 3, ascii("small")), out.take());
        writer.pushPromise(1, 2, ByteBuffer.wrap(block, 0, 16_381));
        assertArrayEquals(concat(
                frame(PUSH_PROMISE, 0, 1, concat(int32(2), Arrays.copyOfRange(block, 0, 16_380))),
                frame(CONTINUATION, END_HEADERS, 1, Arrays.copyOfRange(block, 16_380, 16_381))), out.take(),
                "the promised stream id takes 4 bytes of the first frame");
    }

    @Test
    void nothingIsAllocatedPerFrame() {
        ByteBuffer data = ByteBuffer.wrap(Wire.bytes(100, 3));
        Http2FrameWriter.Sink discard = b -> b.position(b.limit());
        Http2FrameWriter w = new Http2FrameWriter(discard);
        long allocated = Long.MAX_VALUE;
        for (int round = 0; round < 5; round++) {
            long before = Allocations.thisThread();
            for (int i = 0; i < 1000; i++) {
                data.clear();
                w.data(1, data, false);
                w.windowUpdate(1, 100);
                w.ping(i);
            }
            allocated = Math.min(allocated, Allocations.thisThread() - before);
        }
        // One object per frame would be 48,000 bytes at least; what is left is the measurement's own.
        assertTrue(allocated < 3_000, "3,000 frames written with less than a byte allocated a frame: " + allocated);
    }

    @Test
    void argumentsOutOfRange() {
        assertThrows(IllegalArgumentException.class, () -> writer.maxFrameSize(16_383));
        assertThrows(IllegalArgumentException.class, () -> writer.maxFrameSize(1 << 24));
        assertThrows(IllegalArgumentException.class, () -> writer.data(0, ByteBuffer.allocate(1), false));
        assertThrows(IllegalArgumentException.class, () -> writer.windowUpdate(1, 0));
        assertThrows(IllegalArgumentException.class, () -> writer.priority(1, 0, 0, false));
        assertEquals(0, out.writes, "nothing written for a refused call");
    }
}
