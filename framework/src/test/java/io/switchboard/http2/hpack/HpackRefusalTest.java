package io.switchboard.http2.hpack;

import static io.switchboard.http2.hpack.Hpack.entries;
import static io.switchboard.http2.hpack.Hpack.hex;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Each header block HPACK must refuse is refused with COMPRESSION_ERROR (a connection error), and a header list
 * over the limit is refused for its stream only, after the whole block was read so the table stays in step.
 */
@Tag("hardening")
class HpackRefusalTest {
    private final HpackDecoder decoder = new HpackDecoder(16_384);

    private HpackException refused(String hexBlock) {
        return refused(decoder, hex(hexBlock));
    }

    private static HpackException refused(HpackDecoder decoder, byte[] block) {
        HpackException e = assertThrows(HpackException.class, () -> Hpack.decode(decoder, block));
        assertTrue(e.connectionError(), "a COMPRESSION_ERROR: " + e.getMessage());
        return e;
    }

    /** A literal with incremental indexing and a new name, strings not Huffman-coded, whatever its size. */
    private static byte[] literalWithIndexing(String name, String value) {
        HeaderBlock out = new HeaderBlock();
        out.ensure(name.length() + value.length() + 16);
        out.put(0x40);
        HpackEncoder.writeInt(out, 0x00, 0x7F, name.length());
        for (char c : name.toCharArray()) {
            out.put(c);
        }
        HpackEncoder.writeInt(out, 0x00, 0x7F, value.length());
        for (char c : value.toCharArray()) {
            out.put(c);
        }
        return out.toByteArray();
    }

    private static String message(HpackException e) {
        return e.getMessage();
    }

    // --- integers (RFC 7541 5.1)

    @Test
    void anIntegerPastTwoToTheThirtyOneIsRefused() {
        // 127 + 0x7f + 0x7f<<7 + 0x7f<<14 + 0x7f<<21 + 0x0f<<28 = 2^32 + 126
        assertEquals("integer larger than 2^31 - 1", message(refused("ff ff ff ff ff 0f")));
    }

    @Test
    void theLargestIntIsReadAndThenRefusedAsAnIndex() throws HpackException {
        HeaderBlock out = new HeaderBlock();
        HpackEncoder.writeInt(out, 0x80, 0x7F, Integer.MAX_VALUE);
        assertEquals(6, out.length(), "1 prefix byte and 5 continuation bytes");
        assertTrue(message(refused(decoder, out.toByteArray())).startsWith("index 2147483647 past the tables"));
    }

    @Test
    void moreThanFiveContinuationBytesAreRefusedEvenForASmallValue() {
        // 0x80 bytes add nothing: the value stays 127, but six continuation bytes are over the cap
        assertEquals("integer with more than 5 continuation bytes", message(refused("ff 80 80 80 80 80 00")));
    }

    @Test
    void aBlockEndingInsideAnIntegerIsRefused() {
        assertEquals("block ends inside an integer", message(refused("ff 80")));
    }

    // --- string literals (RFC 7541 5.2)

    @Test
    void aStringLongerThanTheBlockIsRefusedBeforeAnythingIsAllocated() {
        // a new-name literal whose name claims 2^31 - 1 bytes: allocating for it first would throw OutOfMemoryError
        HeaderBlock out = new HeaderBlock();
        out.ensure(16);
        out.put(0x40);
        HpackEncoder.writeInt(out, 0x00, 0x7F, Integer.MAX_VALUE);
        out.put('a');
        assertTrue(message(refused(decoder, out.toByteArray())).startsWith("string literal of 2147483647 bytes runs past"));
        // the same with the Huffman bit: a decoded length of up to 2^31 * 8 / 5 is never sized either
        out.array()[1] |= (byte) 0x80;
        assertTrue(message(refused(decoder, out.toByteArray())).startsWith("string literal of 2147483647 bytes runs past"));
    }

    @Test
    void aBlockEndingInsideAFieldIsRefused() {
        assertEquals("block ends inside a field", message(refused("40")));
        assertEquals("block ends inside a field", message(refused("41")));
        assertTrue(message(refused("44 05 61")).startsWith("string literal of 5 bytes runs past"));
    }

    @Test
    void huffmanPaddingLongerThanSevenBitsIsRefused() throws HpackException {
        // "a" is 00011; with 111 of padding it is 0x1f, which decodes
        assertEquals(List.of("a: "), Hpack.decode(decoder, hex("00 81 1f 00")));
        // a further byte of ones makes 11 bits of padding
        assertTrue(message(refused("00 82 1f ff 00")).startsWith("Huffman padding longer than 7 bits"));
    }

