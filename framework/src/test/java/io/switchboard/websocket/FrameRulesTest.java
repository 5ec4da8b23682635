package io.switchboard.websocket;

import static io.switchboard.websocket.Wire.BINARY;
import static io.switchboard.websocket.Wire.CONT;
import static io.switchboard.websocket.Wire.FIN;
import static io.switchboard.websocket.Wire.KEY;
import static io.switchboard.websocket.Wire.PING;
import static io.switchboard.websocket.Wire.TEXT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.testing.EmbeddedConnection;
import io.switchboard.testing.Splits;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/**
 * Every frame rule of RFC 6455 section 5 that the server stage enforces: each violation, however the bytes are cut,
 * gets a close frame with its status, then the connection closes, and nothing is sent or delivered after it.
 */
class FrameRulesTest {
    private static final WebSocketConfig SMALL = WebSocketConfig.DEFAULTS.withLimits(1000, 1000);

    /** Feeds {@code input} at every split and checks that the stage failed the connection with {@code status}. */
    static void assertFails(int status, WebSocketConfig config, byte[] input) {
        Splits.check(input, () -> FrameCodecTest.server(new Recorder(), config), c -> assertFailed(status, c));
    }

    static void assertFailed(int status, EmbeddedConnection c) {
        List<Wire.Frame> frames = Wire.parse(c.takeWritten());
        assertFalse(frames.isEmpty(), "a close frame was sent");
        Wire.Frame last = frames.get(frames.size() - 1);
        assertEquals(status, last.closeStatus(), "the close frame's status");
        assertTrue(c.isClosed(), "the connection is closed after the close frame, without waiting for the peer");
        assertEquals(status, FrameCodecTest.recorder(c).closeStatus, "the handler is told the status sent");
        c.feed(Wire.masked(FIN | PING, Wire.utf8("late")));
        assertEquals(0, c.takeWritten().length, "nothing is sent after the close frame");
    }

    /**
     * Feeds {@code input} at every split and checks that the stage refused a message over the limit with the closing
     * handshake: a 1009 close frame, the handler told, and the connection open until the peer's close frame (so that
     * the peer reads the 1009 before the TCP close, rather than a reset that can overtake it). Then {@code rest}, the
     * bytes that end the peer's message, is dropped, and the peer's close frame ends the connection; with {@code rest}
     * null (a message that never ends), the close timeout does.
     */
    static void assertRefusedTooBig(WebSocketConfig config, byte[] input, byte[] rest) {
        Splits.check(input, () -> FrameCodecTest.server(new Recorder(), config), c -> {
            List<Wire.Frame> frames = Wire.parse(c.takeWritten());
            assertEquals(1, frames.size(), "one frame sent: the close");
            assertEquals(1009, frames.get(0).closeStatus(), "the close frame's status");
            assertEquals(1009, FrameCodecTest.recorder(c).closeStatus, "the handler is told the status sent");
            assertTrue(c.isOpen(), "the connection waits for the peer's close frame");
            if (rest == null) {
                c.advance(config.closeTimeout().plusMillis(1));
                assertTrue(c.isClosed(), "no close frame from the peer: closed at the close timeout");
                return;
            }
            c.feed(rest);
            c.feed(Wire.masked(FIN | PING, Wire.utf8("late")));
            assertEquals(0, c.takeWritten().length, "what follows is dropped, and nothing is sent after the close frame");
            assertTrue(c.isOpen());
            c.feed(Wire.masked(FIN | Wire.CLOSE, new byte[] {0x03, (byte) 0xF1})); // the peer's close, 1009
            assertTrue(c.isClosed(), "the peer's close frame ends the connection");
            assertEquals(0, c.takeWritten().length, "no second close frame");
        });
    }

    @Test
    void rsv1WithoutAnExtensionIsAProtocolError() {
        assertFails(1002, SMALL, Wire.masked(FIN | 0x40 | TEXT, Wire.utf8("a")));
    }

    @Test
    void rsv2AndRsv3AreProtocolErrors() {
        assertFails(1002, SMALL, Wire.masked(FIN | 0x20 | TEXT, Wire.utf8("a")));
        assertFails(1002, SMALL, Wire.masked(FIN | 0x10 | BINARY, Wire.utf8("a")));
    }

    @ParameterizedTest
    @ValueSource(ints = {3, 4, 5, 6, 7, 0xB, 0xC, 0xD, 0xE, 0xF})
    void reservedOpcodesAreProtocolErrors(int opcode) {
        assertFails(1002, SMALL, Wire.masked(FIN | opcode, Wire.utf8("x")));
    }

