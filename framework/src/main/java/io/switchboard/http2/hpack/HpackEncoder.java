package io.switchboard.http2.hpack;

/**
 * Encodes header blocks (RFC 7541) sent on one HTTP/2 connection, keeping the dynamic table the peer's decoder
 * mirrors. Not thread-safe: the connection owns one encoder and uses it on its loop, and blocks must be encoded
 * in the order they are sent.
 *
 * <h2>How the connection uses it</h2>
 * <ol>
 * <li>When the peer's SETTINGS carry {@code SETTINGS_HEADER_TABLE_SIZE}, call {@link #setMaxTableSize}; the
 * change is declared at the start of the next block.</li>
 * <li>For each block: {@link #startBlock} (it writes the size updates owed, and must come first), then the
 * fields in order: pseudo-fields first ({@link #status} for {@code :status}), then
 * {@link #field(HeaderBlock, String, String)} for each field, or {@link #contentLength}. Then cut the block into
 * HEADERS and CONTINUATION frames and send them with nothing in between. A block encoded must be sent: the peer's
 * table only follows the blocks it reads. So a head is checked against the peer's
 * {@code SETTINGS_MAX_HEADER_LIST_SIZE} (names, values and 32 octets per field) before it is encoded, never after:
 * Netty's encoder once checked while encoding and left the tables out of step (netty#6230).</li>
 * </ol>
 *
 * <h2>What it chooses</h2>
 * <ul>
 * <li>A field equal to a static entry ({@code :status: 200}, {@code :method: GET}) or to a dynamic entry is one
 * index.</li>
 * <li>Otherwise the field is a literal, with its name as an index when a table has the name, and its strings
 * Huffman-coded when that is shorter. It is added to the dynamic table ("incremental indexing"), except
 * fields whose values rarely repeat, after nghttp2 and hyper's h2: {@code :path}, {@code content-length},
 * {@code age}, {@code etag}, {@code if-modified-since}, {@code if-none-match}, {@code location}, which are sent
 * without indexing, and a field larger than the whole table.</li>
 * <li>Sensitive fields are sent "never indexed" (RFC 7541 7.1.3), so no intermediary compresses them either and
 * a CRIME-style attacker cannot probe the table for them: {@code authorization},
 * {@code proxy-authorization}, {@code set-cookie}, {@code cookie} values shorter than 20 octets (short cookies
 * are guessable; longer ones are indexed, as nghttp2 does), and any field the caller marks sensitive.</li>
 * <li>The table is at most the peer's {@code SETTINGS_HEADER_TABLE_SIZE} and at most this encoder's own limit
 * (4,096 octets by default, as Go's encoder: a peer announcing a large table does not make the server hold
 * one). A change is declared with the smallest size reached since the last block, then the final size
 * (RFC 7541 4.2).</li>
 * </ul>
 * Names are sent in lowercase as HTTP/2 requires, whatever their case in the arguments (so fields can come
 * straight from {@code HttpHeaders}); each char of a name or value is one octet (ISO-8859-1), and a char above
 * {@code 0xFF} is sent as {@code '?'}, as the HTTP/1 encoder does. Encoding allocates nothing once the output
 * has grown, except the table's own growth.
 */
public final class HpackEncoder {
    /** The encoder's own table limit unless told otherwise. */
    public static final int DEFAULT_TABLE_SIZE_LIMIT = 4096;

    /** Static indices whose values rarely repeat: sent as literals without indexing. */
    private static final boolean[] NOT_INDEXED = new boolean[StaticTable.LENGTH + 1];

    static {
        for (int index : new int[] {StaticTable.PATH, StaticTable.PATH + 1, StaticTable.CONTENT_LENGTH, StaticTable.AGE,
                StaticTable.ETAG, StaticTable.IF_MODIFIED_SINCE, StaticTable.IF_NONE_MATCH, StaticTable.LOCATION}) {
            NOT_INDEXED[index] = true;
        }
    }

    private final int tableSizeLimit;
    private final DynamicTable table;
    /**
     * Strings are Huffman-coded when strictly shorter (equal lengths stay plain: cheaper to decode); the RFC's
     * examples code them never (C.3, C.5) or always (C.4, C.6).
     */
    private final boolean huffmanNever;
    private final boolean huffmanAlways;
    /** Whether every field is indexed, as the RFC's examples do; false applies the choices above. */
    private final boolean indexEverything;
    /** A size change is owed at the start of the next block. */
    private boolean updatePending;
    /** The smallest size set since the last block, and the last one. */
    private int smallestPending;
    private int pendingSize;

    /** An encoder whose table is at most {@link #DEFAULT_TABLE_SIZE_LIMIT} octets. */
    public HpackEncoder() {
        this(DEFAULT_TABLE_SIZE_LIMIT);
    }

