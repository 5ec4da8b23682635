package io.switchboard.http2.hpack;

import static io.switchboard.http2.hpack.Hpack.entries;
import static io.switchboard.http2.hpack.Hpack.hex;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Every example of RFC 7541 appendix C, decoded (fields, then the dynamic table's entries and size, as the RFC
 * lists them) and, where the RFC shows an encoder's output, encoded byte for byte by an encoder with the RFC's
 * policy (every field indexed; C.3 and C.5 without Huffman, C.4 and C.6 with it).
 */
class HpackExamplesTest {
    private static final String DATE_21 = "date: Mon, 21 Oct 2013 20:13:21 GMT";
    private static final String DATE_22 = "date: Mon, 21 Oct 2013 20:13:22 GMT";
    private static final String LOCATION = "location: https://www.example.com";
    private static final String COOKIE = "set-cookie: foo=ASDJKHQKBZXOQWEOPIUAXQWEOIU; max-age=3600; version=1";

    private static final List<String> REQUEST_1 = List.of(":method: GET", ":scheme: http", ":path: /", ":authority: www.example.com");
    private static final List<String> REQUEST_2 = List.of(":method: GET", ":scheme: http", ":path: /", ":authority: www.example.com",
            "cache-control: no-cache");
    private static final List<String> REQUEST_3 = List.of(":method: GET", ":scheme: https", ":path: /index.html",
            ":authority: www.example.com", "custom-key: custom-value");
    private static final List<String> RESPONSE_1 = List.of(":status: 302", "cache-control: private", DATE_21, LOCATION);
    private static final List<String> RESPONSE_2 = List.of(":status: 307", "cache-control: private", DATE_21, LOCATION);
    private static final List<String> RESPONSE_3 = List.of(":status: 200", "cache-control: private", DATE_22, LOCATION,
            "content-encoding: gzip", COOKIE);

    private static final String C3_1 = "8286 8441 0f77 7777 2e65 7861 6d70 6c65 2e63 6f6d";
    private static final String C3_2 = "8286 84be 5808 6e6f 2d63 6163 6865";
    private static final String C3_3 = "8287 85bf 400a 6375 7374 6f6d 2d6b 6579 0c63 7573 746f 6d2d 7661 6c75 65";
    private static final String C4_1 = "8286 8441 8cf1 e3c2 e5f2 3a6b a0ab 90f4 ff";
    private static final String C4_2 = "8286 84be 5886 a8eb 1064 9cbf";
    private static final String C4_3 = "8287 85bf 4088 25a8 49e9 5ba9 7d7f 8925 a849 e95b b8e8 b4bf";
    private static final String C5_1 = "4803 3330 3258 0770 7269 7661 7465 611d 4d6f 6e2c 2032 3120 4f63 7420 3230 3133 2032 303a "
            + "3133 3a32 3120 474d 546e 1768 7474 7073 3a2f 2f77 7777 2e65 7861 6d70 6c65 2e63 6f6d";
    private static final String C5_2 = "4803 3330 37c1 c0bf";
    private static final String C5_3 = "88c1 611d 4d6f 6e2c 2032 3120 4f63 7420 3230 3133 2032 303a 3133 3a32 3220 474d 54c0 5a04 "
            + "677a 6970 7738 666f 6f3d 4153 444a 4b48 514b 425a 584f 5157 454f 5049 5541 5851 5745 4f49 553b 206d 6178 2d61 "
            + "6765 3d33 3630 303b 2076 6572 7369 6f6e 3d31";
    private static final String C6_1 = "4882 6402 5885 aec3 771a 4b61 96d0 7abe 9410 54d4 44a8 2005 9504 0b81 66e0 82a6 2d1b ff6e "
            + "919d 29ad 1718 63c7 8f0b 97c8 e9ae 82ae 43d3";
    private static final String C6_2 = "4883 640e ffc1 c0bf";
    private static final String C6_3 = "88c1 6196 d07a be94 1054 d444 a820 0595 040b 8166 e084 a62d 1bff c05a 839b d9ab 77ad 94e7 "
            + "821d d7f2 e6c7 b335 dfdf cd5b 3960 d5af 2708 7f36 72c1 ab27 0fb5 291f 9587 3160 65c0 03ed 4ee5 b106 3d50 07";

