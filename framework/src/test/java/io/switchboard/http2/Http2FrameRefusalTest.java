package io.switchboard.http2;

import static io.switchboard.http2.Wire.ACK;
import static io.switchboard.http2.Wire.CONTINUATION;
import static io.switchboard.http2.Wire.DATA;
import static io.switchboard.http2.Wire.END_HEADERS;
import static io.switchboard.http2.Wire.GOAWAY;
import static io.switchboard.http2.Wire.HEADERS;
import static io.switchboard.http2.Wire.PADDED;
import static io.switchboard.http2.Wire.PING;
import static io.switchboard.http2.Wire.PRIORITY;
import static io.switchboard.http2.Wire.PRIORITY_FLAG;
import static io.switchboard.http2.Wire.PUSH_PROMISE;
import static io.switchboard.http2.Wire.RST_STREAM;
import static io.switchboard.http2.Wire.SETTINGS;
import static io.switchboard.http2.Wire.WINDOW_UPDATE;
import static io.switchboard.http2.Wire.ascii;
import static io.switchboard.http2.Wire.concat;
import static io.switchboard.http2.Wire.frame;
import static io.switchboard.http2.Wire.header;
import static io.switchboard.http2.Wire.int32;
import static io.switchboard.http2.Wire.int64;
import static io.switchboard.http2.Wire.zeros;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Every rule of the frame layer refused with its exact code, as a connection error (GOAWAY) or a stream error
 * (RST_STREAM, reading goes on), the same however the bytes are cut; the field-block limits that stop the
 * CONTINUATION flood; and no memory taken on a length the peer only declares.
 */
@Tag("hardening")
class Http2FrameRefusalTest {
    private static final Http2Config CONFIG = Http2Config.DEFAULTS;
    private static final byte[] NEXT_PING = frame(PING, 0, 0, int64(42));

    /**
     * Asserts that a server (or client) reading {@code input} fails the connection with {@code expected}, whole, cut
     * in two at every point and a byte at a time; and that it then discards what follows and keeps nothing.
     */
    private static Http2Exception connectionError(Http2Error expected, boolean server, Http2Config config, byte[] input) {
        Http2Exception first = failOnce(expected, server, config, input, new int[0]);
        if (input.length <= 400) {
            for (int at = 1; at < input.length; at++) {
                failOnce(expected, server, config, input, new int[] {at});
            }
        }
        int[] every = new int[input.length - 1];
        java.util.Arrays.setAll(every, i -> i + 1);
        failOnce(expected, server, config, input, every);
        return first;
    }

    private static Http2Exception failOnce(Http2Error expected, boolean server, Http2Config config, byte[] input, int[] cuts) {
        Recorder r = new Recorder();
        Http2FrameReader reader = new Http2FrameReader(server, config, r);
        Http2Exception e = assertThrows(Http2Exception.class, () -> {
            int from = 0;
            for (int i = 0; i <= cuts.length; i++) {
                int to = i < cuts.length ? cuts[i] : input.length;
                Feeds.piece(reader, input, from, to);
                from = to;
            }
        }, "cut at " + java.util.Arrays.toString(cuts));
        assertTrue(e.isConnectionError(), "a connection error: " + e);
        assertEquals(expected, e.error(), e.toString());
        assertEquals(0, reader.keptBytes(), "nothing is kept after a connection error");
        int events = r.events.size();
        Feeds.piece(reader, NEXT_PING, 0, NEXT_PING.length);
        assertEquals(events, r.events.size(), "input after a connection error is discarded");
        return e;
    }

    private static Http2Exception serverRefuses(Http2Error expected, byte[]... frames) {
        return connectionError(expected, true, CONFIG, Wire.fromClient(frames));
    }

    /** Asserts that the 9-byte header alone, after the preface, fails the connection: no payload is waited for. */
    private static void refusedOnTheHeader(Http2Error expected, Http2Config config, byte[] before, byte[] header) {
        Recorder r = new Recorder();
        Http2FrameReader reader = new Http2FrameReader(true, config, r);
        Feeds.piece(reader, Wire.fromClient(before), 0, Wire.fromClient(before).length);
        Http2Exception e = assertThrows(Http2Exception.class, () -> Feeds.piece(reader, header, 0, header.length));
        assertTrue(e.isConnectionError());
        assertEquals(expected, e.error(), e.toString());
    }

