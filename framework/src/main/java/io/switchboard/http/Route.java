package io.switchboard.http;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * One route of {@link Routes}: a method, a path pattern and the handler, with the pattern checked and cut into
 * segments, and where its parameters sit in a path. Immutable.
 */
final class Route {
    /** The name the wildcard's value has among the path parameters. */
    static final String WILDCARD = "*";
    private static final String[] NONE = new String[0];

    final String method;
    final String pattern;
    final HttpHandler handler;
    /** The segments: literal text, {@code {name}} for a parameter, {@code *} for the wildcard (always last). */
    final String[] segments;
    /** The parameters' names in path order, the wildcard last as {@code *}; shared by every match (an identity). */
    final String[] paramNames;
    /** The index of the segment of each parameter; for the wildcard, of the first segment of the rest. */
    private final int[] paramSegments;

    /**
     * A route for {@code pattern}.
     *
     * @throws IllegalArgumentException when the pattern breaks a rule of {@link Routes}, with the rule
     */
    Route(String method, String pattern, HttpHandler handler) {
        this.method = method;
        this.pattern = pattern;
        this.handler = handler;
        this.segments = parse(pattern);
        List<String> names = new ArrayList<>();
        List<Integer> at = new ArrayList<>();
        for (int i = 0; i < segments.length; i++) {
            String s = segments[i];
            if (isParam(s)) {
                names.add(s.substring(1, s.length() - 1));
                at.add(i);
            } else if (s.equals(WILDCARD)) {
                names.add(WILDCARD);
                at.add(i);
            }
        }
        this.paramNames = names.isEmpty() ? NONE : names.toArray(NONE);
        this.paramSegments = at.stream().mapToInt(Integer::intValue).toArray();
    }

    /** {@return true for a {@code {name}} segment} */
    static boolean isParam(String segment) {
        return segment.length() > 2 && segment.charAt(0) == '{';
    }

    /** {@return true when the route has parameters or a wildcard} */
    boolean hasParams() {
        return paramNames.length > 0;
    }

    /** {@return the pattern with parameter names left out: two routes of one method and one shape match the same paths} */
    String shape() {
        StringBuilder sb = new StringBuilder();
        for (String s : segments) {
            sb.append('/').append(isParam(s) ? "{}" : s);
        }
        return sb.toString();
    }

    /**
     * Gives {@code request} the values of this route's parameters in {@code path}, which this route matched: each
     * parameter percent-decoded, the wildcard's rest as sent. Does nothing when this route gave them already
     * ({@link HttpHandler#bodyPolicy} and {@link HttpHandler#handle} both route a request with a body).
     *
     * @throws HttpException 400 when a parameter is not UTF-8 once decoded
     */
    void bind(HttpRequest request, String path) {
        if (request.pathParamsFrom(paramNames)) {
            return;
        }
        String[] values = new String[paramNames.length];
        for (int p = 0; p < values.length; p++) {
            int start = PathSegments.start(path, paramSegments[p]);
            if (paramNames[p].equals(WILDCARD)) {
                values[p] = start < 0 ? "" : path.substring(start);
            } else {
                values[p] = PathSegments.decode(path, start, PathSegments.end(path, start), true);
            }
        }
        request.bindPathParams(paramNames, values);
    }

    @Override
    public String toString() {
        return method + " " + pattern;
    }

    /**
     * Cuts {@code pattern} (it starts with {@code /}) into its segments and checks them: a parameter is a whole
     * segment with a name of letters, digits and {@code _}, used once; the wildcard is the whole last segment; no
     * empty segment but the last (a trailing slash, or the root {@code /}); no dot segment; no {@code %}, {@code ?}
     * or {@code #} (a pattern is written decoded, and a query is not part of it).
     */
    private static String[] parse(String pattern) {
        String[] segments = pattern.substring(1).split("/", -1);
        Set<String> names = new HashSet<>();
        for (int i = 0; i < segments.length; i++) {
            String s = segments[i];
            boolean last = i == segments.length - 1;
            if (s.equals(WILDCARD)) {
                if (!last) {
                    throw bad(pattern, "the wildcard * is allowed only as the whole last segment");
                }
                continue;
            }
            if (s.startsWith("{") && s.endsWith("}") && s.length() > 2) {
                String name = s.substring(1, s.length() - 1);
                if (!isName(name)) {
                    throw bad(pattern, "a parameter's name has letters, digits and _ only: " + s);
                }
                if (!names.add(name)) {
                    throw bad(pattern, "parameter {" + name + "} appears twice");
                }
                continue;
            }
            if (s.indexOf('{') >= 0 || s.indexOf('}') >= 0) {
                throw bad(pattern, "a parameter is a whole segment, /{name}/, with a name: " + s);
            }
            if (s.indexOf('*') >= 0) {
                throw bad(pattern, "the wildcard * is a whole segment, the last: " + s);
            }
            if (s.isEmpty() && !last) {
                throw bad(pattern, "an empty segment (//) matches no path");
            }
            if (s.equals(".") || s.equals("..")) {
                throw bad(pattern, "a dot segment matches no path (requests with dot segments get 400)");
            }
            if (s.indexOf('%') >= 0) {
                throw bad(pattern, "write the pattern decoded (a route matches each segment once percent-decoded): " + s);
            }
            if (s.indexOf('?') >= 0 || s.indexOf('#') >= 0) {
                throw bad(pattern, "a route matches the path only, without query or fragment: " + s);
            }
        }
        return segments;
    }

    private static boolean isName(String name) {
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (!(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_')) {
                return false;
            }
        }
        return !name.isEmpty();
    }

    private static IllegalArgumentException bad(String pattern, String rule) {
        return new IllegalArgumentException("route path " + pattern + ": " + rule);
    }
}
