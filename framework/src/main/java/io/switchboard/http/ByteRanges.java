package io.switchboard.http;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A {@code Range} field read against a representation of known length (RFC 9110 section 14): which byte ranges
 * to send, none (send the whole), or none that can be (416).
 *
 * <ul>
 *   <li>Only the {@code bytes} unit; another unit, or a field that does not parse (a last position before the
 *       first, say), is ignored, as the RFC asks: the whole representation is sent.</li>
 *   <li>More than {@code maxRanges} ranges are ignored the same way (Apache's {@code MaxRanges}, after
 *       CVE-2011-3192), so a client cannot make one request into thousands of parts.</li>
 *   <li>Ranges that overlap or lie closer than a part's overhead ({@link #COALESCE_GAP} bytes) are coalesced,
 *       after sorting, so the bytes sent never exceed the representation's length plus the parts' heads; ranges that
 *       stay apart keep the order they were asked in (section 14.6).</li>
 *   <li>A range that starts past the end (or a suffix of 0 bytes) cannot be satisfied; when none can, the answer is
 *       416 with {@code Content-Range: bytes *}{@code /length}.</li>
 * </ul>
 *
 * Immutable.
 */
final class ByteRanges {
    /** Ranges closer than this are sent as one: about what a part's head and boundary cost. */
    static final long COALESCE_GAP = 80;

    /** What the field asks for. */
    enum Kind {
        /** No usable field: send the whole representation (200). */
        WHOLE,
        /** Ranges, none of which can be satisfied (416). */
        UNSATISFIABLE,
        /** One range or more to send (206). */
        RANGES
    }

    private static final ByteRanges WHOLE = new ByteRanges(Kind.WHOLE, new long[0], new long[0]);
    private static final ByteRanges UNSATISFIABLE = new ByteRanges(Kind.UNSATISFIABLE, new long[0], new long[0]);

    private final Kind kind;
    private final long[] firsts;
    private final long[] lasts;

    private ByteRanges(Kind kind, long[] firsts, long[] lasts) {
        this.kind = kind;
        this.firsts = firsts;
        this.lasts = lasts;
    }

    /**
     * Reads {@code field} against a representation of {@code length} bytes.
     *
     * @param field     the {@code Range} field's value, or null
     * @param length    the representation's length
     * @param maxRanges the most ranges honoured; more and the field is ignored
     * @return what to send
     */
    static ByteRanges parse(String field, long length, int maxRanges) {
        if (field == null) {
            return WHOLE;
        }
        int eq = field.indexOf('=');
        if (eq < 0 || !field.substring(0, eq).trim().equalsIgnoreCase("bytes")) {
            return WHOLE;
        }
        String[] specs = field.substring(eq + 1).split(",", -1);
        List<long[]> satisfiable = new ArrayList<>();
        int count = 0;
        for (String raw : specs) {
            String spec = raw.trim();
            if (spec.isEmpty()) {
                continue; // the list rule allows empty elements
            }
            if (++count > maxRanges) {
                return WHOLE;
            }
            long[] range = range(spec, length);
            if (range == null) {
                return WHOLE; // not a range-spec: the whole field is invalid
            }
            if (range.length == 2) {
                satisfiable.add(range);
            }
        }
        if (count == 0) {
            return WHOLE;
        }
        if (satisfiable.isEmpty()) {
            return UNSATISFIABLE;
        }
        return coalesce(satisfiable);
    }

    /**
     * One range-spec: {@code {first, last}} clamped to the representation, an empty array when it cannot be
     * satisfied, null when it does not parse.
     */
    private static long[] range(String spec, long length) {
        int dash = spec.indexOf('-');
        if (dash < 0) {
            return null;
        }
        if (dash == 0) {
            long suffix = digits(spec, 1, spec.length());
            if (suffix < 0) {
                return null;
            }
            if (suffix == 0 || length == 0) {
                return new long[0];
            }
            return new long[] {Math.max(0, length - suffix), length - 1};
        }
        long first = digits(spec, 0, dash);
        if (first < 0) {
            return null;
        }
        long last;
        if (dash == spec.length() - 1) {
            last = Long.MAX_VALUE;
        } else {
            last = digits(spec, dash + 1, spec.length());
            if (last < 0 || last < first) {
                return null;
            }
        }
        if (first >= length) {
            return new long[0];
        }
        return new long[] {first, Math.min(last, length - 1)};
    }

    /** 1*DIGIT from {@code from} to {@code to}: its value (Long.MAX_VALUE when larger), or -1 when not digits. */
    private static long digits(String s, int from, int to) {
        if (from >= to) {
            return -1;
        }
        long value = 0;
        for (int i = from; i < to; i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            value = value > (Long.MAX_VALUE - 9) / 10 ? Long.MAX_VALUE : value * 10 + (c - '0');
        }
        return value;
    }

    /** Merges ranges that overlap or lie within {@link #COALESCE_GAP} of each other; keeps the order otherwise. */
    private static ByteRanges coalesce(List<long[]> ranges) {
        List<long[]> sorted = new ArrayList<>(ranges);
        sorted.sort((a, b) -> Long.compare(a[0], b[0]));
        boolean close = false;
        for (int i = 1; i < sorted.size() && !close; i++) {
            close = sorted.get(i)[0] - sorted.get(i - 1)[1] <= COALESCE_GAP;
        }
        List<long[]> result = ranges;
        if (close) {
            result = new ArrayList<>();
            long[] current = sorted.get(0).clone();
            for (int i = 1; i < sorted.size(); i++) {
                long[] next = sorted.get(i);
                if (next[0] - current[1] <= COALESCE_GAP) {
                    current[1] = Math.max(current[1], next[1]);
                } else {
                    result.add(current);
                    current = next.clone();
                }
            }
            result.add(current);
        }
        long[] firsts = new long[result.size()];
        long[] lasts = new long[result.size()];
        for (int i = 0; i < firsts.length; i++) {
            firsts[i] = result.get(i)[0];
            lasts[i] = result.get(i)[1];
        }
        return new ByteRanges(Kind.RANGES, firsts, lasts);
    }

    /** {@return what the field asks for} */
    Kind kind() {
        return kind;
    }

    /** {@return how many ranges to send} */
    int size() {
        return firsts.length;
    }

    /** {@return the first byte of range {@code i}} */
    long first(int i) {
        return firsts[i];
    }

    /** {@return the last byte of range {@code i}, inclusive} */
    long last(int i) {
        return lasts[i];
    }

    @Override
    public String toString() {
        return kind + (firsts.length == 0 ? "" : " " + Arrays.toString(firsts) + ".." + Arrays.toString(lasts));
    }
}