    /** Reads {@code frames} then a PING, whole and at every cut, expecting one stream error and the PING read. */
    private static void streamError(int streamId, Http2Error expected, boolean server, byte[]... frames) {
        byte[] input = server ? Wire.fromClient(concat(frames), NEXT_PING) : Wire.fromServer(concat(frames), NEXT_PING);
        Feeds.check(input, server, CONFIG, r -> {
            assertEquals(1, r.streamErrors.size(), r.events.toString());
            Http2Exception e = r.streamErrors.get(0);
            assertTrue(!e.isConnectionError(), "a stream error: " + e);
            assertEquals(streamId, e.streamId());
            assertEquals(expected, e.error());
            assertEquals("PING 2a ack=false", r.events.get(r.events.size() - 1), "reading goes on after a stream error");
        });
    }

    // The connection preface (RFC 9113 section 3.4).

    @Test
    void anHttp1RequestIsNotThePrefaceAndFailsAtItsFirstByte() {
        connectionError(Http2Error.PROTOCOL_ERROR, true, CONFIG, ascii("GET / HTTP/1.1\r\nHost: a\r\n\r\n"));
        Http2FrameReader reader = new Http2FrameReader(true, CONFIG, new Recorder());
        assertThrows(Http2Exception.class, () -> Feeds.piece(reader, ascii("G"), 0, 1), "one wrong byte is enough");
    }

    @Test
    void aPrefaceWrongInItsLastByte() {
        byte[] almost = Wire.PREFACE.clone();
        almost[23] = 'x';
        connectionError(Http2Error.PROTOCOL_ERROR, true, CONFIG, concat(almost, Wire.EMPTY_SETTINGS));
    }

    @Test
    void theFirstFrameMustBeSettingsWithoutAck() {
        connectionError(Http2Error.PROTOCOL_ERROR, true, CONFIG, concat(Wire.PREFACE, NEXT_PING));
        connectionError(Http2Error.PROTOCOL_ERROR, true, CONFIG, concat(Wire.PREFACE, frame(SETTINGS, ACK, 0)));
        connectionError(Http2Error.PROTOCOL_ERROR, false, CONFIG, frame(DATA, 0, 1, ascii("x")));
    }

    // Frame sizes (sections 4.2 and 6).

    @Test
    void aFrameOverSettingsMaxFrameSizeFailsOnItsHeader() {
        refusedOnTheHeader(Http2Error.FRAME_SIZE_ERROR, CONFIG, new byte[0], header(16_385, DATA, 0, 1));
        refusedOnTheHeader(Http2Error.FRAME_SIZE_ERROR, CONFIG, new byte[0], header(0xFF_FFFF, 0x42, 0, 1));
        serverRefuses(Http2Error.FRAME_SIZE_ERROR, frame(DATA, 0, 1, zeros(16_385)));
        // The limit is the one this side advertises.
        Http2Config larger = CONFIG.withSettings(CONFIG.settings().with(Http2Settings.MAX_FRAME_SIZE, 20_000));
        Feeds.Fed fed = Feeds.feed(Wire.fromClient(frame(DATA, 0, 1, zeros(20_000))), true, larger);
        assertEquals(1, fed.recorder().afterPreface().size(), "a frame of 20,000 bytes passes a limit of 20,000");
        refusedOnTheHeader(Http2Error.FRAME_SIZE_ERROR, larger, new byte[0], header(20_001, DATA, 0, 1));
    }

    @Test
    void pingOtherThan8Bytes() {
        serverRefuses(Http2Error.FRAME_SIZE_ERROR, frame(PING, 0, 0, zeros(7)));
        serverRefuses(Http2Error.FRAME_SIZE_ERROR, frame(PING, ACK, 0, zeros(9)));
        refusedOnTheHeader(Http2Error.FRAME_SIZE_ERROR, CONFIG, new byte[0], header(16_000, PING, 0, 0));
    }

