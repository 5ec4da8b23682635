package io.switchboard.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.server.Server;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Routing over real sockets, with the service's answers set to JSON: 405 with {@code Allow}, every answer the
 * server makes itself (parser, limits, router, handler failures) in JSON from the one place, and encoded paths
 * reaching their routes as sent by a client.
 */
class RoutingLoopbackTest {
    private static Server server;
    private static int port;

    @BeforeAll
    static void start() {
        Routes routes = Routes.builder()
                .get("/users/{id}", (req, res) -> res.send(HttpResponse.text("user " + req.pathParam("id"))))
                .put("/users/{id}", (req, res) -> res.send(HttpResponse.of(204)))
                .get("/files/{name}", (req, res) -> res.send(HttpResponse.text("file " + req.pathParam("name"))))
                .get("/café", (req, res) -> res.send(HttpResponse.text("coffee")))
                .get("/static/*", (req, res) -> res.send(HttpResponse.text("static " + req.pathParam("*"))))
                .post("/echo", (req, res) -> res.send(HttpResponse.of(200).body(req.body())))
                .get("/boom", (req, res) -> {
                    throw new IllegalStateException("a handler bug");
                })
                .get("/taken", (req, res) -> {
                    throw new HttpException(409, "the name \"taken\" is taken");
                })
                .get("/private", (req, res) -> res.fail(new HttpException(401, "sign in first",
                        new HttpHeaders().add("WWW-Authenticate", "Bearer realm=\"api\""))))
                .build();
        HttpConfig config = HttpConfig.DEFAULTS.withMaxBody(1024).withMaxRequestLine(512).withMaxHeaders(1024, 20)
                .withTimeouts(Duration.ofMillis(500), Duration.ofSeconds(75), Duration.ofSeconds(60));
        server = Server.builder().host("127.0.0.1").workers(1).pipeline(new HttpService(config, routes, ErrorAnswers.JSON))
                .start();
        port = server.localAddress().getPort();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    /** Sends {@code requests} on one connection, reads until the server closes it, and parses the answers. */
    private static List<Responses.Response> exchange(String requests, boolean... head) throws IOException {
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(10_000);
            s.getOutputStream().write(requests.getBytes(StandardCharsets.UTF_8));
            InputStream in = s.getInputStream();
            return Responses.parse(in.readAllBytes(), head);
        }
    }

    private static String get(String target, String connection) {
        return "GET " + target + " HTTP/1.1\r\nHost: t\r\n" + (connection == null ? "" : "Connection: " + connection + "\r\n")
                + "\r\n";
    }

    @Test
    void aWrongMethodGets405WithAllowAndTheConnectionStaysOpen() throws IOException {
        List<Responses.Response> answers = exchange("DELETE /users/7 HTTP/1.1\r\nHost: t\r\n\r\n"
                + "OPTIONS /users/7 HTTP/1.1\r\nHost: t\r\n\r\n" + get("/users/7", "close"));
        assertEquals(3, answers.size(), "the 405 and the OPTIONS answer left the connection open for the third");
        Responses.Response refused = answers.get(0);
        assertEquals(405, refused.status());
        assertEquals("GET, HEAD, OPTIONS, PUT", refused.header("Allow"));
        assertEquals("application/json", refused.header("Content-Type"));
        assertEquals("{\"status\":405,\"error\":\"Method Not Allowed\",\"message\":\"DELETE is not allowed on /users/7\"}",
                refused.text());
        assertEquals(200, answers.get(1).status());
        assertEquals("GET, HEAD, OPTIONS, PUT", answers.get(1).header("Allow"));
        assertEquals("0", answers.get(1).header("Content-Length"));
        assertEquals("user 7", answers.get(2).text());
    }

