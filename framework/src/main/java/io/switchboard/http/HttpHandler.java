package io.switchboard.http;

import java.util.concurrent.Executor;

/**
 * Answers requests. {@link #handle} runs on the connection's loop thread and must not block: answer at
 * once, later from any thread through the {@link HttpResponder}, or {@link #offload} blocking work. A
 * handler that throws gets a 500 for that request; the connection stays open.
 */
@FunctionalInterface
public interface HttpHandler {

    /** Handles one request; each request must be answered exactly once through {@code responder}. */
    void handle(HttpRequest request, HttpResponder responder) throws Exception;

    /**
     * Whether a request with this head (body not yet read) will be handled. For {@code Expect:
     * 100-continue} requests, the server sends 100 only when this says yes; otherwise it answers without
     * reading the body and closes. Called on the loop thread. Default: yes.
     */
    default boolean wantsBody(HttpRequest head) {
        return true;
    }

    /**
     * Runs {@code handler} on {@code executor} instead of the loop, for handlers that block (disk, JDBC, a
     * remote call). Pair it with {@link io.switchboard.loop.Offload}, which uses virtual threads where
     * the runtime has them.
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
        };
    }
}