    @Test
    void priorityOtherThan5BytesIsAStreamError() {
        streamError(3, Http2Error.FRAME_SIZE_ERROR, true, frame(PRIORITY, 0, 3, zeros(4)));
        streamError(3, Http2Error.FRAME_SIZE_ERROR, true, frame(PRIORITY, 0, 3, zeros(6)));
    }

    @Test
    void rstStreamOtherThan4Bytes() {
        serverRefuses(Http2Error.FRAME_SIZE_ERROR, frame(RST_STREAM, 0, 1, zeros(3)));
        serverRefuses(Http2Error.FRAME_SIZE_ERROR, frame(RST_STREAM, 0, 1, zeros(5)));
    }

    @Test
    void windowUpdateOtherThan4Bytes() {
        serverRefuses(Http2Error.FRAME_SIZE_ERROR, frame(WINDOW_UPDATE, 0, 1, zeros(3)));
        serverRefuses(Http2Error.FRAME_SIZE_ERROR, frame(WINDOW_UPDATE, 0, 0, concat(int32(1), zeros(1))));
    }

    @Test
    void settingsNotAMultipleOf6() {
        serverRefuses(Http2Error.FRAME_SIZE_ERROR, frame(SETTINGS, 0, 0, zeros(5)));
        serverRefuses(Http2Error.FRAME_SIZE_ERROR, frame(SETTINGS, 0, 0, zeros(13)));
    }

    @Test
    void settingsAckWithAPayload() {
        serverRefuses(Http2Error.FRAME_SIZE_ERROR, frame(SETTINGS, ACK, 0, Wire.setting(Http2Settings.ENABLE_PUSH, 0)));
    }

    @Test
    void framesTooShortForTheirFields() {
        serverRefuses(Http2Error.FRAME_SIZE_ERROR, frame(GOAWAY, 0, 0, zeros(7)));
        serverRefuses(Http2Error.FRAME_SIZE_ERROR, frame(DATA, PADDED, 1));
        serverRefuses(Http2Error.FRAME_SIZE_ERROR, frame(HEADERS, END_HEADERS | PRIORITY_FLAG, 1, zeros(4)));
        serverRefuses(Http2Error.FRAME_SIZE_ERROR, frame(HEADERS, END_HEADERS | PRIORITY_FLAG | PADDED, 1, zeros(5)));
        connectionError(Http2Error.FRAME_SIZE_ERROR, false, CONFIG, Wire.fromServer(frame(PUSH_PROMISE, END_HEADERS, 1, zeros(3))));
    }

    // Stream ids (section 6).

    @Test
    void stream0WhereAStreamIsNeeded() {
        serverRefuses(Http2Error.PROTOCOL_ERROR, frame(DATA, 0, 0, ascii("x")));
        serverRefuses(Http2Error.PROTOCOL_ERROR, frame(HEADERS, END_HEADERS, 0, ascii("x")));
        serverRefuses(Http2Error.PROTOCOL_ERROR, frame(PRIORITY, 0, 0, zeros(5)));
        serverRefuses(Http2Error.PROTOCOL_ERROR, frame(RST_STREAM, 0, 0, zeros(4)));
        serverRefuses(Http2Error.PROTOCOL_ERROR, frame(HEADERS, 0, 1, ascii("x")), frame(CONTINUATION, END_HEADERS, 0));
        // The reserved bit does not make an id: 0x80000000 is stream 0.
        serverRefuses(Http2Error.PROTOCOL_ERROR, frame(DATA, 0, 0x8000_0000, ascii("x")));
        connectionError(Http2Error.PROTOCOL_ERROR, false, CONFIG, Wire.fromServer(frame(PUSH_PROMISE, END_HEADERS, 0, int32(2))));
    }

