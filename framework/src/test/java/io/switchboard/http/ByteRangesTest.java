package io.switchboard.http;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** The Range field against a representation of known length: RFC 9110's rules, the cap, the coalescing. */
class ByteRangesTest {
    private static final long LENGTH = 10_000;

    private static String read(String field) {
        return ByteRanges.parse(field, LENGTH, 200).toString();
    }

    @Test
    void singleRangesOfEveryForm() {
        assertEquals("RANGES [0]..[99]", read("bytes=0-99"));
        assertEquals("RANGES [9000]..[9999]", read("bytes=9000-"), "open-ended: to the last byte");
        assertEquals("RANGES [9900]..[9999]", read("bytes=-100"), "a suffix: the last 100 bytes");
        assertEquals("RANGES [0]..[9999]", read("bytes=-20000"), "a suffix longer than the file: all of it");
        assertEquals("RANGES [9990]..[9999]", read("bytes=9990-123456789"), "a last position past the end is clamped");
        assertEquals("RANGES [5]..[5]", read("BYTES = 5-5"), "the unit in any case, spaces around =");
        assertEquals("RANGES [0]..[9999]", read("bytes=0-99999999999999999999999"), "digits past a long are clamped");
    }

    @Test
    void fieldsThatDoNotParseAreIgnored() {
        for (String field : new String[] {"items=0-5", "bytes=5-1", "bytes=abc", "bytes=1-2-3", "bytes=", "bytes=,,",
                "0-5", "bytes=- 5", "bytes=+1-2", "bytes=0-1,x"}) {
            assertEquals("WHOLE", read(field), field + " is not a valid ranges-specifier: the whole file is sent");
        }
        assertEquals("WHOLE", read(null));
    }

    @Test
    void rangesThatStartPastTheEndCannotBeSatisfied() {
        assertEquals("UNSATISFIABLE", read("bytes=10000-"), "the first byte past the last");
        assertEquals("UNSATISFIABLE", read("bytes=-0"), "an empty suffix");
        assertEquals("UNSATISFIABLE", read("bytes=20000-30000, 10000-"));
        assertEquals("RANGES [0]..[0]", read("bytes=20000-30000, 0-0"), "the satisfiable ones are kept");
        assertEquals("UNSATISFIABLE", ByteRanges.parse("bytes=0-", 0, 200).toString(), "nothing in an empty file");
    }

    @Test
    void separateRangesKeepTheOrderTheyWereAskedIn() {
        assertEquals("RANGES [5000, 0]..[5099, 99]", read("bytes=5000-5099, 0-99"));
        assertEquals("RANGES [0, 200, 9900]..[99, 299, 9999]", read("bytes=0-99,200-299,-100"));
    }

    @Test
    void overlappingOrNearlyAdjacentRangesAreCoalesced() {
        assertEquals("RANGES [0]..[199]", read("bytes=0-99,50-199"), "overlapping");
        assertEquals("RANGES [0]..[199]", read("bytes=100-199,0-99"), "adjacent, asked in reverse");
        assertEquals("RANGES [0]..[180]", read("bytes=0-99,150-180"), "a gap of 50 bytes is less than a part's head");
        assertEquals("RANGES [0, 200]..[99, 299]", read("bytes=200-299,0-99,0-50"),
                "once any two ranges coalesce, the parts go in ascending order");
        // CVE-2011-3192: the same whole range asked 150 times is sent once, never 150 times the file
        assertEquals("RANGES [0]..[9999]", read("bytes=" + "0-,".repeat(149) + "0-"));
    }

    @Test
    void moreRangesThanTheCapAreIgnored() {
        StringBuilder many = new StringBuilder("bytes=0-0");
        for (int i = 1; i < 201; i++) {
            many.append(',').append(i * 100).append('-').append(i * 100);
        }
        assertEquals("WHOLE", ByteRanges.parse(many.toString(), 1_000_000, 200).toString(),
                "201 ranges, over the cap of 200: the whole file, as Apache's MaxRanges does");
        assertEquals(200, ByteRanges.parse(many.substring(0, many.lastIndexOf(",")), 1_000_000, 200).size(),
                "200 ranges, 100 bytes apart: all honoured");
    }
}
