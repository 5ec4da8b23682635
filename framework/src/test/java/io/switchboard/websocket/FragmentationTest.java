package io.switchboard.websocket;

import static io.switchboard.websocket.Wire.BINARY;
import static io.switchboard.websocket.Wire.CONT;
import static io.switchboard.websocket.Wire.PING;
import static io.switchboard.websocket.Wire.TEXT;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.testing.EmbeddedConnection;
import java.nio.ByteBuffer;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Messages sent in fragments by the application: framing, interleaved control frames, and what is refused. */
class FragmentationTest {

    @Test
    void aTextMessageInFragmentsWithAPingBetween() {
        Recorder r = new Recorder();
        EmbeddedConnection c = FrameCodecTest.server(r);
        r.ws.sendText("one ", false);
        r.ws.sendPing(Wire.utf8("p"));
        r.ws.sendText("two ", false);
        r.ws.sendText("three", true);
        c.runPending();
        List<Wire.Frame> frames = Wire.parse(c.takeWritten());
        assertEquals(List.of(TEXT, PING, CONT, CONT), frames.stream().map(Wire.Frame::opcode).toList());
        assertEquals(List.of(false, true, false, true), frames.stream().map(Wire.Frame::fin).toList());
        assertEquals("one two three", frames.get(0).text() + frames.get(2).text() + frames.get(3).text());
    }

    @Test
    void aSurrogatePairMaySpanTwoFragments() {
        Recorder r = new Recorder();
        EmbeddedConnection c = FrameCodecTest.server(r);
        String clef = "𝄞";
        r.ws.sendText("a" + clef.charAt(0), false);
        r.ws.sendText(clef.charAt(1) + "b", true);
        c.runPending();
        List<Wire.Frame> frames = Wire.parse(c.takeWritten());
        byte[] joined = Wire.joined(frames);
        assertEquals("a𝄞b", new String(joined, java.nio.charset.StandardCharsets.UTF_8));
        assertTrue(Utf8.isValid(frames.get(0).payload(), 0, frames.get(0).payload().length), "each fragment is whole UTF-8");
    }

    @Test
    void aBinaryMessageInFragments() {
        Recorder r = new Recorder();
        EmbeddedConnection c = FrameCodecTest.server(r);
        r.ws.sendBinary(ByteBuffer.wrap(new byte[] {1, 2}), false);
        r.ws.sendBinary(ByteBuffer.wrap(new byte[2000]), false);
        r.ws.sendBinary(ByteBuffer.wrap(new byte[] {3}), true);
        c.runPending();
        List<Wire.Frame> frames = Wire.parse(c.takeWritten());
        assertEquals(BINARY, frames.get(0).opcode());
        assertEquals(2003, Wire.joined(frames).length);
    }

    @Test
    void anotherMessageCannotStartBeforeTheLastFragment() {
        Recorder r = new Recorder();
        EmbeddedConnection c = FrameCodecTest.server(r);
        r.ws.sendText("open", false);
        assertThrows(IllegalStateException.class, () -> r.ws.sendBinary(new byte[1]));
        r.ws.sendText("more", false); // the same kind goes on
        r.ws.sendText("", true);
        r.ws.sendBinary(new byte[] {7}); // after the last fragment, anything
        c.runPending();
        List<Wire.Frame> frames = Wire.parse(c.takeWritten());
        assertEquals(List.of(TEXT, CONT, CONT, BINARY), frames.stream().map(Wire.Frame::opcode).toList());
    }

    @Test
    void aFragmentedMessageReceivedWithControlFramesBetween() {
        Recorder r = new Recorder();
        EmbeddedConnection c = FrameCodecTest.server(r);
        byte[] a = new byte[500];
        byte[] b = new byte[70];
        java.util.Arrays.fill(a, (byte) 1);
        c.feed(Wire.concat(Wire.masked(BINARY, a), Wire.masked(Wire.FIN | PING, Wire.utf8("x")),
                Wire.masked(Wire.FIN | Wire.PONG, Wire.utf8("y")), Wire.masked(CONT, b)));
        assertEquals(List.of("open", "ping:x", "pong:y"), r.events, "control frames are handled at once");
        c.feed(Wire.masked(Wire.FIN | CONT, new byte[0]));
        assertEquals("binary:570", r.events.get(3));
        assertArrayEquals(Wire.concat(a, b), r.binaries.get(0));
    }
}