    @Test
    void huffmanPaddingNotAllOnesIsRefused() {
        // "a" then 000: the padding is not the start of EOS
        assertTrue(message(refused("00 81 18 00")).startsWith("Huffman padding"));
    }

    @Test
    void eosInsideAHuffmanStringIsRefused() {
        // 30 ones (EOS) then 00
        assertEquals("Huffman-coded string contains EOS", message(refused("00 84 ff ff ff fc 00")));
        // EOS, then a valid "a" and its padding
        assertEquals("Huffman-coded string contains EOS", message(refused("00 85 ff ff ff fc 7f 00")));
    }

    // --- indices (RFC 7541 2.3.3, 6.1)

    @Test
    void indexZeroIsRefused() {
        assertEquals("indexed field with index 0", message(refused("80")));
    }

    @Test
    void anIndexPastTheTablesIsRefused() throws HpackException {
        assertEquals("index 62 past the tables (61 entries)", message(refused("be")));
        // a literal whose name index is past the tables: 15 + 47 = 62
        assertEquals("index 62 past the tables (61 entries)", message(refused("0f 2f 00")));
        Hpack.decode(decoder, hex("40 01 61 01 62")); // adds a: b as entry 62
        assertEquals(List.of("a: b"), Hpack.decode(decoder, hex("be")));
        assertEquals("index 63 past the tables (62 entries)", message(refused("bf")));
    }

    // --- dynamic table size updates (RFC 7541 4.2, 6.3)

    @Test
    void aSizeUpdateAboveTheSettingIsRefused() throws HpackException {
        // 31 + 0x61 + (0x1f << 7) = 4096, the setting: accepted
        assertEquals(List.of(":method: GET"), Hpack.decode(decoder, hex("3f e1 1f 82")));
        assertEquals("dynamic table size update to 4097 above SETTINGS_HEADER_TABLE_SIZE 4096", message(refused("3f e2 1f 82")));
    }

    @Test
    void aSizeUpdateAfterAFieldIsRefused() {
        assertEquals("dynamic table size update after a field (RFC 7541 4.2)", message(refused("82 20")));
    }

    @Test
    void moreThanTwoSizeUpdatesAreRefused() throws HpackException {
        assertEquals(List.of(":method: GET"), Hpack.decode(decoder, hex("20 3f e1 1f 82")));
        assertEquals("more than two dynamic table size updates at the start of a block", message(refused("20 20 20 82")));
    }

    @Test
    void afterTheSettingIsLoweredTheNextBlockMustStartWithAnUpdate() throws HpackException {
        Hpack.decode(decoder, hex("40 01 61 01 62")); // a: b, 34 octets
        decoder.setMaxTableSize(100);
        assertEquals(List.of("a: b"), entries(decoder.table()), "34 octets still fit in 100");
        assertTrue(message(refused("82")).startsWith("block does not start with a dynamic table size update"));

        HpackDecoder again = new HpackDecoder(16_384);
        again.setMaxTableSize(100);
        // 31 + 70 = 101: above the setting
        assertEquals("dynamic table size update to 101 above SETTINGS_HEADER_TABLE_SIZE 100", message(refused(again, hex("3f 46 82"))));

        HpackDecoder ok = new HpackDecoder(16_384);
        ok.setMaxTableSize(100);
        assertEquals(List.of(":method: GET"), Hpack.decode(ok, hex("3f 45 82")), "an update to 100 (31 + 69)");
        assertEquals(List.of(":method: GET"), Hpack.decode(ok, hex("82")), "owed once only");
    }

    @Test
    void anEmptyBlockDoesNotPayTheUpdateOwed() {
        decoder.setMaxTableSize(0);
        assertTrue(message(refused("")).startsWith("block does not start with a dynamic table size update"));
    }

    @Test
    void theUpdateOwedMustDeclareTheSmallestSettingSinceTheLastBlock() throws HpackException {
        Hpack.decode(decoder, hex("40 01 61 01 62"));
        decoder.setMaxTableSize(0);
        decoder.setMaxTableSize(4096);
        assertEquals(0, decoder.table().length(), "lowering to 0 emptied the table at once");
        // only 4096 declared: the encoder skipped the 0, so it may still hold a: b
        assertEquals("dynamic table size update to 4096 after SETTINGS_HEADER_TABLE_SIZE was lowered to 0",
                message(refused("3f e1 1f 82")));

        HpackDecoder ok = new HpackDecoder(16_384);
        ok.setMaxTableSize(0);
        ok.setMaxTableSize(4096);
        assertEquals(List.of(":method: GET"), Hpack.decode(ok, hex("20 3f e1 1f 82")), "0 then 4096");
        assertEquals(4096, ok.table().maxSize());
    }