    static Stream<Arguments> refusals() {
        return Stream.of(
                Arguments.of("no route", get("/nowhere", "close"), 404, "no route for /nowhere", false),
                Arguments.of("a dot segment", get("/static/../secret", "close"), 400,
                        "dot segments (. and ..) are not accepted in a path", false),
                Arguments.of("an encoded dot segment", get("/static/%2e%2E/secret", "close"), 400,
                        "dot segments (. and ..) are not accepted in a path", false),
                Arguments.of("a malformed escape", get("/files/%G0", "close"), 400, "malformed percent-encoding in the path", false),
                Arguments.of("a parameter not UTF-8", get("/files/%C3%28", "close"), 400,
                        "a path segment is not UTF-8 once percent-decoded", false),
                Arguments.of("a throwing handler", get("/boom", "close"), 500, "the handler failed", false),
                Arguments.of("a handler's HttpException", get("/taken", "close"), 409, "the name \\\"taken\\\" is taken", false),
                Arguments.of("a malformed request line", "GET  /users/7 HTTP/1.1\r\nHost: t\r\n\r\n", 400, "malformed request line", true),
                Arguments.of("a request line too long", get("/" + "a".repeat(600), null), 414, "request line longer than the limit", true),
                Arguments.of("too many header fields", "GET /users/7 HTTP/1.1\r\nHost: t\r\n" + "X: y\r\n".repeat(30) + "\r\n", 431,
                        "more than 20 header fields", true),
                Arguments.of("a body over the limit", "POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 5000\r\n\r\n", 413,
                        "declared body of 5000 bytes over the limit of 1024", true),
                Arguments.of("HTTP/2.0 framing", "GET /users/7 HTTP/2.0\r\nHost: t\r\n\r\n", 505,
                        "HTTP/2 is not supported over HTTP/1 framing", true),
                Arguments.of("an unknown transfer coding", "POST /echo HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: gzip\r\n\r\n", 501,
                        "only the chunked transfer coding is supported", true),
                Arguments.of("an unknown expectation", "POST /echo HTTP/1.1\r\nHost: t\r\nExpect: coffee\r\nContent-Length: 1\r\n\r\nx",
                        417, "unsupported expectation", true),
                Arguments.of("a header that stops arriving", "GET /users/7 HTTP/1.1\r\nHost:", 408,
                        "the request header did not arrive in time", true));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("refusals")
    void everyAnswerTheServerMakesComesFromItsErrorAnswers(String name, String request, int status, String message,
                                                            boolean closes) throws IOException {
        List<Responses.Response> answers = exchange(request);
        assertEquals(1, answers.size(), name);
        Responses.Response r = answers.get(0);
        assertEquals(status, r.status(), name + ": " + r.text());
        assertEquals("application/json", r.header("Content-Type"), name);
        assertEquals("{\"status\":" + status + ",\"error\":\"" + HttpStatus.reason(status) + "\",\"message\":\"" + message + "\"}",
                r.text(), name);
        if (closes) {
            assertEquals("close", r.header("Connection"), name + ": the framing is lost, so the connection closes");
        }
    }

    @Test
    void fieldsAnHttpExceptionCarriesReachTheClient() throws IOException {
        Responses.Response r = exchange(get("/private", "close")).get(0);
        assertEquals(401, r.status());
        assertEquals("Bearer realm=\"api\"", r.header("WWW-Authenticate"));
        assertEquals("{\"status\":401,\"error\":\"Unauthorized\",\"message\":\"sign in first\"}", r.text());
    }

    @Test
    void encodedPathsReachTheirRoutesAsSent() throws IOException {
        List<Responses.Response> answers = exchange(get("/files/a%2Fb", null) + get("/files/a%20b+c", null)
                + get("/caf%C3%A9", null) + get("/static/..%2F..%2Fetc%2Fpasswd", null) + get("/static/css/a%20b.css", null)
                + get("/users/%E2%82%AC", "close"));
        assertEquals(List.of("file a/b", "file a b+c", "coffee", "static ..%2F..%2Fetc%2Fpasswd", "static css/a%20b.css",
                "user €"), answers.stream().map(Responses.Response::text).toList());
        assertTrue(answers.stream().allMatch(r -> r.status() == 200));
    }

    @Test
    void headOfAnErrorAnswerHasItsLengthAndNoBody() throws IOException {
        List<Responses.Response> answers = exchange("HEAD /nowhere HTTP/1.1\r\nHost: t\r\n\r\n" + get("/users/1", "close"), true);
        assertEquals(404, answers.get(0).status());
        assertEquals(String.valueOf("{\"status\":404,\"error\":\"Not Found\",\"message\":\"no route for /nowhere\"}".length()),
                answers.get(0).header("Content-Length"));
        assertEquals("user 1", answers.get(1).text(), "the answer after it starts right after the head");
    }
}
