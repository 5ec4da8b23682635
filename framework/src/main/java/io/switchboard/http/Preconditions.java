package io.switchboard.http;

/**
 * The conditional fields of a {@code GET} or {@code HEAD} against a representation's validators, in the order of
 * RFC 9110 section 13.2.2: {@code If-Match}, else {@code If-Unmodified-Since} (412 when they fail), then
 * {@code If-None-Match}, else {@code If-Modified-Since} (304 when they fail); and {@code If-Range}, which decides
 * whether a {@code Range} is honoured. {@code If-Match} and {@code If-Range} compare entity tags strongly (a weak tag
 * never matches), {@code If-None-Match} weakly. Dates are compared in whole seconds; one that does not parse is
 * ignored. Stateless.
 */
final class Preconditions {

    /** The outcome of the conditional fields. */
    enum Outcome {
        /** Answer as if there were none. */
        PROCEED,
        /** 304: the client's copy is current. */
        NOT_MODIFIED,
        /** 412: a precondition failed. */
        FAILED
    }

    private Preconditions() {
    }

    /**
     * Evaluates the conditional fields of {@code request} against a representation.
     *
     * @param request      a GET or HEAD request
     * @param etag         the representation's entity tag, quoted, strong
     * @param lastModified when it last changed, in seconds since the epoch
     * @return what to answer
     */
    static Outcome evaluate(HttpRequest request, String etag, long lastModified) {
        String ifMatch = list(request, "If-Match");
        if (ifMatch != null) {
            if (!matches(ifMatch, etag, true)) {
                return Outcome.FAILED;
            }
        } else {
            long since = HttpDates.parse(request.header("If-Unmodified-Since"));
            if (since != HttpDates.INVALID && lastModified > since) {
                return Outcome.FAILED;
            }
        }
        String ifNoneMatch = list(request, "If-None-Match");
        if (ifNoneMatch != null) {
            return matches(ifNoneMatch, etag, false) ? Outcome.NOT_MODIFIED : Outcome.PROCEED;
        }
        long since = HttpDates.parse(request.header("If-Modified-Since"));
        if (since != HttpDates.INVALID && lastModified <= since) {
            return Outcome.NOT_MODIFIED;
        }
        return Outcome.PROCEED;
    }

    /**
     * Whether a {@code Range} of {@code request} may be honoured: true without {@code If-Range}, or when it names the
     * current representation (its strong entity tag, or exactly its {@code Last-Modified} date).
     */
    static boolean rangeAllowed(HttpRequest request, String etag, long lastModified) {
        String ifRange = request.header("If-Range");
        if (ifRange == null) {
            return true;
        }
        String value = ifRange.trim();
        if (value.startsWith("\"") || value.startsWith("W/")) {
            return value.equals(etag);
        }
        return HttpDates.parse(value) == lastModified;
    }

    /** A list field's values joined with commas, as its several lines mean; null when absent. */
    private static String list(HttpRequest request, String name) {
        HttpHeaders headers = request.headers();
        int count = headers.count(name);
        if (count == 0) {
            return null;
        }
        return count == 1 ? headers.get(name) : String.join(",", headers.getAll(name));
    }

    /**
     * Whether the entity-tag list {@code field} ({@code *} or {@code [W/]"tag", ...}) matches {@code etag}.
     * {@code strong}: a weak tag in the list never matches. A list that does not parse matches nothing.
     */
    static boolean matches(String field, String etag, boolean strong) {
        String value = field.trim();
        if (value.equals("*")) {
            return true;
        }
        int i = 0;
        int n = value.length();
        while (i < n) {
            char c = value.charAt(i);
            if (c == ' ' || c == '\t' || c == ',') {
                i++;
                continue;
            }
            boolean weak = false;
            if (c == 'W' && i + 1 < n && value.charAt(i + 1) == '/') {
                weak = true;
                i += 2;
            }
            if (i >= n || value.charAt(i) != '"') {
                return false;
            }
            int close = value.indexOf('"', i + 1);
            if (close < 0) {
                return false;
            }
            if ((!strong || !weak) && value.regionMatches(i, etag, 0, etag.length()) && close + 1 - i == etag.length()) {
                return true;
            }
            i = close + 1;
        }
        return false;
    }
}
