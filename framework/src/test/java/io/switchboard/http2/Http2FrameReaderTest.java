package io.switchboard.http2;

import static io.switchboard.http2.Wire.ACK;
import static io.switchboard.http2.Wire.CONTINUATION;
import static io.switchboard.http2.Wire.DATA;
import static io.switchboard.http2.Wire.END_HEADERS;
import static io.switchboard.http2.Wire.END_STREAM;
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
import static io.switchboard.http2.Wire.int32;
import static io.switchboard.http2.Wire.int64;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Each frame type decodes the same however its bytes are cut: whole, in two or three pieces at every point, a byte
 * at a time (see {@link Feeds}). Every input starts with the connection preface, itself cut with the rest.
 */
class Http2FrameReaderTest {
    private static final Http2Config CONFIG = Http2Config.DEFAULTS;

    private static void server(byte[] frames, List<String> expected) {
        Feeds.check(Wire.fromClient(frames), true, CONFIG, r -> assertEquals(expected, r.afterPreface()));
    }

    private static void client(byte[] frames, List<String> expected) {
        Feeds.check(Wire.fromServer(frames), false, CONFIG, r -> assertEquals(expected, r.afterPreface()));
    }

    @Test
    void theConnectionPrefaceAndAnEmptySettings() {
        Feeds.check(Wire.fromClient(), true, CONFIG, r -> assertEquals(List.of("SETTINGS Http2Settings[]"), r.events));
    }

    @Test
    void data() {
        server(concat(
                frame(DATA, 0, 1, ascii("hello")),
                frame(DATA, END_STREAM, 3),                                           // empty, ends the stream
                frame(DATA, PADDED, 5, concat(new byte[] {3}, ascii("abc"), Wire.zeros(3))),
                frame(DATA, PADDED | END_STREAM, 7, new byte[] {0}),                // Pad Length 0, no data
                frame(DATA, PADDED, 9, concat(new byte[] {4}, Wire.zeros(4))),      // all padding, no data
                frame(DATA, 0, 0x8000_000B, ascii("r"))),                           // reserved bit set: ignored
                List.of("DATA 1 pad=0 end=false 'hello'",
                        "DATA 3 pad=0 end=true ''",
                        "DATA 5 pad=4 end=false 'abc'",
                        "DATA 7 pad=1 end=true ''",
                        "DATA 9 pad=5 end=false ''",
                        "DATA 11 pad=0 end=false 'r'"));
    }

    @Test
    void headersWithPaddingPriorityAndContinuations() {
        server(concat(
                frame(HEADERS, END_HEADERS | END_STREAM, 1, ascii("block")),
                frame(HEADERS, END_HEADERS | PADDED | PRIORITY_FLAG, 3,
                        concat(new byte[] {2}, int32(0x8000_0001L), new byte[] {15}, ascii("xy"), Wire.zeros(2))),
                frame(HEADERS, END_STREAM, 5, ascii("ab")),                     // END_STREAM, then two fragments
                frame(CONTINUATION, 0, 5),                                     // an empty one
                frame(CONTINUATION, END_HEADERS, 5, ascii("cd")),
                frame(HEADERS, END_HEADERS, 7)),                                // an empty block
                List.of("HEADERS 1 end=true eoh=true 'block'",
                        "HEADERS 3 end=false eoh=true 'xy'",
                        "HEADERS 5 end=true eoh=false 'ab'",
                        "CONTINUATION 5 eoh=false ''",
                        "CONTINUATION 5 eoh=true 'cd'",
                        "HEADERS 7 end=false eoh=true ''"));
    }

    @Test
    void priority() {
        server(concat(
                frame(PRIORITY, 0, 3, concat(int32(0x8000_0001L), new byte[] {(byte) 255})),
                frame(PRIORITY, 0, 5, concat(int32(0), new byte[] {0}))),
                List.of("PRIORITY 3 dep=1 weight=256 exclusive=true",
                        "PRIORITY 5 dep=0 weight=1 exclusive=false"));
    }

    @Test
    void rstStream() {
        server(concat(
                frame(RST_STREAM, 0, 1, int32(Http2Error.CANCEL.code())),
                frame(RST_STREAM, 0, 3, int32(0xFFFF_FFFFL))),                  // an unknown code is passed on
                List.of("RST_STREAM 1 code=8", "RST_STREAM 3 code=4294967295"));
    }

    @Test
    void settingsAndAck() {
        server(concat(
                frame(SETTINGS, 0, 0, concat(
                        Wire.setting(Http2Settings.HEADER_TABLE_SIZE, 0xFFFF_FFFFL),
                        Wire.setting(Http2Settings.ENABLE_PUSH, 0),
                        Wire.setting(0x8, 1),                                       // an unknown id: skipped
                        Wire.setting(Http2Settings.INITIAL_WINDOW_SIZE, 1),
                        Wire.setting(Http2Settings.INITIAL_WINDOW_SIZE, Integer.MAX_VALUE), // repeated: the last wins
                        Wire.setting(Http2Settings.MAX_FRAME_SIZE, (1 << 24) - 1),
                        Wire.setting(Http2Settings.MAX_CONCURRENT_STREAMS, 0),
                        Wire.setting(Http2Settings.MAX_HEADER_LIST_SIZE, 8192))),
                frame(SETTINGS, ACK, 0)),
                List.of("SETTINGS Http2Settings[SETTINGS_HEADER_TABLE_SIZE=4294967295, SETTINGS_ENABLE_PUSH=0, "
                                + "SETTINGS_MAX_CONCURRENT_STREAMS=0, SETTINGS_INITIAL_WINDOW_SIZE=2147483647, "
                                + "SETTINGS_MAX_FRAME_SIZE=16777215, SETTINGS_MAX_HEADER_LIST_SIZE=8192]",
                        "SETTINGS_ACK"));
    }

