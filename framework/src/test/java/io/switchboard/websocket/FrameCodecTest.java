package io.switchboard.websocket;

import static io.switchboard.websocket.Wire.BINARY;
import static io.switchboard.websocket.Wire.CONT;
import static io.switchboard.websocket.Wire.FIN;
import static io.switchboard.websocket.Wire.KEY;
import static io.switchboard.websocket.Wire.PING;
import static io.switchboard.websocket.Wire.PONG;
import static io.switchboard.websocket.Wire.TEXT;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.pipeline.AttributeKey;
import io.switchboard.testing.EmbeddedConnection;
import io.switchboard.testing.Splits;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The server stage reads a client's frames the same however the bytes are cut, and frames what it sends. */
class FrameCodecTest {
    static final AttributeKey<Recorder> RECORDER = AttributeKey.of("recorder");

    static EmbeddedConnection server(Recorder handler) {
        return server(handler, WebSocketConfig.DEFAULTS);
    }

    static EmbeddedConnection server(Recorder handler, WebSocketConfig config) {
        EmbeddedConnection c = new EmbeddedConnection(p -> p.add(WebSocketStage.server(handler, config, null)));
        c.connection().attr(RECORDER, handler);
        return c;
    }

    private static byte[] bytes(int n, int seed) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = (byte) (i * 31 + seed);
        }
        return b;
    }

    @Test
    void readsEveryKindOfFrameAtEverySplit() {
        byte[] medium = bytes(300, 1);
        byte[] viaLongLength = bytes(20, 2);
        // "héllo wörld €𝄞": two-, three- and four-byte characters; the 𝄞 is cut between two fragments.
        byte[] text = Wire.utf8("héllo wörld €𝄞");
        int cut = text.length - 2;
        byte[] input = Wire.concat(
                Wire.maskedText("hi"),
                Wire.masked(FIN | BINARY, medium),                                   // 16-bit length
                Wire.frame(FIN | BINARY, true, KEY, viaLongLength, 64),              // 64-bit length, longer than needed
                Wire.masked(TEXT, java.util.Arrays.copyOfRange(text, 0, 5)),         // a fragmented text message,
                Wire.masked(FIN | PING, Wire.utf8("p1")),                            // a ping between its fragments,
                Wire.masked(CONT, java.util.Arrays.copyOfRange(text, 5, cut)),
                Wire.masked(FIN | CONT, java.util.Arrays.copyOfRange(text, cut, text.length)),
                Wire.masked(FIN | TEXT, new byte[0]),                                // an empty message
                Wire.masked(FIN | PONG, Wire.utf8("unsolicited")),
                Wire.masked(BINARY, new byte[0]),                                    // empty fragments around data
                Wire.masked(CONT, bytes(3, 9)),
                Wire.masked(FIN | CONT, new byte[0]));
        Splits.check(input, () -> server(new Recorder()), c -> {
            Recorder r = recorder(c);
            assertEquals(List.of("open", "text:hi", "binary:300", "binary:20", "ping:p1", "text:héllo wörld €𝄞", "text:",
                    "pong:unsolicited", "binary:3"), r.events);
            assertArrayEquals(medium, r.binaries.get(0));
            assertArrayEquals(viaLongLength, r.binaries.get(1));
            assertArrayEquals(bytes(3, 9), r.binaries.get(2));
            Wire.Frame pong = Wire.single(c.takeWritten());
            assertEquals(PONG, pong.opcode(), "the ping is answered with a pong");
            assertEquals("p1", pong.text(), "with the ping's payload");
            assertTrue(pong.fin() && !pong.masked(), "a server's pong is final and unmasked");
            assertTrue(c.isOpen());
        });
    }

    @Test
    void readsAMessageLargerThanAReadAByteAtATimeAndInPieces() {
        byte[] big = bytes(70_000, 3); // a 64-bit length, more than one 64 KiB read
        byte[] frame = Wire.masked(FIN | BINARY, big);
        for (int piece : new int[] {1, 7, 1000, 65_536}) {
            Recorder r = new Recorder();
            EmbeddedConnection c = server(r, WebSocketConfig.DEFAULTS.withMaxMessageSize(100_000));
            for (int at = 0; at < frame.length; at += piece) {
                c.feed(java.util.Arrays.copyOfRange(frame, at, Math.min(at + piece, frame.length)));
            }
            assertEquals(List.of("open", "binary:70000"), r.events, "fed in pieces of " + piece);
            assertArrayEquals(big, r.binaries.get(0));
        }
    }

    @Test
    void framesWhatItSendsWithTheShortestLength() {
        Recorder r = new Recorder();
        EmbeddedConnection c = server(r);
        r.ws.sendText("hello");
        r.ws.sendBinary(bytes(125, 0));
        r.ws.sendBinary(bytes(126, 0));
        r.ws.sendBinary(java.nio.ByteBuffer.wrap(bytes(65_535, 0)));
        r.ws.sendBinary(bytes(65_536, 0));
        r.ws.sendPing(Wire.utf8("ping"));
        c.runPending();
        byte[] out = c.takeWritten();
        List<Wire.Frame> frames = Wire.parse(out);
        assertEquals(6, frames.size());
        assertEquals("hello", frames.get(0).text());
        assertEquals(TEXT, frames.get(0).opcode());
        for (int i = 1; i <= 4; i++) {
            assertEquals(BINARY, frames.get(i).opcode());
            assertTrue(frames.get(i).fin() && !frames.get(i).masked() && frames.get(i).rsv() == 0);
        }
        assertArrayEquals(bytes(65_536, 0), frames.get(4).payload());
        assertEquals(PING, frames.get(5).opcode());
        // Header sizes: 2 bytes up to 125, 4 up to 65,535, 10 beyond.
        int expected = (2 + 5) + (2 + 125) + (4 + 126) + (4 + 65_535) + (10 + 65_536) + (2 + 4);
        assertEquals(expected, out.length, "each length in its shortest encoding");
    }

    @Test
    void aMessageThatFitsOneReadIsNotCopiedIntoAnArrayOfItsOwn() {
        Recorder r = new Recorder();
        EmbeddedConnection c = server(r);
        WebSocketStage stage = c.pipeline().get(WebSocketStage.class);
        c.feed(Wire.masked(FIN | BINARY, bytes(60_000, 5)));
        assertEquals(List.of("open", "binary:60000"), r.events);
        assertEquals(0, stage.messageBytesCounted(), "the loop's scratch held it: nothing counted against the budget");
    }

    static Recorder recorder(EmbeddedConnection c) {
        return c.connection().attr(RECORDER);
    }
}
