package io.switchboard.examples;

import io.switchboard.http.BodyPolicy;
import io.switchboard.http.HttpException;
import io.switchboard.http.HttpHandler;
import io.switchboard.http.HttpRequest;
import io.switchboard.http.HttpResponder;
import io.switchboard.http.HttpResponse;
import io.switchboard.http.Routes;
import java.nio.charset.StandardCharsets;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A small REST resource kept in memory, the guide's example of routes with parameters: {@code GET /users} lists
 * the ids, {@code PUT /users/{id}} stores a JSON document (at most 4 KiB, 1,000 users), {@code GET /users/{id}}
 * gives it back, {@code DELETE /users/{id}} removes it. A missing user is a {@link HttpException} 404; how it looks
 * (plain text in the http example, JSON with {@link io.switchboard.http.ErrorAnswers#JSON}) is the service's
 * choice. Thread-safe: handlers on every loop share the map.
 */
final class UsersApi {
    /** The most users kept; past it a new one is refused with 409 (a replaced one still fits). */
    static final int MAX_USERS = 1_000;
    /** The largest document a user may have. */
    static final int MAX_DOCUMENT = 4 * 1024;

    private final ConcurrentHashMap<String, byte[]> users = new ConcurrentHashMap<>();

    /** Adds the routes under {@code /users} to {@code routes}. */
    Routes.Builder addTo(Routes.Builder routes) {
        return routes.group("/users", users -> users
                .get("", this::list)
                .get("/{id}", this::get)
                .put("/{id}", HttpHandler.withBody(BodyPolicy.whole(MAX_DOCUMENT), this::put))
                .delete("/{id}", this::delete));
    }

    private void get(HttpRequest request, HttpResponder responder) {
        String id = id(request);
        byte[] user = users.get(id);
        if (user == null) {
            throw new HttpException(404, "no user " + id);
        }
        responder.send(HttpResponse.of(200).header("Content-Type", "application/json").body(user));
    }

    private void put(HttpRequest request, HttpResponder responder) {
        String id = id(request);
        String type = request.header("Content-Type");
        if (type == null || !type.startsWith("application/json")) {
            throw new HttpException(415, "a user is a JSON document (Content-Type: application/json)");
        }
        if (request.body().length == 0) {
            throw new HttpException(400, "a user's document is not empty");
        }
        if (!users.containsKey(id) && users.size() >= MAX_USERS) {
            throw new HttpException(409, "the directory is full: " + MAX_USERS + " users");
        }
        boolean created = users.put(id, request.body()) == null;
        responder.send(HttpResponse.of(created ? 201 : 200).header("Content-Type", "application/json")
                .header("Location", "/users/" + id).body(request.body()));
    }

    private void delete(HttpRequest request, HttpResponder responder) {
        String id = id(request);
        if (users.remove(id) == null) {
            throw new HttpException(404, "no user " + id);
        }
        responder.send(HttpResponse.of(204));
    }

    private void list(HttpRequest request, HttpResponder responder) {
        StringBuilder json = new StringBuilder("{\"ids\":[");
        for (String id : new TreeSet<>(users.keySet())) {
            json.append(json.length() > 8 ? ",\"" : "\"").append(id).append('"');
        }
        responder.send(HttpResponse.of(200).header("Content-Type", "application/json")
                .body(json.append("]}").toString().getBytes(StandardCharsets.UTF_8)));
    }

    /** The {@code id} parameter, checked: the router decodes it, and it may hold anything a client sent. */
    private static String id(HttpRequest request) {
        String id = request.pathParam("id");
        if (id.isEmpty() || id.length() > 64 || !id.chars().allMatch(c -> c < 128 && (Character.isLetterOrDigit(c)
                || c == '-' || c == '_'))) {
            throw new HttpException(400, "an id has 1 to 64 letters, digits, - or _");
        }
        return id;
    }
}