    @Test
    void raisingTheSettingDoesNotGrowTheTableUntilThePeerDeclaresIt() throws HpackException {
        HpackDecoder small = new HpackDecoder(16_384, 64);
        small.setMaxTableSize(8192);
        assertEquals(64, small.table().maxSize(), "the peer's encoder still uses 64 octets");
        Hpack.decode(small, hex("40 01 61 01 62 40 01 63 01 64")); // a: b then c: d, 34 octets each: a: b evicted
        assertEquals(List.of("c: d"), entries(small.table()));
        assertEquals(List.of(":method: GET"), Hpack.decode(small, hex("3f e1 3f 82")), "an update to 8192 (31 + 8161)");
        assertEquals(8192, small.table().maxSize());
    }

    // --- header list size (RFC 9113 6.5.2, 10.5.1)

    @Test
    void aBombOfReferencesToALargeEntryStopsAtTheLimitAndKeepsTheTableInStep() throws HpackException {
        // One 4,000-octet value in the table, then 10,000 one-byte references to it: 40 MB of header list from
        // 10 KB of block. With a 16,384-octet limit, the literal and 3 references fit (4 x 4,038 octets); the
        // other references are only looked up. A field indexed after the limit still enters the table.
        ByteArrayOutputStream block = new ByteArrayOutputStream();
        HeaderBlock big = new HeaderBlock();
        HpackEncoder raw = new HpackEncoder(4096, false, true);
        raw.field(big, "x-bomb", "a".repeat(4000));
        block.writeBytes(big.toByteArray());
        for (int i = 0; i < 10_000; i++) {
            block.write(0xBE);
        }
        block.writeBytes(hex("40 07 782d6166746572 01 31")); // x-after: 1, with incremental indexing
        block.write(0xBF); // x-bomb again: still over the limit, not handed over

        List<String> got = new ArrayList<>();
        byte[] bytes = block.toByteArray();
        HpackException e = assertThrows(HpackException.class,
                () -> decoder.decode(bytes, 0, bytes.length, (n, v) -> got.add(n)));
        assertFalse(e.connectionError(), "a stream error: the block was read to its end");
        assertEquals("header list larger than SETTINGS_MAX_HEADER_LIST_SIZE 16384", e.getMessage());
        assertEquals(List.of("x-bomb", "x-bomb", "x-bomb", "x-bomb"), got,
                "the literal and 3 references: 4 x 4,038 = 16,152 octets fit in 16,384, a fifth does not");
        assertEquals(List.of("x-after: 1", "x-bomb: " + "a".repeat(4000)), entries(decoder.table()), "in step with the peer");
        assertEquals(List.of("x-after: 1"), Hpack.decode(decoder, hex("be")), "the next block indexes the new entry");
    }

    @Test
    void pastTheLimitAnEntryLargerThanTheTableStillEmptiesIt() throws HpackException {
        HpackDecoder small = new HpackDecoder(100);
        Hpack.decode(small, hex("40 01 61 01 62")); // a: b
        ByteArrayOutputStream block = new ByteArrayOutputStream();
        block.writeBytes(literalWithIndexing("x-first", "v".repeat(80))); // 119 octets: over the 100-octet list, fits the table
        block.writeBytes(literalWithIndexing("x-huge", "h".repeat(5000))); // larger than the 4,096-octet table
        byte[] bytes = block.toByteArray();
        HpackException e = assertThrows(HpackException.class, () -> Hpack.decode(small, bytes));
        assertFalse(e.connectionError());
        assertEquals(List.of(), entries(small.table()), "the 5,038-octet entry emptied the table, as on the peer");
    }

    @Test
    void pastTheLimitStringsAreStillChecked() {
        HpackDecoder small = new HpackDecoder(40);
        // a field of 1 + 8 + 32 = 41 octets goes over the limit, then a literal with bad padding follows
        HpackException e = refused(small, hex("00 01 61 08 6161616161616161 00 81 18 00"));
        assertTrue(e.getMessage().startsWith("Huffman padding"), "the same refusal as under the limit");
    }

    @Test
    void fieldsUpToTheLimitAreHandedOver() throws HpackException {
        HpackDecoder exact = new HpackDecoder(32 + 7 + 3 + 32 + 5 + 1);
        // :method: GET (7 + 3 + 32) and :path: / (5 + 1 + 32): exactly the limit
        assertEquals(List.of(":method: GET", ":path: /"), Hpack.decode(exact, hex("82 84")));
        exact.setMaxHeaderListSize(exact.maxHeaderListSize() - 1);
        HpackException e = assertThrows(HpackException.class, () -> Hpack.decode(exact, hex("82 84")));
        assertFalse(e.connectionError());
    }
}
