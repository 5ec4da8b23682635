package io.switchboard.http;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * The router against a reference that states the rules plainly: every route whose pattern matches the path (literal
 * segments equal once decoded, parameters non-empty, the wildcard any rest), ordered segment by segment (literal,
 * then parameter, then wildcard; a pattern that ends first comes first), and the first with the method takes the
 * request; 405 when some match with other methods, 404 when none match.
 */
class RoutesPropertiesTest {
    private static final List<String> METHODS = List.of("GET", "POST", "DELETE");

    record Def(String method, String pattern, String label) {
        String[] segments() {
            return pattern.substring(1).split("/", -1);
        }
    }

    @Property(tries = 400)
    void theTreeAgreesWithTheReference(@ForAll("routeSets") List<Def> candidates, @ForAll("paths") List<String> paths,
                                       @ForAll("queryMethods") String method) {
        Routes.Builder builder = Routes.builder();
        List<Def> accepted = new ArrayList<>();
        for (Def d : candidates) {
            try {
                builder.route(d.method(), d.pattern(), RouteProbe.named(d.label()));
                accepted.add(d);
            } catch (IllegalArgumentException conflict) {
                // the same shape twice for one method: the reference never sees it
            }
        }
        Routes routes = builder.build();
        for (String path : paths) {
            assertEquals(reference(accepted, method, path), RouteProbe.route(routes, method, path),
                    method + " " + path + " with " + accepted);
        }
    }

    @Property(tries = 300)
    void aParameterGivesBackWhatWasEncoded(@ForAll("values") String value, @ForAll("encodeAll") boolean encodeAll) {
        Routes routes = Routes.builder().get("/v/{value}/end", RouteProbe.named("v")).build();
        HttpRequest request = RouteProbe.request("GET", "/v/" + encode(value, encodeAll) + "/end");
        assertEquals("v {value=" + value + "}", RouteProbe.route(routes, request));
        assertEquals(value, request.pathParam("value"));
    }

    // The reference.

    static String reference(List<Def> defs, String method, String path) {
        List<String> raw = Arrays.asList(path.substring(1).split("/", -1));
        List<Def> matching = new ArrayList<>();
        for (Def d : defs) {
            if (matches(d.segments(), raw)) {
                matching.add(d);
            }
        }
        matching.sort(Comparator.comparing(d -> kinds(d.segments()), RoutesPropertiesTest::compareKinds));
        for (Def d : matching) {
            if (d.method().equals(method)) {
                return d.label() + " " + params(d.segments(), raw);
            }
        }
        if (matching.isEmpty()) {
            return "404";
        }
        Set<String> allowed = new TreeSet<>();
        matching.forEach(d -> allowed.add(d.method()));
        if (allowed.contains("GET")) {
            allowed.add("HEAD");
        }
        allowed.add("OPTIONS");
        return "405 Allow: " + String.join(", ", allowed);
    }

    private static boolean matches(String[] pattern, List<String> raw) {
        boolean wildcard = pattern[pattern.length - 1].equals("*");
        int fixed = wildcard ? pattern.length - 1 : pattern.length;
        if (wildcard ? raw.size() < fixed : raw.size() != fixed) {
            return false;
        }
        for (int i = 0; i < fixed; i++) {
            String p = pattern[i];
            if (p.startsWith("{") ? raw.get(i).isEmpty() : !p.equals(decode(raw.get(i)))) {
                return false;
            }
        }
        return true;
    }

    private static Map<String, String> params(String[] pattern, List<String> raw) {
        Map<String, String> values = new LinkedHashMap<>();
        for (int i = 0; i < pattern.length; i++) {
            if (pattern[i].startsWith("{")) {
                values.put(pattern[i].substring(1, pattern[i].length() - 1), decode(raw.get(i)));
            } else if (pattern[i].equals("*")) {
                values.put("*", i < raw.size() ? String.join("/", raw.subList(i, raw.size())) : "");
            }
        }
        return values;
    }

    private static List<Integer> kinds(String[] pattern) {
        List<Integer> kinds = new ArrayList<>();
        for (String s : pattern) {
            kinds.add(s.equals("*") ? 2 : s.startsWith("{") ? 1 : 0);
        }
        return kinds;
    }

    private static int compareKinds(List<Integer> a, List<Integer> b) {
        for (int i = 0; i < Math.min(a.size(), b.size()); i++) {
            int c = Integer.compare(a.get(i), b.get(i));
            if (c != 0) {
                return c;
            }
        }
        return Integer.compare(a.size(), b.size());
    }

    private static String decode(String s) {
        return java.net.URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8);
    }

    private static String encode(String value, boolean all) {
        StringBuilder sb = new StringBuilder();
        for (byte b : value.getBytes(StandardCharsets.UTF_8)) {
            int c = b & 0xFF;
            boolean unreserved = c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
                    || c == '-' || c == '.' || c == '_' || c == '~' || c == '+' || c == '!' || c == ':' || c == '@';
            if (unreserved && !all) {
                sb.append((char) c);
            } else {
                sb.append('%').append(String.format("%02X", c));
            }
        }
        return sb.toString();
    }

    // Generators.

    @Provide
    Arbitrary<List<Def>> routeSets() {
        Arbitrary<String> literal = Arbitraries.of("a", "b", "c");
        Arbitrary<List<String>> middle = Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(3, literal), net.jqwik.api.Tuple.of(2, Arbitraries.just("{}"))).list().ofMaxSize(3);
        Arbitrary<String> end = Arbitraries.of("", "a", "b", "{}", "*", "*");
        Arbitrary<Def> def = Combinators.combine(Arbitraries.of(METHODS), middle, end).as((m, segments, last) -> {
            List<String> all = new ArrayList<>(segments);
            all.add(last); // "" is a trailing slash, or the root "/"
            StringBuilder pattern = new StringBuilder();
            int n = 0;
            for (String s : all) {
                pattern.append('/').append(s.equals("{}") ? "{p" + n++ + "}" : s);
            }
            return new Def(m, pattern.toString(), "?");
        });
        return def.list().ofMinSize(1).ofMaxSize(12).map(list -> {
            List<Def> labelled = new ArrayList<>();
            for (int i = 0; i < list.size(); i++) {
                labelled.add(new Def(list.get(i).method(), list.get(i).pattern(), "r" + i));
            }
            return labelled;
        });
    }

    @Provide
    Arbitrary<List<String>> paths() {
        Arbitrary<String> segment = Arbitraries.of("a", "b", "c", "", "x", "%61", "%62", "a%2Fb");
        return segment.list().ofMinSize(1).ofMaxSize(5).map(s -> "/" + String.join("/", s)).list().ofMinSize(1).ofMaxSize(8);
    }

    @Provide
    Arbitrary<String> queryMethods() {
        return Arbitraries.of("GET", "POST", "DELETE", "PUT");
    }

    @Provide
    Arbitrary<String> values() {
        return Arbitraries.strings().withCharRange(' ', '~').withChars('é', '€', '\u4e2d').ofMinLength(1).ofMaxLength(20)
                .filter(v -> !v.equals(".") && !v.equals(".."));
    }

    @Provide
    Arbitrary<Boolean> encodeAll() {
        return Arbitraries.of(true, false);
    }
}
