package io.switchboard.http2.hpack;

import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/** Helpers for the HPACK tests: hex, fields as "name: value" lines, table contents. */
final class Hpack {
    private Hpack() {
    }

    /** {@return the bytes of a hex string, spaces ignored} */
    static byte[] hex(String hex) {
        return HexFormat.of().parseHex(hex.replace(" ", ""));
    }

    /** {@return the bytes as lowercase hex without spaces} */
    static String hex(byte[] bytes) {
        return HexFormat.of().formatHex(bytes);
    }

    /** {@return the fields of a whole block, each as "name: value"} */
    static List<String> decode(HpackDecoder decoder, byte[] block) throws HpackException {
        List<String> fields = new ArrayList<>();
        decoder.decode(block, 0, block.length, (name, value) -> fields.add(name + ": " + value));
        return fields;
    }

    /** {@return the entries of a dynamic table, newest first, each as "name: value"} */
    static List<String> entries(DynamicTable table) {
        List<String> entries = new ArrayList<>();
        for (int i = 0; i < table.length(); i++) {
            entries.add(table.name(i) + ": " + table.value(i));
        }
        return entries;
    }

    /** {@return a block encoded from "name: value" lines} */
    static byte[] encode(HpackEncoder encoder, String... fields) {
        HeaderBlock out = new HeaderBlock();
        encoder.startBlock(out);
        for (String field : fields) {
            int colon = field.indexOf(": ", 1);
            encoder.field(out, field.substring(0, colon), field.substring(colon + 2));
        }
        return out.toByteArray();
    }
}
