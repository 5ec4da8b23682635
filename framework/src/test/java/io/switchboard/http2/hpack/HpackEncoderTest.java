package io.switchboard.http2.hpack;

import static io.switchboard.http2.hpack.Hpack.entries;
import static io.switchboard.http2.hpack.Hpack.hex;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The encoder's choices: what it indexes, what it never indexes, the size updates it owes, the hot path. */
class HpackEncoderTest {
    private final HpackEncoder encoder = new HpackEncoder();
    private final HpackDecoder decoder = new HpackDecoder(65_536);
    private final HeaderBlock out = new HeaderBlock(16);

    private byte[] block(String... fields) {
        return Hpack.encode(encoder, fields);
    }

    private byte[] responseHead(long length) {
        out.clear();
        encoder.startBlock(out);
        encoder.status(out, 200);
        encoder.field(out, "Content-Type", "text/plain");
        encoder.contentLength(out, length);
        encoder.field(out, "Date", "Wed, 02 Dec 2026 17:00:00 GMT");
        encoder.field(out, "Server", "switchboard");
        return out.toByteArray();
    }

    @Test
    void aRepeatedResponseHeadTakesNineBytes() throws HpackException {
        byte[] first = responseHead(13);
        List<String> expected = List.of(":status: 200", "content-type: text/plain", "content-length: 13",
                "date: Wed, 02 Dec 2026 17:00:00 GMT", "server: switchboard");
        assertEquals(expected, Hpack.decode(decoder, first));
        byte[] second = responseHead(13);
        // :status 200 (1 byte); content-type, date and server from the dynamic table, 1 byte each (server is
        // the newest, 62, then date 63, content-type 64); content-length a literal without indexing with the
        // static name (0x0f 0x0d), then "13", plain: a length byte and 2 digits
        assertEquals("88" + "c0" + "0f0d" + "02" + "3133" + "bf" + "be", hex(second));
        assertEquals(9, second.length);
        assertEquals(expected, Hpack.decode(decoder, second));
        byte[] array = out.array();
        responseHead(13);
        assertSame(array, out.array(), "the block's array is reused, not grown again");
    }

    @Test
    void aRepeatedHeadIsEncodedWithoutAllocatingAndDecodedWithOnlyItsLiteral() throws HpackException {
        Hpack.decode(decoder, responseHead(13));
        java.nio.ByteBuffer second = java.nio.ByteBuffer.wrap(responseHead(13));
        int[] fields = {0};
        FieldSink sink = (name, value) -> fields[0]++;
        for (int i = 0; i < 1_000; i++) { // past the interpreter's first runs
            encodeHead();
            decoder.decode(second.position(0), sink);
        }
        long before = Allocation.thisThread();
        for (int i = 0; i < 10_000; i++) {
            encodeHead();
        }
        long encoding = Allocation.thisThread() - before;
        // one 16-byte object per head would be 160,000 bytes; allow 16 KB for the measurement's own noise
        assertTrue(encoding < 16_384, encoding + " bytes allocated to encode 10,000 heads");

        before = Allocation.thisThread();
        for (int i = 0; i < 10_000; i++) {
            decoder.decode(second.position(0), sink);
        }
        long decoding = Allocation.thisThread() - before;
        // The four indexed fields are handed over as the table's strings; only the literal content-length value
        // "13" is a new string (48 bytes with compressed oops). A string per indexed field would add 160 more.
        assertTrue(decoding < 10_000 * 80, decoding + " bytes allocated to decode 10,000 heads");
        assertEquals(11_000 * 5, fields[0], "5 fields per head decoded");
    }

    private void encodeHead() {
        out.clear();
        encoder.startBlock(out);
        encoder.status(out, 200);
        encoder.field(out, "Content-Type", "text/plain");
        encoder.contentLength(out, 13);
        encoder.field(out, "Date", "Wed, 02 Dec 2026 17:00:00 GMT");
        encoder.field(out, "Server", "switchboard");
    }

    @Test
    void sensitiveFieldsAreNeverIndexed() throws HpackException {
        byte[] b = block("authorization: Basic dXNlcjpwYXNz", "proxy-authorization: secret", "set-cookie: id=1; HttpOnly",
                "cookie: id=12345", "x-token: abc");
        // never indexed with the static name: 0001 then index 23 (15 + 8), 49 (15 + 34), 55 (15 + 40), 32 (15 + 17)
        assertEquals("1f08", hex(b).substring(0, 4));
        assertEquals(0, encoder.table().length() - 1, "only x-token entered the table");
        assertEquals(List.of("x-token: abc"), entries(encoder.table()));
        assertEquals(5, Hpack.decode(decoder, b).size());

        HeaderBlock custom = new HeaderBlock();
        encoder.startBlock(custom);
        encoder.field(custom, "x-token", "abc", true);
        // never indexed, with the name from the dynamic table (62 = 15 + 47), even though the whole field is there
        assertEquals("1f2f", hex(custom.toByteArray()).substring(0, 4));
    }

    @Test
    void cookiesShorterThanTwentyOctetsAreNeverIndexedLongerOnesAre() {
        byte[] shortCookie = block("cookie: a=0123456789abcdef"); // 18 octets
        assertEquals(0x10, shortCookie[0] & 0xF0, "never indexed");
        assertEquals(0, encoder.table().length());
        byte[] longCookie = block("cookie: session=0123456789abcdef"); // 24 octets
        assertEquals(0x40, longCookie[0] & 0xC0, "incremental indexing");
        assertEquals(List.of("cookie: session=0123456789abcdef"), entries(encoder.table()));
    }