    @Test
    void aStreamWhereStream0IsNeeded() {
        serverRefuses(Http2Error.PROTOCOL_ERROR, frame(SETTINGS, 0, 1));
        serverRefuses(Http2Error.PROTOCOL_ERROR, frame(PING, 0, 1, zeros(8)));
        serverRefuses(Http2Error.PROTOCOL_ERROR, frame(GOAWAY, 0, 1, zeros(8)));
    }

    // Padding (sections 6.1, 6.2, 6.6).

    @Test
    void paddingAsLongAsWhatRemains() {
        serverRefuses(Http2Error.PROTOCOL_ERROR, frame(DATA, PADDED, 1, concat(new byte[] {3}, zeros(2))));
        serverRefuses(Http2Error.PROTOCOL_ERROR, frame(DATA, PADDED, 1, new byte[] {(byte) 255}));
        // After the priority fields, one byte is left, and the padding claims 2 (Kestrel's bug, aspnetcore#65729).
        serverRefuses(Http2Error.PROTOCOL_ERROR,
                frame(HEADERS, END_HEADERS | PADDED | PRIORITY_FLAG, 1, concat(new byte[] {2}, int32(0), new byte[] {0}, zeros(1))));
        serverRefuses(Http2Error.PROTOCOL_ERROR, frame(HEADERS, END_HEADERS | PADDED, 1, new byte[] {1}));
        connectionError(Http2Error.PROTOCOL_ERROR, false, CONFIG,
                Wire.fromServer(frame(PUSH_PROMISE, END_HEADERS | PADDED, 1, concat(new byte[] {2}, int32(2), zeros(1)))));
    }

    // SETTINGS values (section 6.5.2).

    @Test
    void enablePushOtherThan0Or1() {
        serverRefuses(Http2Error.PROTOCOL_ERROR, frame(SETTINGS, 0, 0, Wire.setting(Http2Settings.ENABLE_PUSH, 2)));
    }

    @Test
    void enablePush1FromAServer() {
        connectionError(Http2Error.PROTOCOL_ERROR, false, CONFIG,
                concat(frame(SETTINGS, 0, 0, Wire.setting(Http2Settings.ENABLE_PUSH, 1))));
        Feeds.check(Wire.fromClient(frame(SETTINGS, 0, 0, Wire.setting(Http2Settings.ENABLE_PUSH, 1))), true, CONFIG,
                r -> assertTrue(r.settings.get(1).enablePush(), "a client may send 1"));
    }

    @Test
    void initialWindowSizeOver2To31Minus1IsAFlowControlError() {
        serverRefuses(Http2Error.FLOW_CONTROL_ERROR, frame(SETTINGS, 0, 0, Wire.setting(Http2Settings.INITIAL_WINDOW_SIZE, 1L << 31)));
        serverRefuses(Http2Error.FLOW_CONTROL_ERROR, frame(SETTINGS, 0, 0, Wire.setting(Http2Settings.INITIAL_WINDOW_SIZE, 0xFFFF_FFFFL)));
    }

    @Test
    void maxFrameSizeOutside16384To16777215() {
        serverRefuses(Http2Error.PROTOCOL_ERROR, frame(SETTINGS, 0, 0, Wire.setting(Http2Settings.MAX_FRAME_SIZE, 16_383)));
        serverRefuses(Http2Error.PROTOCOL_ERROR, frame(SETTINGS, 0, 0, Wire.setting(Http2Settings.MAX_FRAME_SIZE, 1 << 24)));
        serverRefuses(Http2Error.PROTOCOL_ERROR, frame(SETTINGS, 0, 0, Wire.setting(Http2Settings.MAX_FRAME_SIZE, 0)));
    }

    // WINDOW_UPDATE (section 6.9).

    @Test
    void windowUpdateOf0OnAStreamIsAStreamError() {
        streamError(5, Http2Error.PROTOCOL_ERROR, true, frame(WINDOW_UPDATE, 0, 5, int32(0)));
        // Only the reserved bit set is an increment of 0 too.
        streamError(5, Http2Error.PROTOCOL_ERROR, true, frame(WINDOW_UPDATE, 0, 5, int32(0x8000_0000L)));
    }

