package io.switchboard.http;

import static io.switchboard.http.RouteProbe.named;
import static io.switchboard.http.RouteProbe.route;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** The rules of {@link Routes}, one at a time, on requests given straight to the router. */
class RoutesTest {

    @Test
    void aParameterTakesOneWholeSegment() {
        Routes routes = Routes.builder()
                .get("/users/{id}", named("user"))
                .get("/users/{id}/posts/{post}", named("post"))
                .build();
        assertEquals("user {id=7}", route(routes, "GET", "/users/7"));
        assertEquals("user {id=7}", route(routes, "GET", "/users/7?x=1"), "the query is not part of the path");
        assertEquals("post {id=7, post=42}", route(routes, "GET", "/users/7/posts/42"));
        assertEquals("404", route(routes, "GET", "/users/7/8"), "a parameter never takes two segments");
        assertEquals("404", route(routes, "GET", "/users/"), "nor an empty one");
        assertEquals("404", route(routes, "GET", "/users"));
        assertEquals("user {id=7}", route(routes, "GET", "http://example.com/users/7"), "absolute-form targets route too");
    }

    @Test
    void aParameterIsPercentDecodedAfterMatching() {
        Routes routes = Routes.builder().get("/files/{name}", named("file")).get("/files/{dir}/{name}", named("nested"))
                .build();
        assertEquals("file {name=a b}", route(routes, "GET", "/files/a%20b"));
        assertEquals("file {name=a+b}", route(routes, "GET", "/files/a+b"), "+ is a plus in a path, not a space");
        assertEquals("file {name=café}", route(routes, "GET", "/files/caf%C3%A9"));
        assertEquals("file {name=a/b}", route(routes, "GET", "/files/a%2Fb"),
                "an encoded slash is kept in the value and is no separator");
        assertEquals("file {name=../x}", route(routes, "GET", "/files/..%2Fx"),
                "a value may hold / and .., so a handler checks it before it names a file");
        assertEquals("nested {dir=a, name=b}", route(routes, "GET", "/files/a/b"));
        assertEquals("400", route(routes, "GET", "/files/%FF"), "a value that is not UTF-8 once decoded");
    }

    @Test
    void literalSegmentsMatchOncePercentDecoded() {
        Routes routes = Routes.builder().get("/café/menu", named("menu")).get("/users/{id}", named("user")).build();
        assertEquals("menu {}", route(routes, "GET", "/caf%C3%A9/menu"));
        assertEquals("menu {}", route(routes, "GET", "/caf%c3%a9/menu"), "hex digits in either case");
        assertEquals("user {id=7}", route(routes, "GET", "/us%65rs/7"), "an encoded unreserved character");
        assertEquals("404", route(routes, "GET", "/users%2F7"), "an encoded slash is not a separator");
    }

    @Test
    void theWildcardTakesTheRestOfThePathAsSent() {
        Routes routes = Routes.builder().get("/static/*", named("static")).build();
        assertEquals("static {*=css/site.css}", route(routes, "GET", "/static/css/site.css"));
        assertEquals("static {*=}", route(routes, "GET", "/static/"), "the rest may be empty");
        assertEquals("static {*=}", route(routes, "GET", "/static"), "the prefix itself matches, with nothing after");
        assertEquals("static {*=a%2Fb/c%20d}", route(routes, "GET", "/static/a%2Fb/c%20d"), "still percent-encoded");
        assertEquals("static {*=a//b/}", route(routes, "GET", "/static/a//b/"));
        assertEquals("404", route(routes, "GET", "/staticx"), "a wildcard starts at a segment");
        Routes root = Routes.builder().get("/*", named("all")).build();
        assertEquals("all {*=}", route(root, "GET", "/"));
        assertEquals("all {*=a/b}", route(root, "GET", "/a/b"));
    }

    @Test
    void literalsWinOverParametersWhichWinOverTheWildcard() {
        Routes routes = Routes.builder()
                .get("/users/*", named("rest"))
                .get("/users/{id}", named("user"))
                .get("/users/new", named("form"))
                .get("/users/new/edit", named("edit"))
                .get("/users/{id}/posts", named("posts"))
                .build();
        assertEquals("form {}", route(routes, "GET", "/users/new"), "literal over parameter, whatever the order added");
        assertEquals("user {id=7}", route(routes, "GET", "/users/7"), "parameter over wildcard");
        assertEquals("rest {*=7/8}", route(routes, "GET", "/users/7/8"));
        assertEquals("posts {id=new}", route(routes, "GET", "/users/new/posts"),
                "the literal new cannot finish the path, so the parameter takes it");
        assertEquals("rest {*=new/other}", route(routes, "GET", "/users/new/other"));
        assertEquals("edit {}", route(routes, "GET", "/users/new/edit"));
    }

