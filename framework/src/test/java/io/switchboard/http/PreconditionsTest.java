package io.switchboard.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.http.Preconditions.Outcome;
import org.junit.jupiter.api.Test;

/** Conditional requests (RFC 9110 section 13) and HTTP dates, against one file's validators. */
class PreconditionsTest {
    private static final String ETAG = "\"18c7a2b3c00-400\"";
    /** Sun, 06 Nov 1994 08:49:37 GMT. */
    private static final long MODIFIED = 784111777L;

    private static HttpRequest get(String... fields) {
        HttpHeaders headers = new HttpHeaders(4);
        for (int i = 0; i < fields.length; i += 2) {
            headers.add(fields[i], fields[i + 1]);
        }
        return new HttpRequest("GET", "/f", HttpVersion.HTTP_1_1, headers, null);
    }

    private static Outcome evaluate(String... fields) {
        return Preconditions.evaluate(get(fields), ETAG, MODIFIED);
    }

    @Test
    void httpDatesAreReadInAllThreeFormsAndWrittenAsImfFixdate() {
        assertEquals(MODIFIED, HttpDates.parse("Sun, 06 Nov 1994 08:49:37 GMT"));
        assertEquals(MODIFIED, HttpDates.parse("Sunday, 06-Nov-94 08:49:37 GMT"), "RFC 850");
        assertEquals(MODIFIED, HttpDates.parse("Sun Nov  6 08:49:37 1994"), "asctime");
        assertEquals("Sun, 06 Nov 1994 08:49:37 GMT", HttpDates.format(MODIFIED));
        assertEquals(HttpDates.INVALID, HttpDates.parse("yesterday"));
        assertEquals(HttpDates.INVALID, HttpDates.parse("Mon, 06 Nov 1994 08:49:37 GMT"), "the wrong day of the week");
    }

    @Test
    void ifNoneMatchComparesWeaklyAndWinsOverIfModifiedSince() {
        assertEquals(Outcome.NOT_MODIFIED, evaluate("If-None-Match", ETAG));
        assertEquals(Outcome.NOT_MODIFIED, evaluate("If-None-Match", "W/" + ETAG), "weak comparison");
        assertEquals(Outcome.NOT_MODIFIED, evaluate("If-None-Match", "\"x\", " + ETAG), "in a list");
        assertEquals(Outcome.NOT_MODIFIED, evaluate("If-None-Match", "\"x\"", "If-None-Match", ETAG), "over two lines");
        assertEquals(Outcome.NOT_MODIFIED, evaluate("If-None-Match", "*"));
        assertEquals(Outcome.PROCEED, evaluate("If-None-Match", "\"other\""));
        assertEquals(Outcome.PROCEED, evaluate("If-None-Match", "\"other\"", "If-Modified-Since", HttpDates.format(MODIFIED)),
                "If-Modified-Since is ignored when If-None-Match is present");
        assertEquals(Outcome.PROCEED, evaluate("If-None-Match", "garbage"));
    }

    @Test
    void ifModifiedSinceComparesWholeSeconds() {
        assertEquals(Outcome.NOT_MODIFIED, evaluate("If-Modified-Since", HttpDates.format(MODIFIED)));
        assertEquals(Outcome.NOT_MODIFIED, evaluate("If-Modified-Since", HttpDates.format(MODIFIED + 60)));
        assertEquals(Outcome.PROCEED, evaluate("If-Modified-Since", HttpDates.format(MODIFIED - 1)));
        assertEquals(Outcome.PROCEED, evaluate("If-Modified-Since", "not a date"), "an invalid date is ignored");
    }

    @Test
    void ifMatchAndIfUnmodifiedSinceFailWith412() {
        assertEquals(Outcome.PROCEED, evaluate("If-Match", ETAG));
        assertEquals(Outcome.PROCEED, evaluate("If-Match", "*"));
        assertEquals(Outcome.FAILED, evaluate("If-Match", "W/" + ETAG), "strong comparison: a weak tag never matches");
        assertEquals(Outcome.FAILED, evaluate("If-Match", "\"other\""));
        assertEquals(Outcome.FAILED, evaluate("If-Unmodified-Since", HttpDates.format(MODIFIED - 1)));
        assertEquals(Outcome.PROCEED, evaluate("If-Unmodified-Since", HttpDates.format(MODIFIED)));
        assertEquals(Outcome.PROCEED, evaluate("If-Match", ETAG, "If-Unmodified-Since", HttpDates.format(MODIFIED - 1)),
                "If-Unmodified-Since is ignored when If-Match is present");
        assertEquals(Outcome.FAILED, evaluate("If-Match", "\"other\"", "If-None-Match", ETAG), "412 before 304");
    }

    @Test
    void ifRangeNamesTheCurrentFileByStrongTagOrExactDate() {
        assertTrue(Preconditions.rangeAllowed(get(), ETAG, MODIFIED), "no If-Range");
        assertTrue(Preconditions.rangeAllowed(get("If-Range", ETAG), ETAG, MODIFIED));
        assertFalse(Preconditions.rangeAllowed(get("If-Range", "W/" + ETAG), ETAG, MODIFIED), "a weak tag never matches");
        assertFalse(Preconditions.rangeAllowed(get("If-Range", "\"old\""), ETAG, MODIFIED));
        assertTrue(Preconditions.rangeAllowed(get("If-Range", HttpDates.format(MODIFIED)), ETAG, MODIFIED));
        assertFalse(Preconditions.rangeAllowed(get("If-Range", HttpDates.format(MODIFIED + 1)), ETAG, MODIFIED),
                "a date matches only exactly");
    }

    @Test
    void acceptEncodingHonoursQualityValues() {
        assertTrue(AcceptGzip.accepts(get("Accept-Encoding", "gzip, deflate, br")));
        assertTrue(AcceptGzip.accepts(get("Accept-Encoding", "br;q=1.0, GZIP;q=0.5")));
        assertTrue(AcceptGzip.accepts(get("Accept-Encoding", "x-gzip")));
        assertTrue(AcceptGzip.accepts(get("Accept-Encoding", "*")));
        assertTrue(AcceptGzip.accepts(get("Accept-Encoding", "identity", "Accept-Encoding", "gzip")), "two lines");
        assertFalse(AcceptGzip.accepts(get()), "no field: identity only");
        assertFalse(AcceptGzip.accepts(get("Accept-Encoding", "gzip;q=0")));
        assertFalse(AcceptGzip.accepts(get("Accept-Encoding", "gzip;q=0.000, *;q=1")), "gzip named with 0 wins over *");
        assertFalse(AcceptGzip.accepts(get("Accept-Encoding", "*;q=0")));
        assertFalse(AcceptGzip.accepts(get("Accept-Encoding", "br, deflate")));
        assertFalse(AcceptGzip.accepts(get("Accept-Encoding", "gzip;q=2")), "not a qvalue: not acceptable");
    }
}
