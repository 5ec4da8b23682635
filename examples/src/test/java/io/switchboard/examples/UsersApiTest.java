package io.switchboard.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.http.ErrorAnswers;
import io.switchboard.http.HttpConfig;
import io.switchboard.http.HttpService;
import io.switchboard.http.Routes;
import io.switchboard.testing.EmbeddedConnection;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The guide's REST resource, served with its answers in JSON, through the whole HTTP stage in memory. */
class UsersApiTest {
    private final Routes routes = new UsersApi().addTo(Routes.builder()).build();
    private final HttpService service = new HttpService(HttpConfig.DEFAULTS, routes, ErrorAnswers.JSON);
    private final EmbeddedConnection c = new EmbeddedConnection(service);

    /** One request in, its status line and body out: {@code "404 {...}"}. */
    private String send(String method, String target, String json) {
        String body = json == null ? "" : json;
        c.feed(method + " " + target + " HTTP/1.1\r\nHost: t\r\n"
                + (json == null ? "" : "Content-Type: application/json\r\nContent-Length: " + body.getBytes(StandardCharsets.UTF_8).length + "\r\n")
                + "\r\n" + body);
        String raw = c.takeWrittenString();
        String status = raw.substring(9, 12);
        String content = raw.substring(raw.indexOf("\r\n\r\n") + 4);
        return content.isEmpty() ? status : status + " " + content;
    }

    @Test
    void usersAreStoredReadListedAndDeletedByTheirId() {
        assertEquals("201 {\"name\":\"Ada\"}", send("PUT", "/users/ada", "{\"name\":\"Ada\"}"));
        assertEquals("200 {\"name\":\"Ada Lovelace\"}", send("PUT", "/users/ada", "{\"name\":\"Ada Lovelace\"}"));
        assertEquals("201 {\"name\":\"Alan\"}", send("PUT", "/users/alan", "{\"name\":\"Alan\"}"));
        assertEquals("200 {\"name\":\"Ada Lovelace\"}", send("GET", "/users/ada", null));
        assertEquals("200 {\"ids\":[\"ada\",\"alan\"]}", send("GET", "/users", null));
        assertEquals("204", send("DELETE", "/users/alan", null));
        assertEquals("200 {\"ids\":[\"ada\"]}", send("GET", "/users", null));
    }

    @Test
    void refusalsAreJsonFromTheServicesErrorAnswers() {
        assertEquals("404 {\"status\":404,\"error\":\"Not Found\",\"message\":\"no user bob\"}", send("GET", "/users/bob", null));
        assertEquals("404 {\"status\":404,\"error\":\"Not Found\",\"message\":\"no route for /users/bob/posts\"}",
                send("GET", "/users/bob/posts", null));
        assertEquals("405 {\"status\":405,\"error\":\"Method Not Allowed\",\"message\":\"POST is not allowed on /users/bob\"}",
                send("POST", "/users/bob", "{}"));
        assertEquals("400 {\"status\":400,\"error\":\"Bad Request\",\"message\":\"an id has 1 to 64 letters, digits, - or _\"}",
                send("GET", "/users/a%2Fb", null));
        assertEquals("415 {\"status\":415,\"error\":\"Unsupported Media Type\",\"message\":\"a user is a JSON document"
                + " (Content-Type: application/json)\"}", send("PUT", "/users/x", null));
        assertEquals("413 {\"status\":413,\"error\":\"Content Too Large\",\"message\":\"declared body of 5000 bytes over the"
                + " limit of 4096\"}", send("PUT", "/users/x", "{\"a\":\"" + "x".repeat(4992) + "\"}"));
        assertTrue(c.isClosed(), "the 413 closed the connection: its body was never read");
    }

    @Test
    void theDirectoryIsBounded() {
        List<String> answers = new ArrayList<>();
        for (int i = 0; i <= UsersApi.MAX_USERS; i++) {
            answers.add(send("PUT", "/users/u" + i, "{}"));
        }
        assertEquals("201 {}", answers.get(UsersApi.MAX_USERS - 1));
        assertEquals("409 {\"status\":409,\"error\":\"Conflict\",\"message\":\"the directory is full: 1000 users\"}",
                answers.get(UsersApi.MAX_USERS));
        assertEquals("200 {}", send("PUT", "/users/u0", "{}"), "a user already there may still be replaced");
    }
}
