package io.switchboard.http;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.format.DateTimeParseException;
import java.time.format.SignStyle;
import java.time.temporal.ChronoField;
import java.util.List;
import java.util.Locale;

/**
 * HTTP dates (RFC 9110 section 5.6.7): written as IMF-fixdate, read in all three forms a recipient must accept
 * (IMF-fixdate, the obsolete RFC 850 form and asctime's), always in GMT. Whole seconds, as the format has.
 * Thread-safe (the formatters are immutable).
 */
final class HttpDates {
    /** {@code Sun, 06 Nov 1994 08:49:37 GMT}. */
    private static final DateTimeFormatter IMF_FIXDATE =
            DateTimeFormatter.ofPattern("EEE, dd MMM yyyy HH:mm:ss 'GMT'", Locale.US).withZone(ZoneOffset.UTC);
    /** {@code Sunday, 06-Nov-94 08:49:37 GMT}: two-digit years from 1970 to 2069. */
    private static final DateTimeFormatter RFC_850 = new DateTimeFormatterBuilder()
            .appendPattern("EEEE, dd-MMM-")
            .appendValueReduced(ChronoField.YEAR, 2, 2, LocalDate.of(1970, 1, 1))
            .appendPattern(" HH:mm:ss 'GMT'")
            .toFormatter(Locale.US).withZone(ZoneOffset.UTC);
    /** {@code Sun Nov  6 08:49:37 1994}: the day padded with a space. */
    private static final DateTimeFormatter ASCTIME = new DateTimeFormatterBuilder()
            .appendPattern("EEE MMM ")
            .padNext(2).appendValue(ChronoField.DAY_OF_MONTH, 1, 2, SignStyle.NOT_NEGATIVE)
            .appendPattern(" HH:mm:ss yyyy")
            .toFormatter(Locale.US).withZone(ZoneOffset.UTC);
    private static final List<DateTimeFormatter> READ = List.of(IMF_FIXDATE, RFC_850, ASCTIME);

    /** What {@link #parse} returns for a value that is not an HTTP date. */
    static final long INVALID = Long.MIN_VALUE;

    private HttpDates() {
    }

    /** {@return {@code epochSecond} as an IMF-fixdate} */
    static String format(long epochSecond) {
        return IMF_FIXDATE.format(Instant.ofEpochSecond(epochSecond));
    }

    /**
     * Reads an HTTP date.
     *
     * @param value the field value, or null
     * @return the date in seconds since the epoch, or {@link #INVALID} when {@code value} is null or no HTTP date
     */
    static long parse(String value) {
        if (value == null) {
            return INVALID;
        }
        String trimmed = value.trim();
        for (DateTimeFormatter format : READ) {
            try {
                return ZonedDateTime.parse(trimmed, format).toEpochSecond();
            } catch (DateTimeParseException e) {
                // try the next form
            }
        }
        return INVALID;
    }
}