    @Test
    void windowUpdateOf0OnTheConnectionIsAConnectionError() {
        serverRefuses(Http2Error.PROTOCOL_ERROR, frame(WINDOW_UPDATE, 0, 0, int32(0)));
    }

    // Priorities (section 5.3.1).

    @Test
    void aStreamThatDependsOnItself() {
        streamError(3, Http2Error.PROTOCOL_ERROR, true, frame(PRIORITY, 0, 3, concat(int32(3), new byte[] {16})));
        // HEADERS: the stream error first, then the block all the same, for HPACK to stay in step.
        Feeds.check(Wire.fromClient(frame(HEADERS, END_HEADERS | PRIORITY_FLAG, 3, concat(int32(0x8000_0003L), new byte[] {16}, ascii("hb")))),
                true, CONFIG, r -> assertEquals(List.of("STREAM_ERROR 3 PROTOCOL_ERROR", "HEADERS 3 end=false eoh=true 'hb'"),
                        r.afterPreface()));
    }

    // PUSH_PROMISE (section 8.4).

    @Test
    void pushPromiseSentToAServer() {
        serverRefuses(Http2Error.PROTOCOL_ERROR, frame(PUSH_PROMISE, END_HEADERS, 1, int32(2)));
    }

    // Field blocks (section 6.10).

    @Test
    void continuationWithNoFieldBlockOpen() {
        serverRefuses(Http2Error.PROTOCOL_ERROR, frame(CONTINUATION, END_HEADERS, 1, ascii("x")));
        serverRefuses(Http2Error.PROTOCOL_ERROR, frame(HEADERS, END_HEADERS, 1, ascii("x")), frame(CONTINUATION, END_HEADERS, 1));
    }

    @Test
    void anyOtherFrameInsideAFieldBlock() {
        byte[] open = frame(HEADERS, 0, 1, ascii("x"));
        serverRefuses(Http2Error.PROTOCOL_ERROR, open, frame(DATA, 0, 1, ascii("d")));
        serverRefuses(Http2Error.PROTOCOL_ERROR, open, frame(HEADERS, END_HEADERS, 3, ascii("h")));
        serverRefuses(Http2Error.PROTOCOL_ERROR, open, frame(CONTINUATION, END_HEADERS, 3, ascii("c")));
        serverRefuses(Http2Error.PROTOCOL_ERROR, open, frame(PRIORITY, 0, 1, zeros(5)));
        serverRefuses(Http2Error.PROTOCOL_ERROR, open, NEXT_PING);
        serverRefuses(Http2Error.PROTOCOL_ERROR, open, frame(0x20, 0, 1));
        serverRefuses(Http2Error.PROTOCOL_ERROR, open, frame(CONTINUATION, 0, 1), frame(SETTINGS, ACK, 0));
    }

    @Test
    void theContinuationFloodIsCutAtTheNinthFrame() {
        // HEADERS without END_HEADERS and 8 empty CONTINUATIONs: allowed (maxContinuationFrames 8, as nghttp2).
        byte[][] eight = new byte[9][];
        eight[0] = frame(HEADERS, 0, 1, ascii("h"));
        for (int i = 1; i <= 8; i++) {
            eight[i] = frame(CONTINUATION, 0, 1);
        }
        Feeds.Fed fed = Feeds.feed(Wire.fromClient(eight), true, CONFIG);
        assertEquals(9, fed.recorder().afterPreface().size(), "HEADERS and 8 CONTINUATIONs pass");
        // The ninth fails on its header, END_HEADERS or not, before any of it is handed on.
        refusedOnTheHeader(Http2Error.ENHANCE_YOUR_CALM, CONFIG, concat(eight), header(0, CONTINUATION, 0, 1));
        refusedOnTheHeader(Http2Error.ENHANCE_YOUR_CALM, CONFIG, concat(eight), header(1, CONTINUATION, END_HEADERS, 1));
        serverRefuses(Http2Error.ENHANCE_YOUR_CALM, concat(concat(eight), frame(CONTINUATION, END_HEADERS, 1, ascii("x"))));
        // A limit of 0 refuses any CONTINUATION.
        connectionError(Http2Error.ENHANCE_YOUR_CALM, true, CONFIG.withHeaderBlockLimits(1000, 0),
                Wire.fromClient(eight[0], frame(CONTINUATION, END_HEADERS, 1)));
    }

