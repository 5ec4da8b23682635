package io.switchboard.http;

/**
 * Picks the coding of an answer from the request's {@code Accept-Encoding} (RFC 9110 section 12.5.3). Pure
 * functions; thread-safe.
 *
 * <p>Each element names a coding with an optional weight ({@code gzip;q=0.8}); a weight of 0 refuses the coding,
 * {@code *} stands for every coding not named, and {@code x-gzip} is {@code gzip} (section 8.4.1.3). Names are
 * matched whole and without regard to case (Netty's {@code HttpContentCompressor} matches substrings, so
 * {@code x-gzip-not} would pick gzip there). A weight that does not parse counts as 0, as in Netty. The pick:
 * <ul>
 *   <li>no {@code Accept-Encoding} field, or an empty one: no coding (a client that says nothing gets what
 *       every client understands, as Netty, Jetty and nginx do);</li>
 *   <li>otherwise the coding with the highest weight, gzip when gzip and deflate tie (gzip is what every client
 *       means by compression; some old ones took {@code deflate} for raw deflate);</li>
 *   <li>no coding when neither has a weight above 0, or when {@code identity} is named (or covered by
 *       {@code *}) with a weight above the best coding's: the client prefers the bytes as they are.</li>
 * </ul>
 * A client that refuses identity ({@code identity;q=0}, or {@code *;q=0} without {@code identity}) and accepts
 * neither coding gets the answer uncompressed anyway, not {@code 406}: section 12.1 lets a server disregard a
 * preference it cannot meet, and Netty, Jetty and nginx do so.
 */
final class AcceptEncoding {
    /** Weights are kept in thousandths: {@code q=0.5} is 500. */
    private static final int ONE = 1000;
    private static final int UNNAMED = -1;

    private AcceptEncoding() {
    }

    /**
     * The coding to compress an answer to a request with {@code headers} in.
     *
     * @param headers the request's header fields
     * @return gzip, deflate, or null for none
     */
    static ContentCoding choose(HttpHeaders headers) {
        int gzip = UNNAMED;
        int deflate = UNNAMED;
        int identity = UNNAMED;
        int any = UNNAMED;
        boolean present = false;
        for (int f = 0; f < headers.size(); f++) {
            if (!headers.name(f).equalsIgnoreCase("Accept-Encoding")) {
                continue;
            }
            present = true;
            String value = headers.value(f);
            int start = 0;
            while (start < value.length()) {
                int comma = value.indexOf(',', start);
                int end = comma < 0 ? value.length() : comma;
                int semi = value.indexOf(';', start);
                int nameEnd = semi >= 0 && semi < end ? semi : end;
                int a = skipSpace(value, start, nameEnd);
                int b = trimEnd(value, a, nameEnd);
                if (b > a) {
                    int q = nameEnd < end ? weight(value, nameEnd + 1, end) : ONE;
                    if (is(value, a, b, "gzip") || is(value, a, b, "x-gzip")) {
                        gzip = Math.max(gzip, q);
                    } else if (is(value, a, b, "deflate")) {
                        deflate = Math.max(deflate, q);
                    } else if (is(value, a, b, "identity")) {
                        identity = Math.max(identity, q);
                    } else if (b - a == 1 && value.charAt(a) == '*') {
                        any = Math.max(any, q);
                    }
                }
                start = end + 1;
            }
        }
        if (!present) {
            return null;
        }
        int g = gzip != UNNAMED ? gzip : Math.max(any, 0);
        int d = deflate != UNNAMED ? deflate : Math.max(any, 0);
        int best = Math.max(g, d);
        if (best == 0) {
            return null;
        }
        int i = identity != UNNAMED ? identity : Math.max(any, 0);
        if (i > best) {
            return null;
        }
        return g >= d ? ContentCoding.GZIP : ContentCoding.DEFLATE;
    }

    /**
     * The weight among the parameters in {@code value[from, to)}: the value of {@code q}, in thousandths; 1000
     * when there is none; 0 when it does not parse as a qvalue ({@code 0}, {@code 0.ddd}, {@code 1},
     * {@code 1.000}).
     */
    static int weight(String value, int from, int to) {
        int start = from;
        while (start < to) {
            int semi = value.indexOf(';', start);
            int end = semi < 0 || semi > to ? to : semi;
            int a = skipSpace(value, start, end);
            int b = trimEnd(value, a, end);
            if (b - a >= 2 && (value.charAt(a) == 'q' || value.charAt(a) == 'Q')) {
                int eq = skipSpace(value, a + 1, b);
                if (eq < b && value.charAt(eq) == '=') {
                    return qvalue(value, skipSpace(value, eq + 1, b), b);
                }
            }
            start = end + 1;
        }
        return ONE;
    }

    private static int qvalue(String value, int a, int b) {
        if (a >= b || b - a > 5) {
            return 0;
        }
        char first = value.charAt(a);
        if (first != '0' && first != '1') {
            return 0;
        }
        int q = (first - '0') * ONE;
        if (b - a == 1) {
            return q;
        }
        if (value.charAt(a + 1) != '.') {
            return 0;
        }
        int scale = 100;
        for (int i = a + 2; i < b; i++) {
            char c = value.charAt(i);
            if (c < '0' || c > '9') {
                return 0;
            }
            q += (c - '0') * scale;
            scale /= 10;
        }
        return q > ONE ? 0 : q;
    }

    private static boolean is(String value, int a, int b, String token) {
        return b - a == token.length() && value.regionMatches(true, a, token, 0, token.length());
    }

    private static int skipSpace(String s, int a, int b) {
        while (a < b && (s.charAt(a) == ' ' || s.charAt(a) == '\t')) {
            a++;
        }
        return a;
    }

    private static int trimEnd(String s, int a, int b) {
        while (b > a && (s.charAt(b - 1) == ' ' || s.charAt(b - 1) == '\t')) {
            b--;
        }
        return b;
    }
}
