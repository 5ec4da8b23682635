package io.switchboard.http;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;

/**
 * A handler that picks another by path and method: exact paths, path parameters, a trailing wildcard, and
 * groups of routes under a prefix.
 *
 * <pre>{@code
 * Routes routes = Routes.builder()
 *         .get("/users/{id}", (request, responder) -> responder.send(user(request.pathParam("id"))))
 *         .get("/static/*", files)                       // request.pathParam("*"): the rest of the path
 *         .group("/api/v1", api -> api
 *                 .get("/orders", listOrders)            // GET /api/v1/orders
 *                 .put("/orders/{id}", storeOrder))      // PUT /api/v1/orders/42
 *         .build();
 * }</pre>
 *
 * <p><b>Patterns.</b> A pattern is a path cut at each {@code /} into segments, each one of:
 * <ul>
 *   <li>a <b>literal</b>, matched against the request's segment once percent-decoded ({@code /caf%C3%A9}
 *       matches {@code /café}; write patterns decoded);</li>
 *   <li>a <b>parameter</b> {@code {name}} (letters, digits, {@code _}), a whole segment: it matches any non-empty
 *       segment, whose value, percent-decoded after matching, is {@link HttpRequest#pathParam}{@code (name)}. An
 *       encoded slash stays in the value: {@code /files/a%2Fb} gives {@code a/b} for {@code /files/{name}} and
 *       does not match {@code /files/{dir}/{name}} (Vert.x and JAX-RS users asked for this; Jetty refuses such
 *       paths with 400). A value may hold {@code /}, and so must be checked before it names a file;</li>
 *   <li>the <b>wildcard</b> {@code *}, the whole last segment: {@code /static/*} matches {@code /static},
 *       {@code /static/} and everything under it; {@code pathParam("*")} is the rest after {@code /static/}, as
 *       sent (still percent-encoded, so that an encoded slash stays apart from the separators; empty for the
 *       first two).</li>
 * </ul>
 * A trailing slash is an empty last segment and part of the path: {@code /users/} is not {@code /users} (route
 * both if both should answer), and a parameter never matches an empty segment. There is no merging of slashes
 * and no removal of dot segments: a request whose path has a dot segment ({@code /a/../b}, also as
 * {@code %2e%2e}) or a malformed {@code %} escape is answered 400, since browsers and curl resolve dot segments
 * before sending and a path that still has them comes from a tool trying to reach past a prefix.
 *
 * <p><b>Precedence.</b> Segment by segment from the left, a literal segment wins over a parameter and a
 * parameter over the wildcard; the first route in that order whose method matches takes the request, so
 * {@code /users/new} wins over {@code /users/{id}}, which wins over {@code /users/*}, and a request that a
 * more specific route cannot finish (no route under it, or none for its method) goes to the next. Two routes
 * of one method whose patterns differ only in parameter names, or are the same, are refused by the builder.
 * Matching walks a tree of segments: no regular expression, each node visited at most once per request, so
 * the work is bounded by the path's length and the nodes of the routes that share its beginning, never by trying
 * the routes one after another, and never exponential in a crafted path (the request line's own limit, 8 KiB,
 * bounds the path).
 *
 * <p><b>Methods.</b> {@code HEAD} is served by the {@code GET} route when it has none of its own (the body is
 * left out). A path that routes match with other methods only gets 405 with {@code Allow} listing them (with
 * {@code HEAD} where there is {@code GET}, and {@code OPTIONS}); a path no route matches gets 404. {@code OPTIONS}
 * on a routed path without an {@code OPTIONS} route of its own is answered {@code 200} with {@code Allow} and no
 * body, as Jetty's servlets and Spring do (a CORS handler routed for {@code OPTIONS} takes over its paths), and
 * {@code OPTIONS *} lists every method routed.
 *
 * <p><b>Answers.</b> The 400, 404 and 405 come from the service's {@link ErrorAnswers} (plain text unless the
 * service was given another, such as {@link ErrorAnswers#JSON}). The body policy and {@link #wantsBody} are the
 * matched route's handler's: a streamed upload route streams, and {@code Expect: 100-continue} gets no
 * {@code 100} when no route matches.
 *
 * <p>An exact route costs no allocation to match; a route with parameters allocates their values. Immutable
 * and thread-safe once built.
 */
public final class Routes implements HttpHandler {
    private final RouteNode root;
    /**
     * The nodes where routes without parameters end, by their path: the path of a request that equals one is routed
     * there (when it has the method) with one hash lookup, as the tree would route it, since a path of literals only
     * comes first in the order of precedence, and such a path has neither {@code %} nor dot segments (patterns may
     * not). Every other request walks the tree.
     */
    private final Map<String, RouteNode> exact;
    /** {@code Allow} for {@code OPTIONS *}: every method routed. */
    private final String allMethods;

    private Routes(RouteNode root, Map<String, RouteNode> exact) {
        this.root = root;
        this.exact = exact;
        Set<String> all = new TreeSet<>();
        root.allMethods(all);
        this.allMethods = allow(all);
    }