    @Test
    void pingAndItsAck() {
        server(concat(
                frame(PING, 0, 0, int64(0x0102_0304_0506_0708L)),
                frame(PING, ACK, 0, int64(-1L))),
                List.of("PING 102030405060708 ack=false", "PING ffffffffffffffff ack=true"));
    }

    @Test
    void goAway() {
        server(concat(
                frame(GOAWAY, 0, 0, concat(int32(0x8000_0007L), int32(Http2Error.ENHANCE_YOUR_CALM.code()), ascii("calm down"))),
                frame(GOAWAY, 0, 0, concat(int32(0), int32(0)))),
                List.of("GOAWAY last=7 code=11 'calm down'", "GOAWAY last=0 code=0 ''"));
    }

    @Test
    void windowUpdate() {
        server(concat(
                frame(WINDOW_UPDATE, 0, 0, int32(1)),
                frame(WINDOW_UPDATE, 0, 1, int32(0xFFFF_FFFFL))),                   // reserved bit: ignored
                List.of("WINDOW_UPDATE 0 +1", "WINDOW_UPDATE 1 +2147483647"));
    }

    @Test
    void pushPromiseAtAClient() {
        client(concat(
                frame(PUSH_PROMISE, END_HEADERS, 1, concat(int32(2), ascii("blk"))),
                frame(PUSH_PROMISE, PADDED, 1, concat(new byte[] {1}, int32(0x8000_0004L), ascii("a"), Wire.zeros(1))),
                frame(CONTINUATION, END_HEADERS, 1, ascii("b"))),
                List.of("PUSH_PROMISE 1 promised=2 eoh=true 'blk'",
                        "PUSH_PROMISE 1 promised=4 eoh=false 'a'",
                        "CONTINUATION 1 eoh=true 'b'"));
    }

    @Test
    void unknownFramesAreSkippedWithTheirPayload() {
        server(concat(
                frame(0x20, 0xFF, 1, ascii("ignored payload")),
                frame(0xFF, 0, 0),
                frame(DATA, 0xF6, 1, ascii("x"))),                              // unknown flags on DATA: ignored
                List.of("UNKNOWN type=32 flags=255 stream=1 length=15",
                        "UNKNOWN type=255 flags=0 stream=0 length=0",
                        "DATA 1 pad=0 end=false 'x'"));
    }

    @Test
    void aClientReadsTheServersSettingsFirst() {
        client(frame(DATA, 0, 2, ascii("d")), List.of("DATA 2 pad=0 end=false 'd'"));
    }

    @Test
    void aFrameOfTheLargestSizeInPiecesOfEverySize() {
        byte[] payload = Wire.bytes(Http2Settings.MIN_FRAME_SIZE, 3);
        byte[] input = Wire.fromClient(frame(DATA, END_STREAM, 1, payload), frame(PING, 0, 0, int64(9)));
        String expected = "DATA 1 pad=0 end=true '" + new String(payload, java.nio.charset.StandardCharsets.ISO_8859_1) + "'";
        for (int piece : new int[] {1, 2, 7, 9, 1000, 16_384, 16_393, input.length}) {
            Recorder r = new Recorder();
            Http2FrameReader reader = new Http2FrameReader(true, CONFIG, r);
            for (int at = 0; at < input.length; at += piece) {
                Feeds.piece(reader, input, at, Math.min(at + piece, input.length));
                assertTrue(reader.keptBytes() <= 9 + Http2Settings.MIN_FRAME_SIZE,
                        "at most one frame is kept (16,393 bytes), kept " + reader.keptBytes());
            }
            assertEquals(List.of(expected, "PING 9 ack=false"), r.afterPreface(), "pieces of " + piece);
            assertEquals(0, reader.keptBytes());
        }
    }

    @Test
    void pausedReadingKeepsTheRestUntilResumed() {
        byte[] input = Wire.fromClient(frame(PING, 0, 0, int64(1)), frame(PING, 0, 0, int64(2)), frame(PING, 0, 0, int64(3)));
        Recorder r = new Recorder() {
            @Override
            public void onPing(long payload, boolean ack) {
                super.onPing(payload, ack);
                reader.pause();
            }
        };
        reader = new Http2FrameReader(true, CONFIG, r);
        Feeds.piece(reader, input, 0, input.length);
        assertEquals(List.of("PING 1 ack=false"), r.afterPreface(), "reading stops after the frame that paused it");
        assertTrue(reader.isPaused());
        assertEquals(34, reader.keptBytes(), "the two PINGs after it (17 bytes each) are kept");
        reader.resume();
        assertEquals(List.of("PING 1 ack=false", "PING 2 ack=false"), r.afterPreface());
        reader.resume();
        reader.resume();
        assertEquals(List.of("PING 1 ack=false", "PING 2 ack=false", "PING 3 ack=false"), r.afterPreface());
        assertEquals(0, reader.keptBytes());
        assertFalse(reader.inFieldBlock());
    }

    @Test
    void releaseDropsAPartialFrameAndLaterInput() {
        byte[] input = Wire.fromClient(frame(DATA, 0, 1, Wire.bytes(1000, 1)));
        Recorder r = new Recorder();
        Http2FrameReader partial = new Http2FrameReader(true, CONFIG, r);
        Feeds.piece(partial, input, 0, input.length - 10);
        assertEquals(990, partial.keptBytes(), "the 990 bytes of DATA payload that arrived are kept");
        partial.release();
        assertEquals(0, partial.keptBytes(), "a closing connection keeps nothing");
        Feeds.piece(partial, input, input.length - 10, input.length);
        assertEquals(List.of("SETTINGS Http2Settings[]"), r.events, "nothing is read after release");
    }

    private Http2FrameReader reader;
}
