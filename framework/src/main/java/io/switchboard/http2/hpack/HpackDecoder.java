package io.switchboard.http2.hpack;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * Decodes HPACK header blocks (RFC 7541) received on one HTTP/2 connection, keeping the dynamic table the
 * peer's encoder fills. Not thread-safe: the connection owns one decoder and uses it on its loop.
 *
 * <h2>How the connection uses it</h2>
 * <ol>
 * <li>Build it with the {@code SETTINGS_MAX_HEADER_LIST_SIZE} the connection advertises. The dynamic table
 * starts at the protocol's 4,096 octets.</li>
 * <li>When the peer acknowledges a SETTINGS frame that changed {@code SETTINGS_HEADER_TABLE_SIZE}, call
 * {@link #setMaxTableSize}. From then on the peer may not declare a larger table, and when the value was
 * lowered below the table's size its next block must start with a size update at most that large
 * (RFC 7541 4.2).</li>
 * <li>Gather a HEADERS frame and its CONTINUATION frames, with the connection's own bounds on their bytes and
 * count, into one block; call {@link #decode(ByteBuffer, FieldSink)} once per block, in the order the blocks
 * arrive, including blocks of streams the connection refuses (a block of a reset or unknown stream still
 * changes the table).</li>
 * <li>On {@link HpackException} with {@link HpackException#connectionError()} true, send GOAWAY
 * {@code COMPRESSION_ERROR} and close. With it false the header list was too large: the block was read to its
 * end and the table is in step, so refuse the stream only (431 on a server) and keep the connection.</li>
 * </ol>
 *
 * <h2>What it refuses (COMPRESSION_ERROR)</h2>
 * Integers past {@code 2^31 - 1} or with more than 5 continuation bytes; index 0 and indices past the two
 * tables; string literals longer than the rest of the block (checked before anything is allocated); Huffman
 * strings holding EOS or padded with more than 7 bits or with anything but ones; a dynamic table size update
 * after a field, above {@code SETTINGS_HEADER_TABLE_SIZE}, missing or too large after that setting was lowered,
 * or more than two of them (RFC 7541 4.2 allows the smallest and the final size); a block that ends inside a
 * field.
 *
 * <h2>Header list size</h2>
 * Each field counts its name's and value's octets plus 32 (RFC 9113 6.5.2) as it is decoded. Past the limit the
 * decoder stops handing fields to the sink and stops making strings for them, but reads the block to its end:
 * literal fields with incremental indexing still enter the table and size updates still apply, as RFC 9113
 * 10.5.1 requires ("the field block MUST be processed to ensure a consistent connection state"), and the rest is
 * still checked, so a refusal is the same whatever the limit. Then it throws a stream-level
 * {@link HpackException}. A bomb of one-byte references to a large table entry therefore costs one table
 * look-up per byte once over the limit, nothing held: the work is bounded by the block's bytes, which the
 * connection bounds before decoding. Strings are only made for fields the sink gets or the table keeps, so
 * memory is bounded by the header list limit and the table size.
 *
 * <p>Names and values are handed over as strings of one char per octet (ISO-8859-1), as HTTP/1 fields are.
 * Fields from the tables are handed as the table's own strings, without a copy. The never-indexed flag of
 * RFC 7541 6.2.3 is not reported: it matters to intermediaries that re-encode fields, and the connection
 * terminates HTTP/2.
 */
public final class HpackDecoder {
    /** The dynamic table size an HTTP/2 connection starts with (RFC 9113 6.5.2). */
    public static final int DEFAULT_TABLE_SIZE = 4096;
    /** Continuation bytes enough for any integer up to {@code 2^31 - 1} after the smallest prefix. */
    private static final int MAX_CONTINUATION_BYTES = 5;
    /** A string buffer larger than this is dropped after its block, so an idle connection holds little. */
    private static final int SCRATCH_KEPT = 1024;

    private final DynamicTable table = new DynamicTable(DEFAULT_TABLE_SIZE);
    /** The local {@code SETTINGS_HEADER_TABLE_SIZE} in force: no size update may go above it. */
    private int maxTableSize = DEFAULT_TABLE_SIZE;
    /** After the setting was lowered, the size the next block must start by declaring, at most; -1 if none. */
    private int requiredUpdate = -1;
    private int maxHeaderListSize;

    /** The block being decoded, between absolute positions {@link #pos} and {@link #end}. */
    private ByteBuffer in;
    private int pos;
    private int end;
    /** Where Huffman strings and strings of direct buffers are decoded before they become strings. */
    private byte[] scratch;
    /** The decoded length of the string last read, whether it was made or only checked. */
    private int stringLength;

    /**
     * A decoder with the default table size.
     *
     * @param maxHeaderListSize the {@code SETTINGS_MAX_HEADER_LIST_SIZE} the connection advertises: the most a
     *                          block's fields may take, names, values and 32 octets per field
     * @throws IllegalArgumentException when the size is negative
     */
    public HpackDecoder(int maxHeaderListSize) {
        setMaxHeaderListSize(maxHeaderListSize);
    }

    /** A decoder whose table and setting start at {@code tableSize}, as in RFC 7541 C.5 and C.6; for tests. */
    HpackDecoder(int maxHeaderListSize, int tableSize) {
        this(maxHeaderListSize);
        table.setMaxSize(tableSize);
        maxTableSize = tableSize;
    }

    /**
     * Applies a new local {@code SETTINGS_HEADER_TABLE_SIZE}, once the peer has acknowledged the SETTINGS frame
     * that carried it. When it is below the table's current maximum, the table shrinks to it now and the next
     * block must start with a size update no larger than the smallest value set since the last block.
     *
     * @param size the setting, in octets
     * @throws IllegalArgumentException when the size is negative
     */
    public void setMaxTableSize(int size) {
        if (size < 0) {
            throw new IllegalArgumentException("table size " + size);
        }
        maxTableSize = size;
        if (size < table.maxSize()) {
            table.setMaxSize(size);
            requiredUpdate = requiredUpdate < 0 ? size : Math.min(requiredUpdate, size);
        }
    }

    /**
     * Changes the header list limit for the blocks decoded from now on.
     *
     * @param size the most a block's fields may take, names, values and 32 octets per field
     * @throws IllegalArgumentException when the size is negative
     */
    public void setMaxHeaderListSize(int size) {
        if (size < 0) {
            throw new IllegalArgumentException("header list size " + size);
        }
        maxHeaderListSize = size;
    }

    /** {@return the header list limit: names, values and 32 octets per field} */
    public int maxHeaderListSize() {
        return maxHeaderListSize;
    }

    /** {@return the local {@code SETTINGS_HEADER_TABLE_SIZE} in force} */
    public int maxTableSize() {
        return maxTableSize;
    }

    /**
     * Decodes one complete header block, the bytes from the buffer's position to its limit, handing each field
     * to {@code sink} in order. On return the position is at the limit.
     *
     * @param block the whole block (a HEADERS fragment and its CONTINUATION fragments, joined)
     * @param sink  receives the fields; must not throw (see {@link FieldSink})
     * @throws HpackException a COMPRESSION_ERROR ({@link HpackException#connectionError()} true); or, with the
     *                        whole block decoded and the table in step, a header list over the limit, after the
     *                        fields that fit were handed over
     */
    public void decode(ByteBuffer block, FieldSink sink) throws HpackException {
        in = block;
        pos = block.position();
        end = block.limit();
        try {
            decodeFields(sink);
        } finally {
            in = null;
            if (scratch != null && scratch.length > SCRATCH_KEPT) {
                scratch = null;
            }
        }
        block.position(end);
    }

    /**
     * Decodes one complete header block from an array.
     *
     * @param block  the array
     * @param offset where the block starts
     * @param length its length in bytes
     * @param sink   receives the fields; must not throw (see {@link FieldSink})
     * @throws HpackException as {@link #decode(ByteBuffer, FieldSink)}
     */
    public void decode(byte[] block, int offset, int length, FieldSink sink) throws HpackException {
        decode(ByteBuffer.wrap(block, offset, length), sink);
    }

    /** The dynamic table, for tests. */
    DynamicTable table() {
        return table;
    }

    private void decodeFields(FieldSink sink) throws HpackException {
        long listSize = 0;
        boolean exceeded = false;
        boolean fieldsStarted = false;
        int updates = 0;
        int smallestUpdate = Integer.MAX_VALUE;
        while (pos < end) {
            int first = in.get(pos) & 0xFF;
            if ((first & 0xE0) == 0x20) {
                // 001xxxxx: dynamic table size update (RFC 7541 6.3)
                if (fieldsStarted) {
                    throw HpackException.compression("dynamic table size update after a field (RFC 7541 4.2)");
                }
                if (++updates > 2) {
                    throw HpackException.compression("more than two dynamic table size updates at the start of a block");
                }
                int size = readInt(0x1F);
                if (size > maxTableSize) {
                    throw HpackException.compression("dynamic table size update to " + size
                            + " above SETTINGS_HEADER_TABLE_SIZE " + maxTableSize);
                }
                table.setMaxSize(size);
                smallestUpdate = Math.min(smallestUpdate, size);
                continue;
            }
            if (!fieldsStarted) {
                checkRequiredUpdate(updates, smallestUpdate);
                fieldsStarted = true;
            }
            if (first >= 0x80) {
                // 1xxxxxxx: indexed field (RFC 7541 6.1)
                int index = readInt(0x7F);
                if (index == 0) {
                    throw HpackException.compression("indexed field with index 0");
                }
                String name = nameAt(index);
                String value = valueAt(index);
                long size = DynamicTable.entrySize(name, value);
                if (!exceeded && size <= maxHeaderListSize - listSize) {
                    listSize += size;
                    sink.field(name, value);
                } else {
                    exceeded = true;
                }
                continue;
            }
            // 01xxxxxx: literal with incremental indexing; 0000xxxx without indexing; 0001xxxx never indexed
            boolean indexing = first >= 0x40;
            int nameIndex = indexing ? readInt(0x3F) : readInt(0x0F);
            // Octets the name and value may take and still be handed over, or kept in the table: longer strings
            // are only checked, never made.
            long deliverable = exceeded ? -1 : maxHeaderListSize - listSize - DynamicTable.ENTRY_OVERHEAD;
            long storable = indexing ? table.maxSize() - DynamicTable.ENTRY_OVERHEAD : -1;
            long keep = Math.max(deliverable, storable);
            String name;
            int nameLength;
            if (nameIndex == 0) {
                name = readString(keep);
                nameLength = stringLength;
            } else {
                name = nameAt(nameIndex);
                nameLength = name.length();
            }
            String value = readString(name == null ? -1 : keep - nameLength);
            long size = (long) nameLength + stringLength + DynamicTable.ENTRY_OVERHEAD;
            if (indexing) {
                if (size <= table.maxSize()) {
                    table.add(name, value);
                } else {
                    table.clear(); // an entry larger than the table empties it (RFC 7541 4.4)
                }
            }
            if (!exceeded && size <= maxHeaderListSize - listSize) {
                listSize += size;
                sink.field(name, value);
            } else {
                exceeded = true;
            }
        }
        if (!fieldsStarted) {
            checkRequiredUpdate(updates, smallestUpdate);
        }
        if (exceeded) {
            throw new HpackException(false, "header list larger than SETTINGS_MAX_HEADER_LIST_SIZE " + maxHeaderListSize);
        }
    }

    private void checkRequiredUpdate(int updates, int smallestUpdate) throws HpackException {
        if (requiredUpdate < 0) {
            return;
        }
        if (updates == 0) {
            throw HpackException.compression("block does not start with a dynamic table size update after "
                    + "SETTINGS_HEADER_TABLE_SIZE was lowered to " + requiredUpdate);
        }
        if (smallestUpdate > requiredUpdate) {
            throw HpackException.compression("dynamic table size update to " + smallestUpdate
                    + " after SETTINGS_HEADER_TABLE_SIZE was lowered to " + requiredUpdate);
        }
        requiredUpdate = -1;
    }

    /** The name at a non-zero HPACK index: static 1 to 61, then dynamic, newest first. */
    private String nameAt(int index) throws HpackException {
        if (index <= StaticTable.LENGTH) {
            return StaticTable.name(index);
        }
        return table.name(dynamicEntry(index));
    }

    private String valueAt(int index) throws HpackException {
        if (index <= StaticTable.LENGTH) {
            return StaticTable.value(index);
        }
        return table.value(dynamicEntry(index));
    }

    private int dynamicEntry(int index) throws HpackException {
        int entry = index - StaticTable.LENGTH - 1;
        if (entry >= table.length()) {
            throw HpackException.compression("index " + index + " past the tables (" + (StaticTable.LENGTH + table.length())
                    + " entries)");
        }
        return entry;
    }

    /**
     * Reads an integer (RFC 7541 5.1) whose first byte, at {@link #pos}, holds the prefix {@code mask}.
     */
    private int readInt(int mask) throws HpackException {
        int value = in.get(pos++) & mask;
        if (value < mask) {
            return value;
        }
        for (int k = 0, shift = 0; k < MAX_CONTINUATION_BYTES; k++, shift += 7) {
            if (pos == end) {
                throw HpackException.compression("block ends inside an integer");
            }
            int b = in.get(pos++);
            long v = value + ((long) (b & 0x7F) << shift);
            if (v > Integer.MAX_VALUE) {
                throw HpackException.compression("integer larger than 2^31 - 1");
            }
            value = (int) v;
            if ((b & 0x80) == 0) {
                return value;
            }
        }
        throw HpackException.compression("integer with more than " + MAX_CONTINUATION_BYTES + " continuation bytes");
    }

    /**
     * Reads a string literal (RFC 7541 5.2). Its length is checked against the rest of the block before
     * anything is allocated; a string that decodes to more than {@code keep} octets is checked (Huffman) but not
     * made. {@link #stringLength} is set to the decoded length either way.
     *
     * @return the string, or null when longer than {@code keep}
     */
    private String readString(long keep) throws HpackException {
        if (pos == end) {
            throw HpackException.compression("block ends inside a field");
        }
        boolean huffman = (in.get(pos) & 0x80) != 0;
        int length = readInt(0x7F);
        if (length > end - pos) {
            throw HpackException.compression("string literal of " + length + " bytes runs past the end of the block ("
                    + (end - pos) + " left)");
        }
        int from = pos;
        pos += length;
        if (!huffman) {
            stringLength = length;
            return length <= keep ? rawString(from, length) : null;
        }
        // Decoded, the string is at most length * 8 / 5 octets (the shortest code has 5 bits).
        int room = (int) Math.max(0, Math.min(keep, (long) length * 8 / 5));
        byte[] out = scratch(room);
        int decoded = Huffman.decode(in, from, pos, out, room);
        stringLength = decoded;
        return decoded <= keep ? new String(out, 0, decoded, StandardCharsets.ISO_8859_1) : null;
    }

    private String rawString(int from, int length) {
        if (in.hasArray()) {
            return new String(in.array(), in.arrayOffset() + from, length, StandardCharsets.ISO_8859_1);
        }
        byte[] out = scratch(length);
        in.get(from, out, 0, length);
        return new String(out, 0, length, StandardCharsets.ISO_8859_1);
    }

    private byte[] scratch(int size) {
        if (scratch == null || scratch.length < size) {
            scratch = new byte[Math.max(size, 64)];
        }
        return scratch;
    }
}