    private static final List<String> TABLE_AFTER_REQUEST_1 = List.of(":authority: www.example.com");
    private static final List<String> TABLE_AFTER_REQUEST_2 = List.of("cache-control: no-cache", ":authority: www.example.com");
    private static final List<String> TABLE_AFTER_REQUEST_3 = List.of("custom-key: custom-value", "cache-control: no-cache",
            ":authority: www.example.com");
    private static final List<String> TABLE_AFTER_RESPONSE_1 = List.of(LOCATION, DATE_21, "cache-control: private", ":status: 302");
    // ":status: 302" evicted to make room for ":status: 307" (222 - 42 + 42 octets)
    private static final List<String> TABLE_AFTER_RESPONSE_2 = List.of(":status: 307", LOCATION, DATE_21, "cache-control: private");
    // four entries evicted to make room for the date, content-encoding and the 98-octet set-cookie
    private static final List<String> TABLE_AFTER_RESPONSE_3 = List.of(COOKIE, "content-encoding: gzip", DATE_22);

    @Test
    void c21LiteralWithIndexing() throws HpackException {
        HpackDecoder decoder = new HpackDecoder(8192);
        String block = "400a 6375 7374 6f6d 2d6b 6579 0d63 7573 746f 6d2d 6865 6164 6572";
        assertEquals(List.of("custom-key: custom-header"), Hpack.decode(decoder, hex(block)));
        assertEquals(List.of("custom-key: custom-header"), entries(decoder.table()));
        assertEquals(55, decoder.table().size());

        HpackEncoder encoder = new HpackEncoder(4096, false, true);
        assertEquals(hex(hex(block)), hex(Hpack.encode(encoder, "custom-key: custom-header")));
        assertEquals(55, encoder.table().size());
    }

    @Test
    void c22LiteralWithoutIndexing() throws HpackException {
        HpackDecoder decoder = new HpackDecoder(8192);
        String block = "040c 2f73 616d 706c 652f 7061 7468";
        assertEquals(List.of(":path: /sample/path"), Hpack.decode(decoder, hex(block)));
        assertEquals(0, decoder.table().length());

        // :path is one of the fields the encoder never adds to its table, so its own policy gives the RFC's bytes
        HpackEncoder encoder = new HpackEncoder(4096, false, false);
        assertEquals(hex(hex(block)), hex(Hpack.encode(encoder, ":path: /sample/path")));
        assertEquals(0, encoder.table().length());
    }

    @Test
    void c23LiteralNeverIndexed() throws HpackException {
        HpackDecoder decoder = new HpackDecoder(8192);
        String block = "1008 7061 7373 776f 7264 0673 6563 7265 74";
        assertEquals(List.of("password: secret"), Hpack.decode(decoder, hex(block)));
        assertEquals(0, decoder.table().length());

        HpackEncoder encoder = new HpackEncoder(4096, false, false);
        HeaderBlock out = new HeaderBlock();
        encoder.startBlock(out);
        encoder.field(out, "password", "secret", true);
        assertEquals(hex(hex(block)), hex(out.toByteArray()));
        assertEquals(0, encoder.table().length());
    }

    @Test
    void c24IndexedField() throws HpackException {
        HpackDecoder decoder = new HpackDecoder(8192);
        assertEquals(List.of(":method: GET"), Hpack.decode(decoder, hex("82")));
        assertEquals(0, decoder.table().length());
        assertEquals("82", hex(Hpack.encode(new HpackEncoder(), ":method: GET")));
    }

    @Test
    void c3RequestsWithoutHuffman() throws HpackException {
        requests(false, C3_1, C3_2, C3_3);
    }

    @Test
    void c4RequestsWithHuffman() throws HpackException {
        requests(true, C4_1, C4_2, C4_3);
    }