    @Test
    void valuesThatRarelyRepeatAreNotIndexed() {
        for (String field : List.of(":path: /search?q=1", "content-length: 1234", "age: 10", "etag: \"abc\"",
                "if-modified-since: Wed, 02 Dec 2026 17:00:00 GMT", "if-none-match: \"abc\"", "location: /elsewhere")) {
            byte[] b = block(field);
            assertEquals(0x00, b[0] & 0xF0, field + " is a literal without indexing");
        }
        assertEquals(0, encoder.table().length());
        assertEquals("84", hex(block(":path: /")), "a static match is still an index");
    }

    @Test
    void aFieldLargerThanTheTableIsNotIndexed() {
        byte[] b = block("x-large: " + "v".repeat(5000));
        assertEquals(0x00, b[0] & 0xF0);
        assertEquals(0, encoder.table().length());
    }

    @Test
    void namesAreSentInLowercaseAndCharsPastOneOctetAsQuestionMarks() throws HpackException {
        byte[] b = block("X-Custom-Name: caf\u00e9 \u20ac");
        assertEquals(List.of("x-custom-name: caf\u00e9 ?"), Hpack.decode(decoder, b));
        assertEquals("be", hex(block("x-custom-name: caf\u00e9 \u20ac")), "the same field is found in any case");
    }

    @Test
    void onlyAsciiLettersMatchWithoutRegardToCase() throws HpackException {
        // String.equalsIgnoreCase would take the Kelvin sign for k and find the static "link", and \u00c0 for \u00e0
        assertEquals(List.of("lin?: <a>"), Hpack.decode(decoder, block("lin\u212a: <a>")));
        assertEquals(List.of("x-\u00e0: 1"), Hpack.decode(decoder, block("x-\u00e0: 1")));
        assertEquals(List.of("x-\u00c0: 1"), Hpack.decode(decoder, block("x-\u00c0: 1")));
        assertEquals(List.of("LINK".toLowerCase(java.util.Locale.ROOT) + ": <b>"), Hpack.decode(decoder, block("LINK: <b>")));
    }

    @Test
    void statusesAndLengthsAreWrittenWithoutStrings() throws HpackException {
        for (int status : new int[] {100, 101, 103, 200, 201, 204, 206, 302, 304, 400, 404, 431, 500, 503, 999}) {
            out.clear();
            encoder.startBlock(out);
            encoder.status(out, status);
            assertEquals(List.of(":status: " + status), Hpack.decode(decoder, out.toByteArray()));
        }
        for (long length : new long[] {0, 7, 13, 1234, 65_536, 1L << 40, Long.MAX_VALUE}) {
            out.clear();
            encoder.startBlock(out);
            encoder.contentLength(out, length);
            assertEquals(List.of("content-length: " + length), Hpack.decode(decoder, out.toByteArray()));
        }
        assertEquals(0, encoder.table().length());
        assertThrows(IllegalArgumentException.class, () -> encoder.status(out, 99));
        assertThrows(IllegalArgumentException.class, () -> encoder.contentLength(out, -1));
    }

    @Test
    void aLoweredTableSizeIsDeclaredAtTheStartOfTheNextBlock() throws HpackException {
        block("x-a: 1");
        encoder.setMaxTableSize(1024);
        decoder.setMaxTableSize(1024);
        // 001 11111, then 1024 - 31 = 993 = 0x3e1: e1 07
        byte[] b = block(":method: GET");
        assertEquals("3fe107" + "82", hex(b));
        assertEquals(List.of(":method: GET"), Hpack.decode(decoder, b));
        assertEquals("82", hex(block(":method: GET")), "declared once");
    }

    @Test
    void aSizeLoweredThenRaisedIsDeclaredAsTheSmallestThenTheFinal() throws HpackException {
        block("x-a: 1");
        encoder.setMaxTableSize(0);
        encoder.setMaxTableSize(4096);
        byte[] b = block(":method: GET");
        assertEquals("20" + "3fe11f" + "82", hex(b), "0 (the table emptied) then 4096");
        assertEquals(0, encoder.table().length());
        decoder.setMaxTableSize(0);
        decoder.setMaxTableSize(4096);
        assertEquals(List.of(":method: GET"), Hpack.decode(decoder, b));
    }

    @Test
    void theEncodersOwnLimitCapsThePeersSetting() throws HpackException {
        HpackEncoder small = new HpackEncoder(1024);
        HeaderBlock b = new HeaderBlock();
        small.setMaxTableSize(65_536);
        small.startBlock(b);
        small.field(b, ":method", "GET");
        assertEquals("3fe107" + "82", hex(b.toByteArray()), "its 1024 declared in its first block, not 65,536");
        decoder.setMaxTableSize(65_536);
        assertEquals(List.of(":method: GET"), Hpack.decode(decoder, b.toByteArray()));
        assertEquals(1024, small.table().maxSize());
    }

    @Test
    void anUnchangedSettingOwesNothing() {
        encoder.setMaxTableSize(4096);
        assertEquals("82", hex(block(":method: GET")));
    }

    @Test
    void aZeroTableNeverIndexes() throws HpackException {
        HpackEncoder none = new HpackEncoder(0);
        HeaderBlock b = new HeaderBlock();
        none.startBlock(b);
        none.field(b, "content-type", "text/plain");
        none.startBlock(b); // nothing owed any more
        none.field(b, "content-type", "text/plain");
        assertEquals(0, none.table().length());
        assertEquals(List.of("content-type: text/plain", "content-type: text/plain"), Hpack.decode(decoder, b.toByteArray()));
        assertEquals("20", hex(b.toByteArray()).substring(0, 2), "the size 0 declared first");
    }
}
