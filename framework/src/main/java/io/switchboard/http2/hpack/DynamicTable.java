package io.switchboard.http2.hpack;

/**
 * The dynamic table of RFC 7541 section 2.3.2 and 4: entries newest first, each counting its name's and value's
 * octets plus 32 against a maximum size, the oldest evicted to make room. A ring of names and values that grows
 * by doubling, never past what the maximum size can hold (one entry per 32 octets). Entry 0 is the newest; the
 * HPACK index of entry {@code i} is {@code 62 + i}. Each char is one octet (see {@link Huffman#octet}). Not
 * thread-safe.
 */
final class DynamicTable {
    /** The per-entry overhead of RFC 7541 4.1. */
    static final int ENTRY_OVERHEAD = 32;

    private String[] names = new String[8];
    private String[] values = new String[8];
    /** Slot of the newest entry. */
    private int newest = -1;
    private int count;
    /** Sum of the entries' sizes, in octets. */
    private int size;
    private int maxSize;

    DynamicTable(int maxSize) {
        this.maxSize = maxSize;
    }

    /** {@return the size of an entry: its octets plus 32} */
    static long entrySize(String name, String value) {
        return (long) name.length() + value.length() + ENTRY_OVERHEAD;
    }

    /** {@return the number of entries} */
    int length() {
        return count;
    }

    /** {@return the sum of the entries' sizes} */
    int size() {
        return size;
    }

    /** {@return the maximum size, as last set} */
    int maxSize() {
        return maxSize;
    }

    /** {@return the name of entry {@code i}, 0 the newest} */
    String name(int i) {
        return names[(newest - i) & (names.length - 1)];
    }

    /** {@return the value of entry {@code i}, 0 the newest} */
    String value(int i) {
        return values[(newest - i) & (values.length - 1)];
    }

    /**
     * Adds an entry as the newest, evicting the oldest until it fits; an entry larger than the maximum size
     * empties the table and is not added (RFC 7541 4.4).
     */
    void add(String name, String value) {
        long entry = entrySize(name, value);
        if (entry > maxSize) {
            clear();
            return;
        }
        while (size + entry > maxSize) {
            evictOldest();
        }
        if (count == names.length) {
            grow();
        }
        newest = (newest + 1) & (names.length - 1);
        names[newest] = name;
        values[newest] = value;
        count++;
        size += (int) entry;
    }

    /** Sets the maximum size, evicting the oldest entries until the table fits in it. */
    void setMaxSize(int maxSize) {
        this.maxSize = maxSize;
        while (size > maxSize) {
            evictOldest();
        }
        if (count == 0 && names.length > 8) {
            names = new String[8];
            values = new String[8];
            newest = -1;
        }
    }

    /** Removes every entry. */
    void clear() {
        while (count > 0) {
            evictOldest();
        }
    }

    private void evictOldest() {
        int oldest = (newest - count + 1) & (names.length - 1);
        size -= (int) entrySize(names[oldest], values[oldest]);
        names[oldest] = null;
        values[oldest] = null;
        count--;
    }

    private void grow() {
        String[] grownNames = new String[names.length * 2];
        String[] grownValues = new String[names.length * 2];
        for (int i = 0; i < count; i++) {
            // oldest first, so the newest ends at slot count - 1
            grownNames[i] = name(count - 1 - i);
            grownValues[i] = value(count - 1 - i);
        }
        names = grownNames;
        values = grownValues;
        newest = count - 1;
    }
}
