package io.switchboard.codec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.testing.EmbeddedConnection;
import io.switchboard.testing.Splits;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class LineCodecTest {

    private static EmbeddedConnection lines(int maxLength) {
        return new EmbeddedConnection(p -> p.add(new LineCodec(maxLength)));
    }

    @Test
    void decodesLfAndCrlfLinesAtEverySplit() {
        byte[] input = "alpha\nbeta\r\n\r\ngamma\ndelta".getBytes(StandardCharsets.UTF_8);
        Splits.check(input, () -> lines(64), c -> {
            assertEquals(List.of("alpha", "beta", "", "gamma"), c.readMessages());
            assertTrue(c.isOpen(), "an incomplete last line waits for more bytes");
        });
    }

    @Test
    void keepsMultiByteCharactersWhole() {
        byte[] input = "grüße, 世界\n😀\n".getBytes(StandardCharsets.UTF_8);
        Splits.check(input, () -> lines(64), c -> assertEquals(List.of("grüße, 世界", "😀"), c.readMessages()));
    }

    @Test
    void bareCarriageReturnIsPartOfTheLine() {
        EmbeddedConnection c = lines(64).feed("a\rb\n");
        assertEquals(List.of("a\rb"), c.readMessages());
    }

    @Test
    void acceptsALineOfExactlyTheLimit() {
        String line = "x".repeat(16);
        Splits.check((line + "\r\n" + line + "\n").getBytes(StandardCharsets.UTF_8), () -> lines(16),
                c -> assertEquals(List.of(line, line), c.readMessages()));
    }

    @Test
    void lineOverTheLimitClosesTheConnection() {
        byte[] input = ("ok\n" + "y".repeat(17) + "\n").getBytes(StandardCharsets.UTF_8);
        Splits.check(input, () -> lines(16), c -> {
            assertEquals(List.of("ok"), c.readMessages());
            assertTrue(c.isClosed());
            assertTrue(c.events().contains("exception:FrameTooLongException"), c.events().toString());
        });
    }

    @Test
    void endlessLineWithoutNewlineIsCutOffAtTheLimit() {
        EmbeddedConnection c = lines(100);
        for (int i = 0; i < 5 && c.isOpen(); i++) {
            c.feed("z".repeat(30));
        }
        assertFalse(c.isOpen(), "130 bytes without LF exceed a 100-byte line");
        assertTrue(c.readMessages().isEmpty());
    }

    @Test
    void encodesTextAsALine() {
        EmbeddedConnection c = lines(64);
        c.connection().write("héllo");
        c.connection().write(new StringBuilder("world"));
        c.runPending();
        assertEquals("héllo\nworld\n", c.takeWrittenString());
    }
}
