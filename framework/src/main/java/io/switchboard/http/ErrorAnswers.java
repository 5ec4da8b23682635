package io.switchboard.http;

/**
 * The answers the server makes itself, in one place: the refusals of the parser and the limits (400, 408, 413,
 * 414, 417, 431, 501, 505), those of {@link Routes} (400 for a path it cannot route, 404, 405), the memory budget
 * and a busy offload (503), a handler that throws (500), a refused WebSocket handshake, and every
 * {@link HttpException} a handler throws or fails its responder with. Give one to
 * {@link HttpService#HttpService(HttpConfig, HttpHandler, ErrorAnswers)} and an API answers them all as JSON, say:
 *
 * <pre>{@code
 * new HttpService(HttpConfig.DEFAULTS, routes, ErrorAnswers.JSON)
 * // 404 → {"status":404,"error":"Not Found","message":"no route for /nowhere"}
 * }</pre>
 *
 * <p>The server keeps what the status needs: {@code answer} comes with the fields it must carry ({@code Allow}
 * on a 405), and the connection rules do not change with the answer (a refusal of a malformed request still
 * closes the connection after it; {@code Connection: close} in the answer closes it too). An implementation that
 * throws, or returns null or an informational status, is logged at warn (at most once a minute) and the request
 * gets the {@link #PLAIN_TEXT} answer instead. It runs on the connection's loop: it must not block. Implementations
 * must be thread-safe (one serves every connection).
 */
@FunctionalInterface
public interface ErrorAnswers {

    /**
     * The default: the status, its reason phrase and the reason as plain text, such as
     * {@code 404 Not Found: no route for /nowhere}.
     */
    ErrorAnswers PLAIN_TEXT = (answer, request, reason) -> answer
            .header("Content-Type", "text/plain; charset=utf-8")
            .body(answer.status() + " " + HttpStatus.reason(answer.status()) + ": " + reason + "\n");

    /**
     * A JSON object with the status, its reason phrase and the reason, such as
     * {@code {"status":405,"error":"Method Not Allowed","message":"DELETE is not allowed on /users/7"}}, with
     * {@code Content-Type: application/json}.
     */
    ErrorAnswers JSON = (answer, request, reason) -> answer
            .header("Content-Type", "application/json")
            .body("{\"status\":" + answer.status() + ",\"error\":" + Json.quote(HttpStatus.reason(answer.status()))
                    + ",\"message\":" + Json.quote(reason) + "}");

    /**
     * The answer to a request the server refuses, or whose handler failed.
     *
     * @param answer  a new response with the status and the fields the status needs ({@code Allow} on a 405), no
     *                body yet: add a body and fields and return it, or return another response (of the same
     *                status, usually, and then with the fields of {@code answer})
     * @param request the request, or null when the bytes never made one (a request line or header section that is
     *                malformed, too long, or did not arrive in time)
     * @param reason  why, in plain words for a client; it may quote the request's method and path, so escape it
     *                for the body's format
     * @return the response to send
     */
    HttpResponse answer(HttpResponse answer, HttpRequest request, String reason);
}