    /**
     * An encoder whose table never exceeds {@code tableSizeLimit}, whatever the peer allows.
     *
     * @param tableSizeLimit the most octets this encoder keeps in its table; 0 never indexes
     * @throws IllegalArgumentException when the limit is negative
     */
    public HpackEncoder(int tableSizeLimit) {
        if (tableSizeLimit < 0) {
            throw new IllegalArgumentException("table size limit " + tableSizeLimit);
        }
        this.tableSizeLimit = tableSizeLimit;
        this.huffmanNever = false;
        this.huffmanAlways = false;
        this.indexEverything = false;
        // The peer's decoder starts at the protocol's 4,096 octets; a smaller own limit is declared in the first block.
        table = new DynamicTable(HpackDecoder.DEFAULT_TABLE_SIZE);
        setMaxTableSize(HpackDecoder.DEFAULT_TABLE_SIZE);
    }

    /**
     * The encoder of RFC 7541 appendix C: a table of {@code tableSize} octets on both sides from the start, every
     * field indexed, strings always Huffman-coded or never. For the tests that check its examples byte for byte.
     */
    HpackEncoder(int tableSize, boolean huffman, boolean indexEverything) {
        this.tableSizeLimit = tableSize;
        this.huffmanNever = !huffman;
        this.huffmanAlways = huffman;
        this.indexEverything = indexEverything;
        table = new DynamicTable(tableSize);
    }

    /**
     * Applies the peer's {@code SETTINGS_HEADER_TABLE_SIZE}. The table used is the smaller of it and this
     * encoder's limit; a change is declared at the start of the next block.
     *
     * @param size the peer's setting, in octets
     * @throws IllegalArgumentException when the size is negative
     */
    public void setMaxTableSize(int size) {
        if (size < 0) {
            throw new IllegalArgumentException("table size " + size);
        }
        int effective = Math.min(size, tableSizeLimit);
        if (!updatePending) {
            if (effective == table.maxSize()) {
                return;
            }
            updatePending = true;
            smallestPending = effective;
        } else {
            smallestPending = Math.min(smallestPending, effective);
        }
        pendingSize = effective;
    }

    /**
     * Starts a header block in {@code out}: writes the dynamic table size updates owed since the last block
     * (none, one, or the smallest size then the final one). Call it once before each block's first field.
     *
     * @param out the block, usually empty
     */
    public void startBlock(HeaderBlock out) {
        if (!updatePending) {
            return;
        }
        out.ensure(12);
        if (smallestPending < table.maxSize()) {
            writeInt(out, 0x20, 0x1F, smallestPending);
            table.setMaxSize(smallestPending);
        }
        if (pendingSize != table.maxSize()) {
            writeInt(out, 0x20, 0x1F, pendingSize);
            table.setMaxSize(pendingSize);
        }
        updatePending = false;
    }

    /**
     * Writes the {@code :status} pseudo-field: one byte for 200, 204, 206, 304, 400, 404 and 500, a literal
     * without indexing otherwise. Allocates nothing.
     *
     * @param out    the block
     * @param status the status code, 100 to 999
     * @throws IllegalArgumentException when the status does not have three digits
     */
    public void status(HeaderBlock out, int status) {
        int index = switch (status) {
            case 200 -> 8;
            case 204 -> 9;
            case 206 -> 10;
            case 304 -> 11;
            case 400 -> 12;
            case 404 -> 13;
            case 500 -> 14;
            default -> 0;
        };
        if (index != 0) {
            out.ensure(1);
            out.put(0x80 | index);
            return;
        }
        if (status < 100 || status > 999) {
            throw new IllegalArgumentException("status " + status);
        }
        out.ensure(1 + 1 + 3);
        writeInt(out, 0x00, 0x0F, StaticTable.STATUS);
        writeNumber(out, status);
    }

    /**
     * Writes {@code content-length} as a literal without indexing (its values rarely repeat). Allocates nothing.
     *
     * @param out    the block
     * @param length the body's length in bytes
     * @throws IllegalArgumentException when the length is negative
     */
    public void contentLength(HeaderBlock out, long length) {
        if (length < 0) {
            throw new IllegalArgumentException("content length " + length);
        }
        out.ensure(1 + 1 + 19);
        writeInt(out, 0x00, 0x0F, StaticTable.CONTENT_LENGTH);
        writeNumber(out, length);
    }

    /**
     * Writes a field, choosing its representation as the class comment says.
     *
     * @param out   the block
     * @param name  the name, in any case (sent lowercase)
     * @param value the value
     */
    public void field(HeaderBlock out, String name, String value) {
        field(out, name, value, false);
    }

