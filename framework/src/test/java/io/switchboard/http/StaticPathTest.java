package io.switchboard.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Request paths under a static mount: decoded into file names, or refused with 400 when they could reach out. */
class StaticPathTest {

    @Test
    void plainPathsDecodeIntoTheirFileNames() {
        assertEquals(List.of(), StaticPath.segments("/"));
        assertEquals(List.of("css", "site.css"), StaticPath.segments("/css/site.css"));
        assertEquals(List.of("docs"), StaticPath.segments("/docs/"), "a trailing slash adds no name");
        assertEquals(List.of("a b+c.txt"), StaticPath.segments("/a%20b+c.txt"), "percent-decoded; + stays a plus");
        assertEquals(List.of("été.txt"), StaticPath.segments("/%C3%A9t%C3%A9.txt"), "UTF-8");
        assertEquals(List.of("..a", "a..", "..."), StaticPath.segments("/..a/a../..."), "dots inside names are names");
    }

    @Test
    void everyWayOutOfTheRootIsRefused() {
        String[] attempts = {
            "/..", "/../etc/passwd", "/a/../../etc/passwd", "/.", "/./a", "/a/.",
            "/%2e%2e/etc/passwd", "/%2E%2E/etc/passwd", "/.%2e/etc/passwd", "/%2e./x", "/%2e",
            "/..%2fetc%2fpasswd", "/a%2f..%2f..%2fetc", "/a%2Fb",
            "/..%5cwindows", "/a\\..\\b", "/%5c", "\\",
            "/a%00.txt", "/%00", "/a%0d%0aSet-Cookie:x", "/a%7f",
            "//etc/passwd", "/a//b",
            "/%", "/%2", "/%zz", "/%c3", "/%ff%fe", "/%c0%ae%c0%ae/etc", "etc/passwd"
        };
        for (String attempt : attempts) {
            HttpException e = assertThrows(HttpException.class, () -> StaticPath.segments(attempt), attempt);
            assertEquals(400, e.status(), attempt);
        }
    }
}