    @Test
    void aFieldBlockOverItsByteLimitFailsOnTheHeaderThatTakesItOver() {
        Http2Config small = CONFIG.withHeaderBlockLimits(100, 8);
        byte[] hundred = concat(frame(HEADERS, 0, 1, zeros(60)), frame(CONTINUATION, 0, 1, zeros(40)));
        Feeds.Fed fed = Feeds.feed(Wire.fromClient(hundred, frame(CONTINUATION, END_HEADERS, 1)), true, small);
        assertEquals(3, fed.recorder().afterPreface().size(), "a block of exactly 100 bytes passes");
        refusedOnTheHeader(Http2Error.ENHANCE_YOUR_CALM, small, hundred, header(1, CONTINUATION, END_HEADERS, 1));
        // One HEADERS frame over the limit, with END_HEADERS, on its header alone.
        refusedOnTheHeader(Http2Error.ENHANCE_YOUR_CALM, small, new byte[0], header(101, HEADERS, END_HEADERS, 1));
        connectionError(Http2Error.ENHANCE_YOUR_CALM, true, small, Wire.fromClient(frame(HEADERS, END_HEADERS, 1, zeros(101))));
        // The default: 32 KiB, over two full frames and one more byte.
        byte[] twoFull = concat(frame(HEADERS, 0, 1, zeros(16_384)), frame(CONTINUATION, 0, 1, zeros(16_384)));
        refusedOnTheHeader(Http2Error.ENHANCE_YOUR_CALM, CONFIG, twoFull, header(1, CONTINUATION, END_HEADERS, 1));
    }

    // Memory.

    @Test
    void aDeclaredLengthTakesNoMemoryUntilItsBytesArrive() {
        Http2Config largest = CONFIG.withSettings(CONFIG.settings().with(Http2Settings.MAX_FRAME_SIZE, Http2Settings.MAX_FRAME_SIZE_LIMIT));
        byte[] start = Wire.fromClient(header(Http2Settings.MAX_FRAME_SIZE_LIMIT, DATA, 0, 1));
        byte[] some = zeros(100);
        long allocated = Long.MAX_VALUE;
        for (int round = 0; round < 3; round++) { // the first rounds load classes
            Http2FrameReader reader = new Http2FrameReader(true, largest, new Recorder());
            long before = Allocations.thisThread();
            Feeds.piece(reader, start, 0, start.length);
            Feeds.piece(reader, some, 0, some.length);
            allocated = Math.min(allocated, Allocations.thisThread() - before);
            assertEquals(100, reader.keptBytes(), "the 100 bytes that arrived are kept, nothing more");
        }
        // A reader that allocated the declared 16 MiB would fail this by a factor of 256.
        assertTrue(allocated < 64 * 1024, "a frame declaring 16,777,215 bytes with 100 arrived took " + allocated + " bytes");
    }

    @Test
    void aStreamErrorLeavesTheReaderReadingAndAConnectionErrorDiscards() {
        Recorder r = new Recorder();
        Http2FrameReader reader = new Http2FrameReader(true, CONFIG, r);
        byte[] input = Wire.fromClient(frame(WINDOW_UPDATE, 0, 1, int32(0)), frame(WINDOW_UPDATE, 0, 0, int32(0)), NEXT_PING);
        assertThrows(Http2Exception.class, () -> Feeds.piece(reader, input, 0, input.length));
        assertEquals(List.of("STREAM_ERROR 1 PROTOCOL_ERROR"), r.afterPreface(), "the PING after the connection error is not read");
        reader.resume();
        Feeds.piece(reader, NEXT_PING, 0, NEXT_PING.length);
        assertEquals(1, r.afterPreface().size());
        assertEquals(0, reader.keptBytes());
    }
}
