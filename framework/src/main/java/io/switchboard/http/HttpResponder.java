package io.switchboard.http;

import io.switchboard.loop.EventLoop;
import java.util.concurrent.CompletionStage;

/**
 * Answers one request, from any thread, at any time. Responses leave in request order whatever order
 * they are completed in. Thread-safe; each request is answered exactly once (a second answer throws).
 */
public interface HttpResponder {

    /**
     * Sends {@code response}.
     *
     * @param response the response
     * @throws IllegalStateException when the request was already answered
     */
    void send(HttpResponse response);

    /**
     * Sends the response {@code stage} completes with, or a 500 if it fails.
     *
     * @param stage completes with the response, on any thread
     */
    default void complete(CompletionStage<HttpResponse> stage) {
        stage.whenComplete((response, error) -> {
            if (error != null) {
                fail(error);
            } else {
                send(response);
            }
        });
    }

    /**
     * Starts a streamed response with the status and fields of {@code head} (its body must be empty):
     * chunked for HTTP/1.1 clients, delimited by closing the connection for HTTP/1.0 ones.
     *
     * @param head the status and header fields of the response
     * @return the stream to write the body to
     * @throws IllegalArgumentException when {@code head} has a body
     * @throws IllegalStateException    when the request was already answered
     */
    ResponseStream stream(HttpResponse head);

    /**
     * Answers with a 500 (the error is logged) unless an answer was already given. After a streamed answer
     * has started, it cuts the stream instead: the connection is reset, so that the client cannot take the
     * partial body for a whole one.
     *
     * @param error the failure; an {@link HttpException} is answered with its own status, a
     *              {@link java.util.concurrent.RejectedExecutionException} (no room to run the work) with 503
     */
    void fail(Throwable error);

    /** {@return true once the request has an answer} */
    boolean isAnswered();

    /** {@return the loop of the request's connection: its timers fire without another thread} */
    EventLoop loop();
}