    /**
     * Writes a field, never indexed when {@code sensitive}.
     *
     * @param out       the block
     * @param name      the name, in any case (sent lowercase)
     * @param value     the value
     * @param sensitive true to send it never indexed whatever its name (a token in a custom field, say)
     */
    public void field(HeaderBlock out, String name, String value, boolean sensitive) {
        int staticName = StaticTable.nameIndex(name);
        if (sensitive || (!indexEverything && sensitive(staticName, value))) {
            literal(out, 0x10, 0x0F, staticName != 0 ? staticName : dynamicNameIndex(name), name, value);
            return;
        }
        if (staticName != 0) {
            int full = StaticTable.fieldIndex(staticName, value);
            if (full != 0) {
                out.ensure(1);
                out.put(0x80 | full);
                return;
            }
            if (NOT_INDEXED[staticName] && !indexEverything) {
                literal(out, 0x00, 0x0F, staticName, name, value);
                return;
            }
        }
        int nameIndex = staticName;
        for (int i = 0, n = table.length(); i < n; i++) {
            String entryName = table.name(i);
            if (entryName == name || StaticTable.sameName(entryName, name)) {
                if (table.value(i).equals(value)) {
                    out.ensure(6);
                    writeInt(out, 0x80, 0x7F, StaticTable.LENGTH + 1 + i);
                    return;
                }
                if (nameIndex == 0) {
                    nameIndex = StaticTable.LENGTH + 1 + i;
                }
            }
        }
        if (DynamicTable.entrySize(name, value) > table.maxSize()) {
            literal(out, 0x00, 0x0F, nameIndex, name, value);
            return;
        }
        literal(out, 0x40, 0x3F, nameIndex, name, value);
        table.add(name, value);
    }

    /** The dynamic table, for tests. */
    DynamicTable table() {
        return table;
    }

    private static boolean sensitive(int staticName, String value) {
        return staticName == StaticTable.AUTHORIZATION || staticName == StaticTable.PROXY_AUTHORIZATION
                || staticName == StaticTable.SET_COOKIE || (staticName == StaticTable.COOKIE && value.length() < 20);
    }

    private int dynamicNameIndex(String name) {
        for (int i = 0, n = table.length(); i < n; i++) {
            if (StaticTable.sameName(table.name(i), name)) {
                return StaticTable.LENGTH + 1 + i;
            }
        }
        return 0;
    }

    /** A literal field: the representation's bits and prefix, the name as an index or (0) a string, the value. */
    private void literal(HeaderBlock out, int pattern, int mask, int nameIndex, String name, String value) {
        // Each string takes at most its length plus a 6-byte length; the field's first byte and index 6 more.
        out.ensure(name.length() + value.length() + 18);
        writeInt(out, pattern, mask, nameIndex);
        if (nameIndex == 0) {
            writeString(out, name, true);
        }
        writeString(out, value, false);
    }

    /** A string literal (RFC 7541 5.2), Huffman-coded when shorter; room must have been made. */
    private void writeString(HeaderBlock out, String s, boolean lowercase) {
        int length = s.length();
        int coded = huffmanNever ? length : Huffman.encodedLength(s, lowercase);
        if (coded < length || huffmanAlways) {
            writeInt(out, 0x80, 0x7F, coded);
            out.position(Huffman.encode(s, lowercase, out.array(), out.position()));
            return;
        }
        writeInt(out, 0x00, 0x7F, length);
        byte[] a = out.array();
        int p = out.position();
        for (int i = 0; i < length; i++) {
            a[p++] = (byte) Huffman.octet(s.charAt(i), lowercase);
        }
        out.position(p);
    }

    /** The decimal digits of {@code n} as a string literal, Huffman-coded when shorter; room for 20 bytes made. */
    private static void writeNumber(HeaderBlock out, long n) {
        int digits = 1;
        long bits = Huffman.length('0' + (int) (n % 10));
        for (long rest = n / 10; rest != 0; rest /= 10) {
            digits++;
            bits += Huffman.length('0' + (int) (rest % 10));
        }
        int huffman = (int) ((bits + 7) >>> 3);
        long divisor = 1;
        for (int i = 1; i < digits; i++) {
            divisor *= 10;
        }
        if (huffman < digits) {
            out.put(0x80 | huffman);
            long acc = 0;
            int pending = 0;
            for (long d = divisor; d != 0; d /= 10) {
                int symbol = '0' + (int) (n / d % 10);
                acc = (acc << Huffman.length(symbol)) | Huffman.CODES[symbol];
                pending += Huffman.length(symbol);
                if (pending >= 8) {
                    pending -= 8;
                    out.put((int) (acc >>> pending));
                }
            }
            if (pending > 0) {
                out.put((int) ((acc << (8 - pending)) | (0xFF >>> pending)));
            }
            return;
        }
        out.put(digits);
        for (long d = divisor; d != 0; d /= 10) {
            out.put('0' + (int) (n / d % 10));
        }
    }

    /** An integer with an {@code mask}-bit prefix after the bits of {@code pattern} (RFC 7541 5.1). */
    static void writeInt(HeaderBlock out, int pattern, int mask, int value) {
        if (value < mask) {
            out.put(pattern | value);
            return;
        }
        out.put(pattern | mask);
        value -= mask;
        while (value >= 0x80) {
            out.put((value & 0x7F) | 0x80);
            value >>>= 7;
        }
        out.put(value);
    }
}