    @Test
    void controlFramesAreNeverFragmentedNorLongerThan125Bytes() {
        assertFails(1002, SMALL, Wire.masked(PING, Wire.utf8("x")));
        assertFails(1002, SMALL, Wire.frame(FIN | PING, true, KEY, new byte[126], 16));
        // 125 bytes is fine, and is answered.
        EmbeddedConnection c = FrameCodecTest.server(new Recorder(), SMALL);
        c.feed(Wire.masked(FIN | PING, new byte[125]));
        assertEquals(125, Wire.single(c.takeWritten()).payload().length);
    }

    @Test
    void aServerRefusesUnmaskedFrames() {
        assertFails(1002, SMALL, Wire.unmasked(FIN | TEXT, Wire.utf8("hi")));
    }

    @Test
    void aClientRefusesMaskedFrames() {
        Recorder r = new Recorder();
        EmbeddedConnection c = new EmbeddedConnection(p -> p.add(WebSocketStage.client(r, SMALL, null)));
        c.feed(Wire.unmasked(FIN | TEXT, Wire.utf8("fine")));
        assertEquals(List.of("open", "text:fine"), r.events, "a client takes unmasked frames");
        c.feed(Wire.masked(FIN | TEXT, Wire.utf8("masked")));
        Wire.Frame close = Wire.single(c.takeWritten());
        assertEquals(1002, close.closeStatus());
        assertTrue(close.masked(), "a client masks its close frame too");
        assertTrue(c.isClosed());
    }

    @Test
    void a64BitLengthWithItsTopBitSetIsAProtocolError() {
        byte[] header = {(byte) (FIN | BINARY), (byte) (0x80 | 127), (byte) 0x80, 0, 0, 0, 0, 0, 0, 1, 1, 2, 3, 4};
        assertFails(1002, SMALL, header);
    }

    @Test
    void aContinuationWithoutAMessageIsAProtocolError() {
        assertFails(1002, SMALL, Wire.masked(FIN | CONT, Wire.utf8("x")));
    }

    @Test
    void aNewMessageInsideAFragmentedOneIsAProtocolError() {
        assertFails(1002, SMALL, Wire.concat(Wire.masked(TEXT, Wire.utf8("a")), Wire.masked(FIN | BINARY, Wire.utf8("b"))));
        assertFails(1002, SMALL, Wire.concat(Wire.masked(TEXT, Wire.utf8("a")), Wire.masked(FIN | TEXT, Wire.utf8("b"))));
    }

    @Test
    void aFrameOverTheLimitIsRefusedAtItsHeaderWith1009() {
        // Only the header is sent: the stage refuses before any of the payload arrives.
        byte[] frame = Wire.masked(FIN | BINARY, new byte[1001]);
        byte[] header = java.util.Arrays.copyOf(frame, 8);
        assertRefusedTooBig(SMALL, header, java.util.Arrays.copyOfRange(frame, 8, frame.length));
        byte[] huge = {(byte) (FIN | BINARY), (byte) (0x80 | 127), 0, 0, 0x10, 0, 0, 0, 0, 0, 1, 2, 3, 4};
        assertRefusedTooBig(WebSocketConfig.DEFAULTS, huge, null);
    }

    @Test
    void endlessContinuationFramesStopAtTheMessageLimit() {
        // CVE-2014-0193: each frame is under the frame limit, the message is not under the message limit.
        WebSocketConfig config = WebSocketConfig.DEFAULTS.withLimits(1000, 2000);
        byte[] part = new byte[900];
        assertRefusedTooBig(config, Wire.concat(Wire.masked(BINARY, part), Wire.masked(CONT, part), Wire.masked(CONT, part)),
                Wire.masked(FIN | CONT, part));
        EmbeddedConnection c = FrameCodecTest.server(new Recorder(), config);
        c.feed(Wire.concat(Wire.masked(TEXT, part), Wire.masked(CONT, part)));
        assertEquals(0, c.takeWritten().length, "1,800 of 2,000 bytes: still fine");
        c.feed(java.util.Arrays.copyOf(Wire.masked(FIN | CONT, new byte[201]), 8)); // its header only
        assertEquals(1009, Wire.single(c.takeWritten()).closeStatus(), "the frame that would pass 2,000 bytes is refused");
    }

    @Test
    void aMessageOfExactlyTheLimitIsFine() {
        WebSocketConfig config = WebSocketConfig.DEFAULTS.withLimits(1000, 2000);
        Recorder r = new Recorder();
        EmbeddedConnection c = FrameCodecTest.server(r, config);
        c.feed(Wire.concat(Wire.masked(BINARY, new byte[1000]), Wire.masked(FIN | CONT, new byte[1000])));
        assertEquals(List.of("open", "binary:2000"), r.events);
        assertTrue(c.isOpen());
    }
}
