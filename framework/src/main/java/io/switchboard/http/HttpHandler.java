package io.switchboard.http;

import java.util.concurrent.Executor;

/**
 * Answers requests. {@link #handle} runs on the connection's loop thread and must not block: answer at
 * once, later from any thread through the {@link HttpResponder}, or {@link #offload} blocking work. A
 * handler that throws gets a 500 for that request (503 for a {@link java.util.concurrent.RejectedExecutionException},
 * an offload executor with no room); the connection stays open.
 */
@FunctionalInterface
public interface HttpHandler {

    /**
     * Handles one request; each request must be answered exactly once through {@code responder}.
     *
     * @param request   the request, with its whole body, or with its body to read as it arrives when
     *                  {@link #bodyPolicy} says {@link BodyPolicy#stream} (then this runs as soon as the head
     *                  is in)
     * @param responder answers the request, now or later, from any thread
     * @throws Exception any error: unless the request was answered it gets a 500 (an {@link HttpException}
     *                   its own status, a {@link java.util.concurrent.RejectedExecutionException} 503), and
     *                   the connection stays open
     */
    void handle(HttpRequest request, HttpResponder responder) throws Exception;

    /**
     * Whether a request with this head (body not yet read) will be handled. For {@code Expect:
     * 100-continue} requests, the server sends 100 only when this says yes; otherwise it answers without
     * reading the body and closes. Called on the loop thread. Default: yes.
     *
     * @param head the request, its body not yet read
     * @return true when the request will be handled
     */
    default boolean wantsBody(HttpRequest head) {
        return true;
    }

    /**
     * How this handler takes the body of a request with this head: whole (the default, up to
     * {@link HttpConfig#maxBody()}) or streamed, and up to how many bytes. Asked on the loop thread once per
     * request that has a body, once its head is in and before any of the body is read; a
     * router asks the handler of the matching route.
     *
     * @param head the request, its body not yet read
     * @return the policy; {@link BodyPolicy#DEFAULT} unless overridden
     */
    default BodyPolicy bodyPolicy(HttpRequest head) {
        return BodyPolicy.DEFAULT;
    }

    /**
     * The route that serves {@code request}, as a pattern of low cardinality (OpenTelemetry's {@code http.route}), for
     * recordings: a router answers with the path of the route that matched. Asked on the loop thread, only while a JFR
     * recording runs. Default: none.
     *
     * @param request the request
     * @return the route, or null when there is none
     */
    default String route(HttpRequest request) {
        return null;
    }

    /**
     * {@code handler} with another body policy: wrap a route's handler to stream its bodies or give them
     * another limit.
     *
     * <pre>{@code
     * Routes.builder()
     *         .put("/upload", HttpHandler.withBody(BodyPolicy.stream(1L << 30),
     *                 HttpHandler.offload(offload, (request, responder) -> {
     *                     long n = Files.copy(request.bodyStream(), target, REPLACE_EXISTING);
     *                     responder.send(HttpResponse.text(n + " bytes stored"));
     *                 })))
     *         .post("/json", HttpHandler.withBody(BodyPolicy.whole(64 * 1024), jsonHandler))
     * }</pre>
     *
     * @param policy  how the bodies of its requests are read
     * @param handler the handler
     * @return a handler that answers as {@code handler} does, with {@code policy}
     */
    static HttpHandler withBody(BodyPolicy policy, HttpHandler handler) {
        java.util.Objects.requireNonNull(policy, "policy");
        return new HttpHandler() {
            @Override
            public void handle(HttpRequest request, HttpResponder responder) throws Exception {
                handler.handle(request, responder);
            }

            @Override
            public boolean wantsBody(HttpRequest head) {
                return handler.wantsBody(head);
            }

            @Override
            public BodyPolicy bodyPolicy(HttpRequest head) {
                return policy;
            }
        };
    }

    /**
     * Runs {@code handler} on {@code executor} instead of the loop, for handlers that block (disk, JDBC, a
     * remote call). Pair it with {@link io.switchboard.loop.Offload}, which uses virtual threads where
     * the runtime has them.
     *
     * <p>When {@code executor} refuses the call ({@link java.util.concurrent.RejectedExecutionException}: an
     * {@link io.switchboard.loop.Offload} at its bound, or closed) the request is answered 503 at once.
     *
     * @param executor runs each call of {@code handler}
     * @param handler  the blocking handler; what it throws is passed to {@link HttpResponder#fail}
     * @return a handler that hands each request to {@code executor}
     */
    static HttpHandler offload(Executor executor, HttpHandler handler) {
        return new HttpHandler() {
            @Override
            public void handle(HttpRequest request, HttpResponder responder) {
                executor.execute(() -> {
                    try {
                        handler.handle(request, responder);
                    } catch (Throwable t) {
                        responder.fail(t);
                    }
                });
            }

            @Override
            public boolean wantsBody(HttpRequest head) {
                return handler.wantsBody(head);
            }

            @Override
            public BodyPolicy bodyPolicy(HttpRequest head) {
                return handler.bodyPolicy(head);
            }
        };
    }
}
