package io.switchboard.websocket;

import static io.switchboard.websocket.Wire.CONT;
import static io.switchboard.websocket.Wire.FIN;
import static io.switchboard.websocket.Wire.TEXT;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.testing.EmbeddedConnection;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** UTF-8 of text messages: the validator's edge cases (the kinds of the Autobahn 6.x cases) and failing fast. */
class Utf8Test {

    private static byte[] hex(String hex) {
        return HexFormat.of().parseHex(hex.replace(" ", ""));
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "", "00", "7f", "c280", "dfbf", "e0a080", "efbfbf", "f0908080", "f48fbfbf", // each length's first and last
            "ed9fbf", "ee8080", "efbfbd",                                               // around the surrogates, U+FFFD
            "cebae1bdb9cf83cebcceb5",                                                   // "κόσμε" (Autobahn 6.2)
            "48656c6c6f2d c2b540c39fc3b6c3a4c3bcc3a0c3a12d5554462d382121"})             // "Hello-µ@ßöäüàá-UTF-8!!" (6.8)
    void acceptsWellFormedText(String hex) {
        byte[] bytes = hex(hex);
        assertTrue(Utf8.isValid(bytes, 0, bytes.length), hex);
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "80", "bf", "80bf", "c0", "c1", "f5", "f8", "fc", "fe", "ff", "fefeffff",  // stray and never-valid bytes
            "c080", "c1bf", "e08080", "e09fbf", "f0808080", "f08fbfbf", "f8888080af",  // overlong forms
            "eda080", "edadbf", "edbfbf", "eda080edb080",                              // surrogates D800-DFFF
            "f4908080", "f7bfbfbf",                                                    // past U+10FFFF
            "c2", "e0a0", "f09080", "cebae1bd", "c241", "e0a041", "f0908041",          // cut short, or a non-continuation
            "cebae1bdb9cf83cebcceb5eda080656469746564"})                               // "κόσμε" then a surrogate (6.3)
    void rejectsMalformedText(String hex) {
        byte[] bytes = hex(hex);
        assertFalse(Utf8.isValid(bytes, 0, bytes.length), hex);
    }

    @Test
    void rejectsAtTheFirstBadByte() {
        // The first invalid byte is the fourth (ED A0: a surrogate); the state is already REJECT there.
        byte[] bytes = hex("41 42 43 ed a0 80 44");
        assertEquals(Utf8.REJECT, Utf8.check(Utf8.ACCEPT, bytes, 0, 5));
        assertTrue(Utf8.check(Utf8.ACCEPT, bytes, 0, 4) != Utf8.REJECT, "ED alone may still begin a character");
    }

    @Property
    void agreesWithTheJdksStrictDecoder(@ForAll @Size(max = 40) byte[] bytes) {
        assertEquals(jdkAccepts(bytes), Utf8.isValid(bytes, 0, bytes.length), HexFormat.of().formatHex(bytes));
    }

    @Property
    void agreesWithTheJdkAtEverySplit(@ForAll @Size(max = 24) byte[] bytes, @ForAll @Size(max = 24) String text) {
        byte[] input = Wire.concat(text.getBytes(StandardCharsets.UTF_8), bytes);
        for (int cut = 0; cut <= input.length; cut++) {
            int state = Utf8.check(Utf8.ACCEPT, input, 0, cut);
            state = Utf8.check(state, input, cut, input.length);
            assertEquals(jdkAccepts(input), state == Utf8.ACCEPT, "cut at " + cut);
        }
    }

    @Property
    void encodesAsTheJdkDoes(@ForAll @Size(max = 60) String text) {
        byte[] expected = text.getBytes(StandardCharsets.UTF_8);
        byte[] out = new byte[text.length() * 3];
        int end = Utf8.encode(text, out, 0, out.length);
        assertArrayEquals(expected, java.util.Arrays.copyOf(out, end));
        assertEquals(-1, expected.length == 0 ? -1 : Utf8.encode(text, out, 0, expected.length - 1), "too little room");
    }

    private static boolean jdkAccepts(byte[] bytes) {
        try {
            StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes));
            return true;
        } catch (CharacterCodingException e) {
            return false;
        }
    }

    // In the stage.

    @Test
    void anInvalidByteFailsTheConnectionBeforeTheFrameEnds() {
        Recorder r = new Recorder();
        EmbeddedConnection c = FrameCodecTest.server(r);
        byte[] payload = Wire.concat(Wire.utf8("valid start "), hex("c0 80"), new byte[1000]);
        byte[] frame = Wire.masked(FIN | TEXT, payload);
        c.feed(java.util.Arrays.copyOf(frame, 4 + 4 + 14)); // header and the first 14 payload bytes, up to the bad pair
        assertEquals(1007, Wire.single(c.takeWritten()).closeStatus(), "closed with 1007 at the bad byte, 1,000 bytes early");
        assertTrue(c.isClosed());
    }

    @Test
    void anInvalidFragmentFailsBeforeTheMessageEnds() {
        Recorder r = new Recorder();
        EmbeddedConnection c = FrameCodecTest.server(r);
        c.feed(Wire.concat(Wire.masked(TEXT, Wire.utf8("ok ")), Wire.masked(CONT, hex("eda080"))));
        assertEquals(1007, Wire.single(c.takeWritten()).closeStatus(), "before the last fragment comes");
    }

    @Test
    void aCharacterMaySpanFragmentsButNotEndTheMessage() {
        Recorder r = new Recorder();
        EmbeddedConnection c = FrameCodecTest.server(r);
        byte[] clef = Wire.utf8("𝄞"); // F0 9D 84 9E
        c.feed(Wire.concat(Wire.masked(TEXT, new byte[] {clef[0]}), Wire.masked(CONT, new byte[] {clef[1], clef[2]}),
                Wire.masked(FIN | CONT, new byte[] {clef[3]})));
        assertEquals(List.of("open", "text:𝄞"), r.events);

        EmbeddedConnection c2 = FrameCodecTest.server(new Recorder());
        c2.feed(Wire.masked(FIN | TEXT, new byte[] {clef[0], clef[1], clef[2]}));
        assertEquals(1007, Wire.single(c2.takeWritten()).closeStatus(), "a message may not end inside a character");
    }

    @Test
    void binaryMessagesAreNotChecked() {
        Recorder r = new Recorder();
        EmbeddedConnection c = FrameCodecTest.server(r);
        c.feed(Wire.masked(FIN | Wire.BINARY, hex("c0 80 ed a0 80 ff")));
        assertEquals(List.of("open", "binary:6"), r.events);
    }
}
