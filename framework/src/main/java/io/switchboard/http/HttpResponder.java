package io.switchboard.http;

import io.switchboard.loop.EventLoop;
import java.util.concurrent.CompletionStage;

/**
 * Answers one request, from any thread, at any time. Responses leave in request order whatever order
 * they are completed in. Thread-safe; each request is answered exactly once (a second answer throws).
 */
public interface HttpResponder {

    /** Sends {@code response}. */
    void send(HttpResponse response);

    /** Sends the response {@code stage} completes with, or a 500 if it fails. */
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
     */
    ResponseStream stream(HttpResponse head);

    /** Answers with a 500 (the error is logged) unless an answer was already given. */
    void fail(Throwable error);

    /** True once the request has an answer. */
    boolean isAnswered();

    /** The loop of the request's connection: its timers fire without another thread. */
    EventLoop loop();
}