    private static void requests(boolean huffman, String first, String second, String third) throws HpackException {
        HpackDecoder decoder = new HpackDecoder(8192);
        HpackEncoder encoder = new HpackEncoder(4096, huffman, true);

        assertEquals(REQUEST_1, Hpack.decode(decoder, hex(first)));
        assertEquals(TABLE_AFTER_REQUEST_1, entries(decoder.table()));
        assertEquals(57, decoder.table().size());
        assertEquals(hex(hex(first)), hex(Hpack.encode(encoder, REQUEST_1.toArray(String[]::new))));

        assertEquals(REQUEST_2, Hpack.decode(decoder, hex(second)));
        assertEquals(TABLE_AFTER_REQUEST_2, entries(decoder.table()));
        assertEquals(110, decoder.table().size());
        assertEquals(hex(hex(second)), hex(Hpack.encode(encoder, REQUEST_2.toArray(String[]::new))));

        assertEquals(REQUEST_3, Hpack.decode(decoder, hex(third)));
        assertEquals(TABLE_AFTER_REQUEST_3, entries(decoder.table()));
        assertEquals(164, decoder.table().size());
        assertEquals(hex(hex(third)), hex(Hpack.encode(encoder, REQUEST_3.toArray(String[]::new))));
        assertEquals(TABLE_AFTER_REQUEST_3, entries(encoder.table()));
    }

    @Test
    void c5ResponsesWithoutHuffmanAndEvictions() throws HpackException {
        responses(false, C5_1, C5_2, C5_3);
    }

    @Test
    void c6ResponsesWithHuffmanAndEvictions() throws HpackException {
        responses(true, C6_1, C6_2, C6_3);
    }

    /** The response examples use a 256-octet table on both sides, so entries are evicted from the second block. */
    private static void responses(boolean huffman, String first, String second, String third) throws HpackException {
        HpackDecoder decoder = new HpackDecoder(8192, 256);
        HpackEncoder encoder = new HpackEncoder(256, huffman, true);

        assertEquals(RESPONSE_1, Hpack.decode(decoder, hex(first)));
        assertEquals(TABLE_AFTER_RESPONSE_1, entries(decoder.table()));
        assertEquals(222, decoder.table().size());
        assertEquals(hex(hex(first)), hex(Hpack.encode(encoder, RESPONSE_1.toArray(String[]::new))));

        assertEquals(RESPONSE_2, Hpack.decode(decoder, hex(second)));
        assertEquals(TABLE_AFTER_RESPONSE_2, entries(decoder.table()));
        assertEquals(222, decoder.table().size());
        assertEquals(hex(hex(second)), hex(Hpack.encode(encoder, RESPONSE_2.toArray(String[]::new))));

        assertEquals(RESPONSE_3, Hpack.decode(decoder, hex(third)));
        assertEquals(TABLE_AFTER_RESPONSE_3, entries(decoder.table()));
        assertEquals(215, decoder.table().size());
        assertEquals(hex(hex(third)), hex(Hpack.encode(encoder, RESPONSE_3.toArray(String[]::new))));
        assertEquals(TABLE_AFTER_RESPONSE_3, entries(encoder.table()));
        assertEquals(215, encoder.table().size());
    }

    @Test
    void directBuffersDecodeTheSame() throws HpackException {
        HpackDecoder decoder = new HpackDecoder(8192, 256);
        for (String block : List.of(C5_1, C5_2, C5_3)) {
            byte[] bytes = hex(block);
            java.nio.ByteBuffer direct = java.nio.ByteBuffer.allocateDirect(bytes.length + 3);
            direct.put(new byte[] {1, 2, 3}).put(bytes).flip().position(3);
            List<String> fields = new java.util.ArrayList<>();
            decoder.decode(direct, (n, v) -> fields.add(n + ": " + v));
            assertEquals(direct.limit(), direct.position(), "the whole block is consumed");
            if (block.equals(C5_3)) {
                assertEquals(RESPONSE_3, fields);
            }
        }
        assertEquals(TABLE_AFTER_RESPONSE_3, entries(decoder.table()));
    }
}
