package io.switchboard.http;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeSet;

/**
 * A handler that picks another by exact path and method. An unknown path gets 404; a known path with
 * another method gets 405 with an {@code Allow} field. {@code HEAD} is served by the {@code GET} handler
 * when it has none of its own (the body is left out). Immutable and thread-safe once built.
 */
public final class Routes implements HttpHandler {
    private final Map<String, Map<String, HttpHandler>> byPath;

    private Routes(Map<String, Map<String, HttpHandler>> byPath) {
        this.byPath = byPath;
    }

    /** {@return an empty builder} */
    public static Builder builder() {
        return new Builder();
    }

    @Override
    public void handle(HttpRequest request, HttpResponder responder) throws Exception {
        Map<String, HttpHandler> methods = byPath.get(request.path());
        if (methods == null) {
            responder.send(text(404, "no route for " + request.path()));
            return;
        }
        HttpHandler handler = find(methods, request.method());
        if (handler == null) {
            TreeSet<String> allowed = new TreeSet<>(methods.keySet());
            if (allowed.contains("GET")) {
                allowed.add("HEAD");
            }
            responder.send(text(405, request.method() + " is not allowed on " + request.path())
                    .header("Allow", String.join(", ", allowed)));
            return;
        }
        handler.handle(request, responder);
    }

    @Override
    public boolean wantsBody(HttpRequest head) {
        Map<String, HttpHandler> methods = byPath.get(head.path());
        HttpHandler handler = methods == null ? null : find(methods, head.method());
        return handler != null && handler.wantsBody(head);
    }

    /** The body policy of the matching route's handler; {@link BodyPolicy#DEFAULT} when none matches. */
    @Override
    public BodyPolicy bodyPolicy(HttpRequest head) {
        Map<String, HttpHandler> methods = byPath.get(head.path());
        HttpHandler handler = methods == null ? null : find(methods, head.method());
        return handler == null ? BodyPolicy.DEFAULT : handler.bodyPolicy(head);
    }

    /**
     * The path of the route that matches {@code request} (routes match exact paths), or null when none does.
     *
     * @param request the request
     * @return the route's path, or null
     */
    @Override
    public String route(HttpRequest request) {
        return byPath.containsKey(request.path()) ? request.path() : null;
    }

    private static HttpHandler find(Map<String, HttpHandler> methods, String method) {
        HttpHandler handler = methods.get(method);
        if (handler == null && method.equals("HEAD")) {
            handler = methods.get("GET");
        }
        return handler;
    }

    private static HttpResponse text(int status, String message) {
        return HttpResponse.of(status).header("Content-Type", "text/plain; charset=utf-8")
                .body(status + " " + HttpStatus.reason(status) + ": " + message + "\n");
    }

    /** Collects routes. Not thread-safe. */
    public static final class Builder {
        private final Map<String, Map<String, HttpHandler>> byPath = new HashMap<>();

        private Builder() {
        }

        /**
         * Routes {@code GET path} (and {@code HEAD path}) to {@code handler}.
         *
         * @param path    the exact path, starting with {@code /}
         * @param handler answers the requests
         * @return this builder
         * @throws IllegalArgumentException when the path does not start with {@code /} or the route exists
         */
        public Builder get(String path, HttpHandler handler) {
            return route("GET", path, handler);
        }

        /**
         * Routes {@code POST path} to {@code handler}.
         *
         * @param path    the exact path, starting with {@code /}
         * @param handler answers the requests
         * @return this builder
         * @throws IllegalArgumentException when the path does not start with {@code /} or the route exists
         */
        public Builder post(String path, HttpHandler handler) {
            return route("POST", path, handler);
        }

        /**
         * Routes {@code PUT path} to {@code handler}.
         *
         * @param path    the exact path, starting with {@code /}
         * @param handler answers the requests
         * @return this builder
         * @throws IllegalArgumentException when the path does not start with {@code /} or the route exists
         */
        public Builder put(String path, HttpHandler handler) {
            return route("PUT", path, handler);
        }

        /**
         * Routes {@code DELETE path} to {@code handler}.
         *
         * @param path    the exact path, starting with {@code /}
         * @param handler answers the requests
         * @return this builder
         * @throws IllegalArgumentException when the path does not start with {@code /} or the route exists
         */
        public Builder delete(String path, HttpHandler handler) {
            return route("DELETE", path, handler);
        }

        /**
         * Routes {@code method path} to {@code handler}; the path is matched exactly, query excluded.
         *
         * @param method  the method, case-sensitive ({@code PATCH}, say)
         * @param path    the exact path, starting with {@code /}
         * @param handler answers the requests
         * @return this builder
         * @throws IllegalArgumentException when the path does not start with {@code /} or the route exists
         */
        public Builder route(String method, String path, HttpHandler handler) {
            if (!path.startsWith("/")) {
                throw new IllegalArgumentException("a route path starts with /: " + path);
            }
            if (byPath.computeIfAbsent(path, p -> new LinkedHashMap<>()).putIfAbsent(method, handler) != null) {
                throw new IllegalArgumentException("route " + method + " " + path + " is already defined");
            }
            return this;
        }

        /** {@return the routes collected so far, as an immutable handler} */
        public Routes build() {
            Map<String, Map<String, HttpHandler>> copy = new HashMap<>();
            byPath.forEach((path, methods) -> copy.put(path, Map.copyOf(methods)));
            return new Routes(Map.copyOf(copy));
        }
    }
}
