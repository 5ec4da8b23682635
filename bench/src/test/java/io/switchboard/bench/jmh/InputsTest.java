package io.switchboard.bench.jmh;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The benchmark inputs and the equivalence check the benchmarks' setup relies on. */
class InputsTest {

    @Test
    void splitDeliversEveryByteInOrder() {
        byte[] input = Inputs.frames(10, 7, 1);

        byte[][] chunks = Inputs.split(input, "4");

        assertEquals(28, chunks.length);
        assertEquals(2, chunks[27].length);
        byte[] joined = new byte[input.length];
        int at = 0;
        for (byte[] chunk : chunks) {
            System.arraycopy(chunk, 0, joined, at, chunk.length);
            at += chunk.length;
        }
        assertArrayEquals(input, joined);
        assertEquals(1, Inputs.split(input, "whole").length);
    }

    @Test
    void linesEndWithALineEnding() {
        byte[] lines = Inputs.lines(9, 3);

        assertEquals('\n', lines[lines.length - 1]);
        assertEquals(9, new String(lines, java.nio.charset.StandardCharsets.US_ASCII).split("\r?\n").length);
    }

    @Test
    void requireSameNamesTheFirstDifference() {
        Inputs.requireSame("ok", List.of("a", "b"), List.of("a", "b"));

        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> Inputs.requireSame("LineCodec", List.of("a", "b", "c"), List.of("a", "x", "c")));
        assertTrue(e.getMessage().contains("first difference at message 1"), e.getMessage());
        assertThrows(IllegalStateException.class, () -> Inputs.requireSame("short", List.of("a", "b"), List.of("a")));
    }
}
