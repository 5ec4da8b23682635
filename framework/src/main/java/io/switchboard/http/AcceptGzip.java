package io.switchboard.http;

import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Whether a request's {@code Accept-Encoding} (RFC 9110 section 12.5.3) accepts gzip: {@code gzip} (or its alias
 * {@code x-gzip}) with a quality above 0, or, when gzip is not named, {@code *} with a quality above 0. A request
 * without the field accepts no coding but identity here: a server may not assume more. Stateless.
 */
final class AcceptGzip {
    /** A qvalue: 0 to 1 with at most three decimals. */
    private static final Pattern QVALUE = Pattern.compile("0(\\.\\d{0,3})?|1(\\.0{0,3})?");

    private AcceptGzip() {
    }

    /** {@return true when {@code request} accepts a gzip-coded answer} */
    static boolean accepts(HttpRequest request) {
        HttpHeaders headers = request.headers();
        if (headers.count("Accept-Encoding") == 0) {
            return false;
        }
        double gzip = -1;
        double any = -1;
        for (String field : headers.getAll("Accept-Encoding")) {
            for (String element : field.split(",")) {
                int semi = element.indexOf(';');
                String coding = (semi < 0 ? element : element.substring(0, semi)).trim().toLowerCase(Locale.ROOT);
                double q = semi < 0 ? 1 : quality(element.substring(semi + 1));
                if (coding.equals("gzip") || coding.equals("x-gzip")) {
                    gzip = Math.max(gzip, q);
                } else if (coding.equals("*")) {
                    any = Math.max(any, q);
                }
            }
        }
        return gzip >= 0 ? gzip > 0 : any > 0;
    }

    /** The {@code q} parameter among {@code params}; 1 without one, 0 for one that is not a qvalue. */
    private static double quality(String params) {
        for (String param : params.split(";")) {
            String p = param.trim();
            if (p.length() > 2 && (p.charAt(0) == 'q' || p.charAt(0) == 'Q') && p.charAt(1) == '=') {
                String value = p.substring(2).trim();
                if (!QVALUE.matcher(value).matches()) {
                    return 0;
                }
                return Double.parseDouble(value);
            }
        }
        return 1;
    }
}
