package io.switchboard.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.From;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Picking a response's coding from Accept-Encoding (RFC 9110 section 12.5.3), and which media types compress. */
class AcceptEncodingTest {

    private static String choose(String... fields) {
        HttpHeaders h = new HttpHeaders();
        for (String f : fields) {
            h.add("Accept-Encoding", f);
        }
        ContentCoding c = AcceptEncoding.choose(h);
        return c == null ? "none" : c.token();
    }

    @ParameterizedTest(name = "Accept-Encoding: \"{0}\" -> {1}")
    @CsvSource(delimiter = '|', value = {
        "gzip                                   | gzip",
        "deflate                                | deflate",
        "gzip, deflate, br, zstd                | gzip",
        "deflate, gzip                          | gzip",
        "deflate, gzip;q=0.5                    | deflate",
        "gzip;q=0.5, deflate;q=0.5              | gzip",
        "gzip;q=0                               | none",
        "gzip;q=0.0, deflate;q=0.000            | none",
        "'gzip ; q=0.8 , deflate ; q=0.9'        | deflate",
        "GZIP;Q=1                               | gzip",
        "x-gzip                                 | gzip",
        "x-gzip-not, gzipped                    | none",
        "*                                      | gzip",
        "*;q=0                                  | none",
        "gzip;q=0, *                            | deflate",
        "gzip;q=0, deflate;q=0, *               | none",
        "br, *;q=0.1                            | gzip",
        "identity                               | none",
        "identity;q=0                           | none",
        "identity;q=0, gzip                     | gzip",
        "gzip;q=0.1, identity;q=0.5             | none",
        "gzip;q=0.5, identity;q=0.5             | gzip",
        "gzip;q=0.5, *                          | deflate",
        "br                                     | none",
        "gzip;q=1.0                             | gzip",
        "gzip;q=1.001                           | none",
        "gzip;q=1.5, deflate                    | deflate",
        "gzip;q=0.001                           | gzip",
        "gzip;q=abc, deflate;q=0.2              | deflate",
        "gzip;q=.5, deflate;q=0.2               | deflate",
        "gzip;level=9;q=0.3, deflate;q=0.2      | gzip",
        "gzip;q=0.3;level=9, deflate;q=0.2      | gzip",
        "',,gzip,,'                             | gzip",
        "''                                     | none",
    })
    void picksTheCodingWithTheHighestWeight(String header, String expected) {
        assertEquals(expected, choose(header));
    }

    @Test
    void noFieldMeansNoCodingAndSeveralFieldsAreOneList() {
        assertEquals("none", choose(), "a client that sends no Accept-Encoding gets the body as it is");
        assertEquals("gzip", choose("br", "gzip"), "the second field adds gzip");
        assertEquals("deflate", choose("gzip;q=0", "deflate"));
        assertEquals("gzip", choose("gzip;q=0.2", "gzip;q=0.9, deflate;q=0.5"), "a coding named twice keeps its best weight");
    }

    // Properties over random headers: the pick does not depend on the order of the elements, and it is never a
    // coding the header refuses or one with a lower weight than another acceptable one.

    record Element(String coding, Integer milli) {
        String render(Random random) {
            String name = random.nextBoolean() ? coding : coding.toUpperCase(Locale.ROOT);
            if (milli == null) {
                return name;
            }
            String q = milli == 1000 ? "1" : milli == 0 ? "0" : String.format(Locale.ROOT, "0.%03d", milli);
            return name + (random.nextBoolean() ? ";q=" : " ; q=") + q;
        }

        int weight() {
            return milli == null ? 1000 : milli;
        }
    }

    @Provide
    Arbitrary<Element> elements() {
        Arbitrary<String> codings = Arbitraries.of("gzip", "x-gzip", "deflate", "identity", "*", "br", "zstd", "compress");
        Arbitrary<Integer> weights = Arbitraries.integers().between(0, 1000).injectNull(0.3);
        return Combinators.combine(codings, weights).as(Element::new);
    }