    /** {@return an empty builder} */
    public static Builder builder() {
        return new Builder();
    }

    @Override
    public void handle(HttpRequest request, HttpResponder responder) throws Exception {
        String path = request.path();
        String method = request.method();
        RouteNode node = exact.get(path);
        Route direct = node == null ? null : node.exactRoute(method);
        if (direct != null) {
            direct.handler.handle(request, responder);
        } else {
            walk(request, responder, path, method);
        }
    }

    /** Routes a request that no exact route of its method takes: through the tree, or to a refusal. */
    private void walk(HttpRequest request, HttpResponder responder, String path, String method) throws Exception {
        if (path.charAt(0) != '/') {
            // "*": the parser lets only OPTIONS have it.
            responder.send(HttpResponse.of(200).header("Allow", allMethods));
            return;
        }
        boolean percent = path.indexOf('%') >= 0;
        String problem = PathSegments.problem(path, percent);
        if (problem != null) {
            throw new HttpException(400, problem);
        }
        Route route = root.match(path, 1, method, percent);
        if (route != null) {
            if (route.hasParams()) {
                route.bind(request, path);
            }
            route.handler.handle(request, responder);
            return;
        }
        Set<String> methods = new TreeSet<>();
        root.allowed(path, 1, percent, methods);
        if (methods.isEmpty()) {
            throw new HttpException(404, "no route for " + path);
        }
        if (method.equals("OPTIONS")) {
            responder.send(HttpResponse.of(200).header("Allow", allow(methods)));
            return;
        }
        throw new HttpException(405, method + " is not allowed on " + path,
                new HttpHeaders(1).add("Allow", allow(methods)));
    }

    /** The matching route's handler's answer; false when no route matches (a 404, 405 or 400 comes). */
    @Override
    public boolean wantsBody(HttpRequest head) {
        Route route = routeOf(head);
        return route != null && route.handler.wantsBody(head);
    }

    /** The body policy of the matching route's handler; {@link BodyPolicy#DEFAULT} when none matches. */
    @Override
    public BodyPolicy bodyPolicy(HttpRequest head) {
        Route route = routeOf(head);
        return route == null ? BodyPolicy.DEFAULT : route.handler.bodyPolicy(head);
    }

    /**
     * The pattern of the route that matches {@code request}, such as {@code /users/{id}}, or null when none does:
     * the same name for every path the route matches, as recordings want it.
     *
     * @param request the request
     * @return the route's pattern, or null
     */
    @Override
    public String route(HttpRequest request) {
        Route route = match(request);
        return route == null ? null : route.pattern;
    }

    /** The route for {@code request}, its parameters given to it; null when none matches or the path is refused. */
    private Route routeOf(HttpRequest request) {
        Route route = match(request);
        if (route != null && route.hasParams()) {
            try {
                route.bind(request, request.path());
            } catch (HttpException notUtf8) {
                return null; // handle() answers it
            }
        }
        return route;
    }

    /** The route that matches {@code request}, its parameters not yet bound; null when none does or the path is refused. */
    private Route match(HttpRequest request) {
        String path = request.path();
        RouteNode node = exact.get(path);
        Route direct = node == null ? null : node.exactRoute(request.method());
        if (direct != null) {
            return direct;
        }
        boolean percent = path.indexOf('%') >= 0;
        if (path.charAt(0) != '/' || PathSegments.problem(path, percent) != null) {
            return null;
        }
        return root.match(path, 1, request.method(), percent);
    }

    /** The {@code Allow} value: the methods, {@code HEAD} where there is {@code GET}, and {@code OPTIONS}. */
    private static String allow(Set<String> methods) {
        Set<String> all = new TreeSet<>(methods);
        if (all.contains("GET")) {
            all.add("HEAD");
        }
        all.add("OPTIONS");
        return String.join(", ", all);
    }

    /**
     * Collects routes. Not thread-safe. A builder from {@link #group} adds its routes to the builder it came from,
     * under its prefix.
     */
    public static final class Builder {
        /** The routes in the order they were added, shared with groups. */
        private final List<Route> routes;
        /** Each route by method and shape, to find a conflict when it is added. */
        private final Map<String, Route> byShape;
        private final String prefix;

        private Builder() {
            this(new ArrayList<>(), new HashMap<>(), "");
        }

        private Builder(List<Route> routes, Map<String, Route> byShape, String prefix) {
            this.routes = routes;
            this.byShape = byShape;
            this.prefix = prefix;
        }

        /**
         * Routes {@code GET path} (and {@code HEAD path}) to {@code handler}.
         *
         * @param path    the pattern, starting with {@code /} (in a group, or empty for the group's own path)
         * @param handler answers the requests
         * @return this builder
         * @throws IllegalArgumentException when the pattern breaks a rule, or conflicts with a route of the method
         */
        public Builder get(String path, HttpHandler handler) {
            return route("GET", path, handler);
        }