    @Test
    void aMoreSpecificRouteWithoutTheMethodLetsALessSpecificOneTakeTheRequest() {
        Routes routes = Routes.builder()
                .post("/users/new", named("create"))
                .get("/users/{id}", named("user"))
                .delete("/users/*", named("purge"))
                .build();
        assertEquals("user {id=new}", route(routes, "GET", "/users/new"));
        assertEquals("create {}", route(routes, "POST", "/users/new"));
        assertEquals("purge {*=new}", route(routes, "DELETE", "/users/new"));
        assertEquals("405 Allow: DELETE, GET, HEAD, OPTIONS, POST", route(routes, "PUT", "/users/new"),
                "Allow lists the methods of every route that matches the path");
        assertEquals("405 Allow: DELETE, GET, HEAD, OPTIONS", route(routes, "PUT", "/users/7"));
        assertEquals("405 Allow: DELETE, OPTIONS", route(routes, "GET", "/users/7/8"));
    }

    @Test
    void headIsServedByGetUnlessItHasItsOwnRoute() {
        Routes routes = Routes.builder().get("/a", named("get-a")).get("/b", named("get-b")).route("HEAD", "/b", named("head-b"))
                .build();
        assertEquals("get-a {}", route(routes, "HEAD", "/a"));
        assertEquals("head-b {}", route(routes, "HEAD", "/b"));
        assertEquals("405 Allow: GET, HEAD, OPTIONS", route(routes, "POST", "/a"));
    }

    @Test
    void optionsIsAnsweredWithAllowUnlessRouted() {
        Routes routes = Routes.builder().get("/a", named("a")).put("/a", named("put-a")).route("OPTIONS", "/cors/*", named("cors"))
                .get("/cors/x", named("x")).build();
        assertEquals("200 Allow: GET, HEAD, OPTIONS, PUT", route(routes, "OPTIONS", "/a"));
        assertEquals("cors {*=x}", route(routes, "OPTIONS", "/cors/x"), "an OPTIONS route of its own takes over");
        assertEquals("404", route(routes, "OPTIONS", "/nowhere"));
        assertEquals("200 Allow: GET, HEAD, OPTIONS, PUT", route(routes, "OPTIONS", "*"), "OPTIONS * lists every method routed");
    }

    @Test
    void aTrailingSlashIsPartOfThePath() {
        Routes routes = Routes.builder().get("/users", named("list")).get("/docs/", named("docs")).get("/", named("root"))
                .build();
        assertEquals("list {}", route(routes, "GET", "/users"));
        assertEquals("404", route(routes, "GET", "/users/"));
        assertEquals("docs {}", route(routes, "GET", "/docs/"));
        assertEquals("404", route(routes, "GET", "/docs"));
        assertEquals("root {}", route(routes, "GET", "/"));
        assertEquals("404", route(routes, "GET", "//users"), "slashes are not merged");
    }

    @Test
    void dotSegmentsAndMalformedEscapesAreRefusedWith400() {
        Routes routes = Routes.builder().get("/static/*", named("static")).get("/{a}/{b}", named("two")).build();
        for (String path : List.of("/static/../secret", "/static/./x", "/static/%2e%2e/secret", "/static/.%2E/x",
                "/static/%2E", "/..", "/static/x/..", "/static/%zz", "/static/%4", "/static/x%")) {
            assertEquals("400", route(routes, "GET", path), path);
        }
        assertEquals("static {*=.well-known/x}", route(routes, "GET", "/static/.well-known/x"), "a dot that is not a segment");
        assertEquals("two {a=..., b=a.b}", route(routes, "GET", "/.../a.b"));
    }

    @Test
    void groupsPutTheirRoutesUnderAPrefix() {
        Routes routes = Routes.builder()
                .group("/api", api -> api
                        .get("", named("index"))
                        .get("/", named("slash"))
                        .group("/tenants/{tenant}", tenant -> tenant
                                .get("/users/{id}", named("user"))
                                .delete("/users/{id}", named("drop"))))
                .get("/health", named("health"))
                .build();
        assertEquals("index {}", route(routes, "GET", "/api"));
        assertEquals("slash {}", route(routes, "GET", "/api/"));
        assertEquals("user {tenant=acme, id=7}", route(routes, "GET", "/api/tenants/acme/users/7"));
        assertEquals("drop {tenant=acme, id=7}", route(routes, "DELETE", "/api/tenants/acme/users/7"));
        assertEquals("health {}", route(routes, "GET", "/health"));
        assertEquals("404", route(routes, "GET", "/tenants/acme/users/7"));
    }

    @Test
    void theRequestCarriesItsParameters() throws Exception {
        AtomicReference<HttpRequest> seen = new AtomicReference<>();
        Routes routes = Routes.builder()
                .get("/orgs/{org}/repos/{repo}/*", (request, responder) -> {
                    seen.set(request);
                    responder.send(HttpResponse.text("ok"));
                })
                .get("/plain", (request, responder) -> {
                    seen.set(request);
                    responder.send(HttpResponse.text("ok"));
                })
                .build();
        route(routes, "GET", "/orgs/acme/repos/site/blob/main/README.md");
        HttpRequest r = seen.get();
        assertEquals("acme", r.pathParam("org"));
        assertEquals("site", r.pathParam("repo"));
        assertEquals("blob/main/README.md", r.pathParam("*"));
        assertNull(r.pathParam("missing"));
        assertEquals(List.of("org", "repo", "*"), List.copyOf(r.pathParams().keySet()), "in the order of the pattern");
        assertEquals("/orgs/acme/repos/site/blob/main/README.md", r.path(), "the path is still the path");
        assertThrows(UnsupportedOperationException.class, () -> r.pathParams().put("x", "y"));

        route(routes, "GET", "/plain");
        assertEquals(Map.of(), seen.get().pathParams());
        assertNull(seen.get().pathParam("*"));
    }

