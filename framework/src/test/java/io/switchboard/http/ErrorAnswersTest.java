package io.switchboard.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.testing.EmbeddedConnection;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.RejectedExecutionException;
import org.junit.jupiter.api.Test;

/** The one place the server's own answers come from, and what it keeps whatever that place answers. */
class ErrorAnswersTest {
    private final Routes routes = Routes.builder()
            .get("/a", (req, res) -> res.send(HttpResponse.text("a")))
            .get("/busy", (req, res) -> res.fail(new RejectedExecutionException("offload full")))
            .build();

    private EmbeddedConnection connection(ErrorAnswers answers) {
        return new EmbeddedConnection(p -> new HttpService(HttpConfig.DEFAULTS, routes, answers).accept(p));
    }

    @Test
    void theAnswersSeeTheStatusTheRequestAndTheReasonAndKeepTheFieldsTheStatusNeeds() {
        List<String> seen = new ArrayList<>();
        EmbeddedConnection c = connection((answer, request, reason) -> {
            seen.add(answer.status() + " " + (request == null ? null : request.method() + " " + request.path()) + ": " + reason);
            return answer.header("Content-Type", "text/x-custom").body("custom " + answer.status());
        });
        c.feed("DELETE /a HTTP/1.1\r\nHost: t\r\n\r\n" + HttpTestSupport.get("/busy") + HttpTestSupport.get("/b")
                + "GET /a HTTP/1.1\r\n\r\n");
        List<Responses.Response> answers = Responses.parse(c.takeWritten());
        assertEquals(List.of(405, 503, 404, 400), answers.stream().map(Responses.Response::status).toList());
        assertEquals("GET, HEAD, OPTIONS", answers.get(0).header("Allow"), "the answer came with Allow");
        assertEquals("custom 405", answers.get(0).text());
        assertEquals("text/x-custom", answers.get(1).header("Content-Type"));
        assertEquals("close", answers.get(3).header("Connection"), "a malformed request still closes the connection");
        assertEquals(List.of("405 DELETE /a: DELETE is not allowed on /a", "503 GET /busy: the server is busy; try again later",
                "404 GET /b: no route for /b", "400 null: HTTP/1.1 request without Host"), seen);
        assertTrue(c.isClosed());
    }

    @Test
    void aRequestLineThatNeverMadeARequestIsAnsweredWithoutOne() {
        List<HttpRequest> seen = new ArrayList<>();
        EmbeddedConnection c = connection((answer, request, reason) -> {
            seen.add(request);
            return ErrorAnswers.JSON.answer(answer, request, reason);
        });
        c.feed("BROKEN\r\n\r\n");
        assertEquals(400, Responses.parse(c.takeWritten()).get(0).status());
        assertEquals(1, seen.size());
        assertNull(seen.get(0));
    }

    @Test
    void anAnswersThatFailsIsReplacedByPlainTextAndTheConnectionGoesOn() {
        for (ErrorAnswers broken : List.<ErrorAnswers>of(
                (answer, request, reason) -> {
                    throw new IllegalStateException("a bug in the error page");
                },
                (answer, request, reason) -> null,
                (answer, request, reason) -> HttpResponse.of(100))) {
            EmbeddedConnection c = connection(broken);
            c.feed(HttpTestSupport.get("/nowhere") + HttpTestSupport.get("/a"));
            List<Responses.Response> answers = Responses.parse(c.takeWritten());
            assertEquals(404, answers.get(0).status());
            assertEquals("404 Not Found: no route for /nowhere\n", answers.get(0).text());
            assertEquals("a", answers.get(1).text());
            assertFalse(c.isClosed());
        }
    }

    @Test
    void aSharedResponseMayBeTheAnswerEveryTime() {
        HttpResponse gone = HttpResponse.of(404).header("Content-Type", "application/json").body("{\"error\":\"gone\"}");
        EmbeddedConnection c = connection((answer, request, reason) -> answer.status() == 404 ? gone
                : ErrorAnswers.PLAIN_TEXT.answer(answer, request, reason));
        c.feed(HttpTestSupport.get("/x") + HttpTestSupport.get("/y"));
        List<Responses.Response> answers = Responses.parse(c.takeWritten());
        assertEquals(List.of("{\"error\":\"gone\"}", "{\"error\":\"gone\"}"), answers.stream().map(Responses.Response::text).toList());
    }

    @Test
    void theJsonAnswerEscapesTheReason() {
        HttpResponse r = ErrorAnswers.JSON.answer(HttpResponse.of(404), null, "no route for /a\"b\\c\u0001");
        assertEquals("{\"status\":404,\"error\":\"Not Found\",\"message\":\"no route for /a\\\"b\\\\c\\u0001\"}",
                new String(r.body(), java.nio.charset.StandardCharsets.UTF_8));
    }

    @Test
    void anHttpExceptionRefusesFramingFieldsAndCopiesItsOwn() {
        assertThrows(IllegalArgumentException.class,
                () -> new HttpException(400, "x", new HttpHeaders().add("Content-Length", "3")));
        assertThrows(IllegalArgumentException.class, () -> new HttpException(400, "x", new HttpHeaders().add("X", "a\r\nb")));
        HttpHeaders given = new HttpHeaders().add("Retry-After", "5");
        HttpException e = new HttpException(503, "later", given);
        given.set("Retry-After", "9");
        assertEquals("5", e.headers().get("Retry-After"), "copied when made");
        e.headers().set("Retry-After", "7");
        assertEquals("5", e.headers().get("Retry-After"), "and handed out as copies");
    }
}