        /**
         * Routes {@code POST path} to {@code handler}.
         *
         * @param path    the pattern, starting with {@code /} (in a group, or empty for the group's own path)
         * @param handler answers the requests
         * @return this builder
         * @throws IllegalArgumentException when the pattern breaks a rule, or conflicts with a route of the method
         */
        public Builder post(String path, HttpHandler handler) {
            return route("POST", path, handler);
        }

        /**
         * Routes {@code PUT path} to {@code handler}.
         *
         * @param path    the pattern, starting with {@code /} (in a group, or empty for the group's own path)
         * @param handler answers the requests
         * @return this builder
         * @throws IllegalArgumentException when the pattern breaks a rule, or conflicts with a route of the method
         */
        public Builder put(String path, HttpHandler handler) {
            return route("PUT", path, handler);
        }

        /**
         * Routes {@code PATCH path} to {@code handler}.
         *
         * @param path    the pattern, starting with {@code /} (in a group, or empty for the group's own path)
         * @param handler answers the requests
         * @return this builder
         * @throws IllegalArgumentException when the pattern breaks a rule, or conflicts with a route of the method
         */
        public Builder patch(String path, HttpHandler handler) {
            return route("PATCH", path, handler);
        }

        /**
         * Routes {@code DELETE path} to {@code handler}.
         *
         * @param path    the pattern, starting with {@code /} (in a group, or empty for the group's own path)
         * @param handler answers the requests
         * @return this builder
         * @throws IllegalArgumentException when the pattern breaks a rule, or conflicts with a route of the method
         */
        public Builder delete(String path, HttpHandler handler) {
            return route("DELETE", path, handler);
        }

        /**
         * Routes {@code method path} to {@code handler}; the pattern is matched against the path, query excluded,
         * by the rules of {@link Routes}.
         *
         * @param method  the method, case-sensitive ({@code PATCH}, {@code OPTIONS}, say)
         * @param path    the pattern, starting with {@code /} (in a group, or empty for the group's own path)
         * @param handler answers the requests
         * @return this builder
         * @throws IllegalArgumentException when the method is not a token, the pattern breaks a rule, or a route of
         *                                  the method has the same pattern (parameter names aside); the message says
         *                                  which
         */
        public Builder route(String method, String path, HttpHandler handler) {
            Objects.requireNonNull(handler, "handler");
            checkMethod(method);
            if (!path.startsWith("/") && !(path.isEmpty() && !prefix.isEmpty())) {
                throw new IllegalArgumentException("a route path starts with / (or, in a group, is empty for the group's"
                        + " own path): " + (prefix.isEmpty() ? path : "group " + prefix + ", path " + path));
            }
            Route route = new Route(method, prefix + path, handler);
            Route existing = byShape.putIfAbsent(method + " " + route.shape(), route);
            if (existing != null) {
                throw new IllegalArgumentException("route " + route + " conflicts with " + existing
                        + ": both match the same requests");
            }
            routes.add(route);
            return this;
        }

        /**
         * Adds the routes {@code group} defines under {@code prefix}: {@code group("/api", g -> g.get("/users",
         * h))} routes {@code GET /api/users}, and {@code g.get("", h)} the prefix itself. Groups nest, and a prefix
         * may have parameters ({@code /tenants/{tenant}}).
         *
         * @param prefix the prefix, starting with {@code /} and not ending with it, without a wildcard
         * @param group  adds routes to the builder it is given
         * @return this builder
         * @throws IllegalArgumentException when the prefix breaks a rule, or a route of the group does
         */
        public Builder group(String prefix, Consumer<Builder> group) {
            if (!prefix.startsWith("/") || prefix.endsWith("/")) {
                throw new IllegalArgumentException("a group prefix starts with / and does not end with it: " + prefix);
            }
            Route check = new Route("GET", this.prefix + prefix, (request, responder) -> { });
            if (check.segments[check.segments.length - 1].equals(Route.WILDCARD)) {
                throw new IllegalArgumentException("a group prefix has no wildcard: " + prefix);
            }
            group.accept(new Builder(routes, byShape, this.prefix + prefix));
            return this;
        }

        /** {@return the routes collected so far (those of groups too), as an immutable handler} */
        public Routes build() {
            RouteNode root = new RouteNode();
            Map<String, RouteNode> exact = new HashMap<>();
            for (Route r : routes) {
                RouteNode end = root.add(r);
                if (!r.hasParams()) {
                    exact.put(r.pattern, end);
                }
            }
            root.freeze();
            return new Routes(root, Map.copyOf(exact));
        }

        private static void checkMethod(String method) {
            if (method.isEmpty()) {
                throw new IllegalArgumentException("a method is not empty");
            }
            for (int i = 0; i < method.length(); i++) {
                char c = method.charAt(i);
                if (c > 0xFF || !HttpHeaderSyntax.isTchar(c)) {
                    throw new IllegalArgumentException("a method is a token (RFC 9110): " + method);
                }
            }
        }
    }
}