    @Test
    void theBodyPolicyAndWantsBodyAreTheMatchedRoutesAndSeeItsParameters() {
        BodyPolicy streamed = BodyPolicy.stream(1L << 30);
        Routes routes = Routes.builder()
                .put("/upload/{name}", new HttpHandler() {
                    @Override
                    public void handle(HttpRequest request, HttpResponder responder) {
                        responder.send(HttpResponse.text("stored"));
                    }

                    @Override
                    public BodyPolicy bodyPolicy(HttpRequest head) {
                        return head.pathParam("name").endsWith(".iso") ? streamed : BodyPolicy.whole(10);
                    }

                    @Override
                    public boolean wantsBody(HttpRequest head) {
                        return !head.pathParam("name").isEmpty();
                    }
                })
                .post("/small", HttpHandler.withBody(BodyPolicy.whole(5), named("small")))
                .build();
        HttpRequest iso = RouteProbe.request("PUT", "/upload/debian.iso");
        assertEquals(streamed, routes.bodyPolicy(iso));
        assertEquals("debian.iso", iso.pathParam("name"), "the head carries the parameters once its policy was asked");
        assertEquals(10, routes.bodyPolicy(RouteProbe.request("PUT", "/upload/notes.txt")).maxBytes(HttpConfig.DEFAULTS));
        assertEquals(5, routes.bodyPolicy(RouteProbe.request("POST", "/small")).maxBytes(HttpConfig.DEFAULTS));
        assertEquals(BodyPolicy.DEFAULT, routes.bodyPolicy(RouteProbe.request("POST", "/nowhere")));
        assertEquals(BodyPolicy.DEFAULT, routes.bodyPolicy(RouteProbe.request("PUT", "/upload/../x")));
        assertTrue(routes.wantsBody(RouteProbe.request("PUT", "/upload/a")));
        assertEquals(false, routes.wantsBody(RouteProbe.request("GET", "/upload/a")), "no route for the method");
        assertEquals(false, routes.wantsBody(RouteProbe.request("PUT", "/nowhere")));
    }

    @Test
    void theBuilderRefusesConflictsAndMalformedPatternsWithTheRule() {
        assertRefused("conflicts with GET /users/{id}", b -> b.get("/users/{id}", named("a")).get("/users/{name}", named("b")));
        assertRefused("conflicts with GET /a", b -> b.get("/a", named("a")).get("/a", named("b")));
        assertRefused("conflicts with GET /api/x", b -> b.get("/api/x", named("a")).group("/api", g -> g.get("/x", named("b"))));
        assertRefused("conflicts with GET /s/*", b -> b.get("/s/*", named("a")).get("/s/*", named("b")));
        assertRefused("only as the whole last segment", b -> b.get("/a/*/b", named("a")));
        assertRefused("the wildcard * is a whole segment", b -> b.get("/a/x*", named("a")));
        assertRefused("a parameter is a whole segment", b -> b.get("/users/{id}.json", named("a")));
        assertRefused("a parameter is a whole segment", b -> b.get("/users/{}", named("a")));
        assertRefused("letters, digits and _ only", b -> b.get("/users/{a-b}", named("a")));
        assertRefused("appears twice", b -> b.get("/{id}/x/{id}", named("a")));
        assertRefused("appears twice", b -> b.group("/{id}", g -> g.get("/{id}", named("a"))));
        assertRefused("empty segment", b -> b.get("/a//b", named("a")));
        assertRefused("dot segment", b -> b.get("/a/../b", named("a")));
        assertRefused("write the pattern decoded", b -> b.get("/a%20b", named("a")));
        assertRefused("without query", b -> b.get("/a?b", named("a")));
        assertRefused("starts with /", b -> b.get("a", named("a")));
        assertRefused("starts with /", b -> b.get("", named("a")));
        assertRefused("does not end with it", b -> b.group("/api/", g -> { }));
        assertRefused("has no wildcard", b -> b.group("/api/*", g -> { }));
        assertRefused("a method is a token", b -> b.route("GE T", "/a", named("a")));
        Routes.builder().get("/a", named("a")).post("/a", named("b")).route("HEAD", "/a", named("c")).build();
    }

    private static void assertRefused(String rule, java.util.function.Consumer<Routes.Builder> routes) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> routes.accept(Routes.builder()));
        assertTrue(e.getMessage().contains(rule), "expected '" + rule + "' in: " + e.getMessage());
    }
}
