package io.switchboard.http2.hpack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

/** The Huffman code derived from the 257 lengths is RFC 7541 appendix B's, and decodes what it encodes. */
class HuffmanTest {

    @Test
    void codesDerivedFromTheLengthsAreThoseOfAppendixB() {
        // symbol, code, length in bits, as printed in RFC 7541 appendix B
        int[][] rows = {
                {0, 0x1ff8, 13}, {10, 0x3ffffffc, 30}, {13, 0x3ffffffd, 30}, {' ', 0x14, 6}, {'0', 0x0, 5},
                {'A', 0x21, 6}, {'a', 0x3, 5}, {'~', 0x1ffd, 13}, {128, 0xfffe6, 20}, {255, 0x3ffffee, 26},
                {Huffman.EOS, 0x3fffffff, 30},
        };
        for (int[] row : rows) {
            assertEquals(row[1], Huffman.CODES[row[0]], "code of symbol " + row[0]);
            assertEquals(row[2], Huffman.length(row[0]), "length of symbol " + row[0]);
        }
    }

    @Test
    void everyOctetRoundTrips() throws HpackException {
        StringBuilder all = new StringBuilder();
        for (int c = 0; c < 256; c++) {
            all.append((char) c);
        }
        String s = all.toString();
        assertEquals(s, roundTrip(s));
    }

    @Test
    void anEmptyStringIsEmpty() throws HpackException {
        assertEquals(0, Huffman.encodedLength("", false));
        assertEquals("", roundTrip(""));
    }

    @Test
    void sevenBitsOfPaddingAreAccepted() throws HpackException {
        // five '0' (5 bits each) take 25 bits: the last byte holds 1 bit of code and 7 of padding
        byte[] coded = new byte[Huffman.encodedLength("00000", false)];
        Huffman.encode("00000", false, coded, 0);
        assertEquals(4, coded.length);
        assertEquals(0x7F, coded[3] & 0x7F, "7 padding bits, all ones");
        assertEquals("00000", decode(coded));
    }

    @Test
    void capitalsAreLowercasedForNames() throws HpackException {
        byte[] coded = new byte[Huffman.encodedLength("Content-Type", true)];
        Huffman.encode("Content-Type", true, coded, 0);
        assertEquals("content-type", decode(coded));
    }

    @Test
    void decodingPastTheOutputLimitCountsAndChecksWithoutWriting() throws HpackException {
        String s = "a string longer than the room given";
        byte[] coded = new byte[Huffman.encodedLength(s, false)];
        Huffman.encode(s, false, coded, 0);
        byte[] out = new byte[4];
        assertEquals(s.length(), Huffman.decode(ByteBuffer.wrap(coded), 0, coded.length, out, 4));
        assertEquals("a st", new String(out, StandardCharsets.ISO_8859_1));
        byte[] bad = java.util.Arrays.copyOf(coded, coded.length + 1);
        bad[bad.length - 1] = (byte) 0xFF; // 8 more bits of ones: padding of 8 to 15 bits
        HpackException e = assertThrows(HpackException.class, () -> Huffman.decode(ByteBuffer.wrap(bad), 0, bad.length, null, 0));
        assertTrue(e.connectionError());
    }

    @Property
    void anyOctetsRoundTrip(@ForAll("octets") String s) throws HpackException {
        assertEquals(s, roundTrip(s));
    }

    @Provide
    Arbitrary<String> octets() {
        return Arbitraries.strings().withCharRange((char) 0, (char) 255).ofMaxLength(200);
    }

    private static String roundTrip(String s) throws HpackException {
        byte[] coded = new byte[Huffman.encodedLength(s, false)];
        assertEquals(coded.length, Huffman.encode(s, false, coded, 0));
        return decode(coded);
    }

    private static String decode(byte[] coded) throws HpackException {
        byte[] out = new byte[coded.length * 8 / 5];
        int n = Huffman.decode(ByteBuffer.wrap(coded), 0, coded.length, out, out.length);
        return new String(out, 0, n, StandardCharsets.ISO_8859_1);
    }
}