    @Property(tries = 2000)
    void thePickIgnoresOrderAndIsNeverRefusedNorBeaten(@ForAll @Size(max = 8) List<@From("elements") Element> elements,
                                                      @ForAll long seed) {
        Random random = new Random(seed);
        List<String> rendered = new ArrayList<>();
        for (Element e : elements) {
            rendered.add(e.render(random));
        }
        String header = String.join(", ", rendered);
        String picked = choose(header);
        List<String> shuffled = new ArrayList<>(rendered);
        Collections.shuffle(shuffled, random);
        assertEquals(picked, choose(String.join(",", shuffled)), "the order of the elements does not matter: " + header);

        int gzip = effective(elements, "gzip");
        int deflate = effective(elements, "deflate");
        if (picked.equals("gzip")) {
            assertTrue(gzip > 0 && gzip >= deflate, "gzip is acceptable and not beaten by deflate: " + header);
        } else if (picked.equals("deflate")) {
            assertTrue(deflate > 0 && deflate > gzip, "deflate is acceptable and beats gzip: " + header);
        } else {
            int identity = effective(elements, "identity");
            assertTrue(Math.max(gzip, deflate) == 0 || identity > Math.max(gzip, deflate),
                    "no coding only when none is acceptable or identity is preferred: " + header);
        }
    }

    /** The weight the header gives {@code coding}: its own best, else that of {@code *}, else 0 (not acceptable). */
    private static int effective(List<Element> elements, String coding) {
        int own = -1;
        int any = -1;
        for (Element e : elements) {
            String c = e.coding().equals("x-gzip") ? "gzip" : e.coding();
            if (c.equals(coding)) {
                own = Math.max(own, e.weight());
            } else if (c.equals("*")) {
                any = Math.max(any, e.weight());
            }
        }
        return own >= 0 ? own : Math.max(any, 0);
    }

    @Test
    void compressibleTypesMatchWithoutParametersOrCase() {
        CompressionOptions o = CompressionOptions.DEFAULTS;
        assertTrue(o.compressible("application/json"));
        assertTrue(o.compressible("Application/JSON; charset=utf-8"));
        assertTrue(o.compressible("application/problem+json"), "application/*+json");
        assertTrue(o.compressible("application/atom+xml"), "application/*+xml");
        assertTrue(o.compressible("text/html;charset=utf-8"), "text/*");
        assertTrue(o.compressible(" text/event-stream "));
        assertTrue(o.compressible("image/svg+xml"));
        assertFalse(o.compressible("image/png"));
        assertFalse(o.compressible("application/octet-stream"));
        assertFalse(o.compressible("application/jsonx"));
        assertFalse(o.compressible("application/+json"), "a suffix needs a subtype before it");
        assertFalse(o.compressible("application/gzip"));
        assertFalse(o.compressible("textual/plain"));
        assertFalse(o.compressible("text"));
        assertFalse(o.compressible(null), "no Content-Type: not compressed");
        assertTrue(o.withTypes(List.of("*/*")).compressible("video/mp4"));
    }

    @Test
    void optionsAreCheckedAndLevelMinusOneIsSix() {
        assertEquals(6, new CompressionOptions(-1, 0, List.of()).level());
        assertThrows(IllegalArgumentException.class, () -> CompressionOptions.DEFAULTS.withLevel(10));
        assertThrows(IllegalArgumentException.class, () -> CompressionOptions.DEFAULTS.withMinSize(-1));
        for (String bad : new String[] {"json", "/json", "application/", "text/html; charset=utf-8", " text/html",
                "a/b/c"}) {
            assertThrows(IllegalArgumentException.class, () -> CompressionOptions.DEFAULTS.withTypes(List.of(bad)), bad);
        }
    }

    @Test
    void requestCodingsAreGzipDeflateOrIdentityAndAnythingElseIs415() {
        assertEquals(ContentCoding.GZIP, ContentCoding.ofRequest("gzip"));
        assertEquals(ContentCoding.GZIP, ContentCoding.ofRequest(" X-GZIP "));
        assertEquals(ContentCoding.DEFLATE, ContentCoding.ofRequest("deflate"));
        assertEquals(null, ContentCoding.ofRequest("identity"));
        for (String other : new String[] {"br", "zstd", "compress", "gzip, br", "gzip,gzip"}) {
            HttpException e = assertThrows(HttpException.class, () -> ContentCoding.ofRequest(other), other);
            assertEquals(415, e.status());
        }
    }
}
