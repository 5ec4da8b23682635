package io.switchboard.http;

import static io.switchboard.http.RouteProbe.named;
import static io.switchboard.http.RouteProbe.route;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * Paths and route tables that would make a matcher that backtracks over regular expressions, or tries every route
 * in turn, spend its CPU: a path of 4,000 segments (the most the default request line lets through), 10,000
 * routes, and a tree where every segment may be a literal or a parameter. The tree visits each node at most once,
 * so each request here is microseconds of work; the preemptive timeout (20 s for all of them) only stops a matcher
 * that would take exponential time, it measures nothing.
 */
class RoutesCostTest {

    @Test
    void aPathOfThousandsOfSegmentsCostsOnePassOverIt() {
        Routes.Builder b = Routes.builder();
        // Ten levels where each segment can be the literal "a" or a parameter: 2^10 routes ending in /z.
        for (int mask = 0; mask < 1 << 10; mask++) {
            StringBuilder pattern = new StringBuilder();
            for (int level = 0; level < 10; level++) {
                pattern.append((mask >> level & 1) == 0 ? "/a" : "/{p" + level + "}");
            }
            b.get(pattern.append("/z").toString(), named("r" + mask));
        }
        Routes routes = b.build();
        String almost = "/a".repeat(10) + "/y";
        String deep = "/a".repeat(4_000);
        String deepEncoded = "/%61".repeat(2_000);
        assertTimeoutPreemptively(Duration.ofSeconds(20), () -> {
            for (int i = 0; i < 100; i++) {
                // Every one of the 2^10 routes matches the first ten segments; none the last: 404 after one visit each.
                assertEquals("404", route(routes, "GET", almost));
                assertEquals("404", route(routes, "GET", deep));
                assertEquals("404", route(routes, "GET", deepEncoded));
            }
            assertEquals("r0 {}", route(routes, "GET", "/a".repeat(10) + "/z"));
            assertEquals("r1023 {p0=b, p1=b, p2=b, p3=b, p4=b, p5=b, p6=b, p7=b, p8=b, p9=b}",
                    route(routes, "GET", "/b".repeat(10) + "/z"));
        });
    }

    @Test
    void tenThousandRoutesAreFoundByTheirSegmentsNotByTryingEach() {
        Routes.Builder b = Routes.builder();
        for (int i = 0; i < 10_000; i++) {
            b.get("/api/items" + i + "/{id}", named("items" + i));
        }
        b.get("/api/*", named("rest"));
        Routes routes = b.build();
        assertTimeoutPreemptively(Duration.ofSeconds(20), () -> {
            for (int i = 0; i < 10_000; i++) {
                assertEquals("items" + i + " {id=7}", route(routes, "GET", "/api/items" + i + "/7"));
            }
            assertEquals("rest {*=items10000/7}", route(routes, "GET", "/api/items10000/7"));
            assertEquals("rest {*=" + "x/".repeat(3_000) + "}", route(routes, "GET", "/api/" + "x/".repeat(3_000)));
        });
    }
}
