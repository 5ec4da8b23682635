package io.switchboard.http;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.function.LongSupplier;

/**
 * The {@code Date} header line, rendered once a second and shared by every connection of a service.
 * Thread-safe without locks: readers see an immutable entry; a reader that finds it stale renders a new
 * one (two loops may both render in the same second; both results are equal).
 */
final class DateCache {
    private static final DateTimeFormatter IMF_FIXDATE =
            DateTimeFormatter.ofPattern("EEE, dd MMM yyyy HH:mm:ss 'GMT'", Locale.US).withZone(ZoneOffset.UTC);

    private final LongSupplier clockMillis;
    private volatile Entry current = new Entry(Long.MIN_VALUE, new byte[0]);

    DateCache(LongSupplier clockMillis) {
        this.clockMillis = clockMillis;
    }

    /** {@code Date: <IMF-fixdate>\r\n} for the current second. */
    byte[] line() {
        long second = Math.floorDiv(clockMillis.getAsLong(), 1000);
        Entry e = current;
        if (e.second != second) {
            e = new Entry(second, ("Date: " + IMF_FIXDATE.format(Instant.ofEpochSecond(second)) + "\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            current = e;
        }
        return e.line;
    }

    private record Entry(long second, byte[] line) {
    }
}
