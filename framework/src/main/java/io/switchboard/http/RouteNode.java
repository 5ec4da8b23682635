package io.switchboard.http;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * A node of the tree of path segments that {@link Routes} matches with: children by literal segment (an
 * open-addressing table, looked up with the segment's characters in the path, so no String is made for it), one
 * child for a parameter, and the routes that end here, exactly or with the wildcard. Matching goes down the tree
 * trying, at each segment, the literal child, then the parameter child, then the wildcard; it backs up only to
 * try the next of these, so each node is visited at most once per request: the work is bounded by the path's
 * length and the size of the tree, whatever the path. Built once, then read by any thread.
 */
final class RouteNode {
    private static final String[] NO_KEYS = new String[0];
    private static final RouteNode[] NO_NODES = new RouteNode[0];

    /** Literal children while the tree is built; null once frozen. */
    private Map<String, RouteNode> building = new LinkedHashMap<>();
    private String[] keys = NO_KEYS;
    private RouteNode[] nodes = NO_NODES;
    private RouteNode param;
    /** The routes of the paths that end here, by method. */
    private Endpoint exact;
    /** The routes whose wildcard starts here, by method. */
    private Endpoint rest;

    // Building.

    /**
     * Adds {@code route} under this node, the root; its shape is known to be new for its method.
     *
     * @return the node where the route ends (for a wildcard route, the node its wildcard starts at)
     */
    RouteNode add(Route route) {
        RouteNode node = this;
        for (String s : route.segments) {
            if (s.equals(Route.WILDCARD)) {
                node.rest = Endpoint.with(node.rest, route);
                return node;
            }
            if (Route.isParam(s)) {
                if (node.param == null) {
                    node.param = new RouteNode();
                }
                node = node.param;
            } else {
                node = node.building.computeIfAbsent(s, k -> new RouteNode());
            }
        }
        node.exact = Endpoint.with(node.exact, route);
        return node;
    }

    /** Turns the literal children into the lookup table, here and below. */
    void freeze() {
        int capacity = 2;
        while (capacity < building.size() * 2) {
            capacity <<= 1;
        }
        if (!building.isEmpty()) {
            keys = new String[capacity];
            nodes = new RouteNode[capacity];
            for (Map.Entry<String, RouteNode> e : building.entrySet()) {
                int i = spread(e.getKey().hashCode()) & (capacity - 1);
                while (keys[i] != null) {
                    i = (i + 1) & (capacity - 1);
                }
                keys[i] = e.getKey();
                nodes[i] = e.getValue();
                e.getValue().freeze();
            }
        }
        building = null;
        if (param != null) {
            param.freeze();
        }
    }

    // Matching.

    /** {@return the route for {@code method} among those that end exactly at this node ({@code HEAD} falls back to {@code GET}), or null} */
    Route exactRoute(String method) {
        return exact == null ? null : exact.find(method);
    }

    /**
     * The route for {@code method} that takes the path from segment start {@code start} on, in the order of
     * precedence (literal, parameter, wildcard, segment by segment from the left); {@code HEAD} falls back to
     * {@code GET} at each route's end.
     *
     * @param start   the first character of the next segment, or -1 when the path has no more
     * @param percent true when the path has a {@code %} somewhere
     * @return the route, or null
     */
    Route match(String path, int start, String method, boolean percent) {
        if (start < 0) {
            Route r = exact == null ? null : exact.find(method);
            return r != null || rest == null ? r : rest.find(method);
        }
        int end = PathSegments.end(path, start);
        int next = end == path.length() ? -1 : end + 1;
        if (keys.length > 0) {
            RouteNode child = literal(path, start, end, percent);
            if (child != null) {
                Route r = child.match(path, next, method, percent);
                if (r != null) {
                    return r;
                }
            }
        }
        if (param != null && end > start) {
            Route r = param.match(path, next, method, percent);
            if (r != null) {
                return r;
            }
        }
        return rest == null ? null : rest.find(method);
    }

    /** Adds to {@code into} the methods of every route that takes the path from {@code start} on, whatever its method. */
    void allowed(String path, int start, boolean percent, Set<String> into) {
        if (start < 0) {
            if (exact != null) {
                exact.methodsTo(into);
            }
            if (rest != null) {
                rest.methodsTo(into);
            }
            return;
        }
        int end = PathSegments.end(path, start);
        int next = end == path.length() ? -1 : end + 1;
        if (keys.length > 0) {
            RouteNode child = literal(path, start, end, percent);
            if (child != null) {
                child.allowed(path, next, percent, into);
            }
        }
        if (param != null && end > start) {
            param.allowed(path, next, percent, into);
        }
        if (rest != null) {
            rest.methodsTo(into);
        }
    }

    /** Adds the methods of every route at or under this node to {@code into}. */
    void allMethods(Set<String> into) {
        if (exact != null) {
            exact.methodsTo(into);
        }
        if (rest != null) {
            rest.methodsTo(into);
        }
        for (RouteNode n : nodes) {
            if (n != null) {
                n.allMethods(into);
            }
        }
        if (param != null) {
            param.allMethods(into);
        }
    }

    /** The literal child for the segment from {@code from} to {@code to}: its characters, or decoded when it has a {@code %}. */
    private RouteNode literal(String path, int from, int to, boolean percent) {
        if (percent && PathSegments.hasPercent(path, from, to)) {
            String decoded = PathSegments.decode(path, from, to, false);
            return find(decoded, 0, decoded.length());
        }
        return find(path, from, to);
    }

    private RouteNode find(String s, int from, int to) {
        int h = 0;
        for (int i = from; i < to; i++) {
            h = 31 * h + s.charAt(i);
        }
        int mask = keys.length - 1;
        int length = to - from;
        for (int i = spread(h) & mask; ; i = (i + 1) & mask) {
            String key = keys[i];
            if (key == null) {
                return null;
            }
            if (key.length() == length && s.regionMatches(from, key, 0, length)) {
                return nodes[i];
            }
        }
    }

    private static int spread(int h) {
        return h ^ (h >>> 16);
    }

    /** The routes that end at one node, by method. Immutable. */
    private static final class Endpoint {
        private final String[] methods;
        private final Route[] routes;

        private Endpoint(String[] methods, Route[] routes) {
            this.methods = methods;
            this.routes = routes;
        }

        static Endpoint with(Endpoint e, Route route) {
            if (e == null) {
                return new Endpoint(new String[] {route.method}, new Route[] {route});
            }
            String[] methods = java.util.Arrays.copyOf(e.methods, e.methods.length + 1);
            Route[] routes = java.util.Arrays.copyOf(e.routes, e.routes.length + 1);
            methods[e.methods.length] = route.method;
            routes[e.routes.length] = route;
            return new Endpoint(methods, routes);
        }

        Route find(String method) {
            Route r = exactly(method);
            return r == null && method.equals("HEAD") ? exactly("GET") : r;
        }

        private Route exactly(String method) {
            for (int i = 0; i < methods.length; i++) {
                if (methods[i].equals(method)) {
                    return routes[i];
                }
            }
            return null;
        }

        void methodsTo(Set<String> into) {
            for (String m : methods) {
                into.add(m);
            }
        }
    }
}
