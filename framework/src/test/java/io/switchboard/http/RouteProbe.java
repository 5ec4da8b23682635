package io.switchboard.http;

import io.switchboard.loop.EventLoop;
import io.switchboard.pipeline.Handler;
import java.util.concurrent.CompletionStage;

/**
 * Drives {@link Routes} directly, without a connection: a request goes in, and what comes out is a line
 * naming the route that answered with its path parameters ({@code "user {id=7}"}), or the refusal
 * ({@code "404"}, {@code "405 Allow: GET, HEAD, OPTIONS"}, {@code "400"}), or the automatic {@code OPTIONS}
 * answer ({@code "200 Allow: ..."}).
 */
final class RouteProbe {
    private RouteProbe() {
    }

    /** A handler that answers with its label and the request's path parameters. */
    static HttpHandler named(String label) {
        return (request, responder) -> responder.send(HttpResponse.text(label + " " + request.pathParams()));
    }

    static HttpRequest request(String method, String target) {
        return new HttpRequest(method, target, HttpVersion.HTTP_1_1, new HttpHeaders(1), null);
    }

    static String route(Routes routes, String method, String target) {
        return route(routes, request(method, target));
    }

    static String route(Routes routes, HttpRequest request) {
        Capture capture = new Capture();
        try {
            routes.handle(request, capture);
        } catch (HttpException e) {
            String allow = e.headers().get("Allow");
            return e.status() + (allow == null ? "" : " Allow: " + allow);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
        HttpResponse r = capture.response;
        if (r.status() != 200 || r.body().length == 0) {
            return r.status() + " Allow: " + r.headers().get("Allow");
        }
        return new String(r.body(), java.nio.charset.StandardCharsets.UTF_8);
    }

    /** A responder that keeps the one answer it is given. */
    static class Capture implements HttpResponder {
        HttpResponse response;

        @Override
        public void send(HttpResponse response) {
            if (this.response != null) {
                throw new IllegalStateException("answered twice");
            }
            this.response = response;
        }

        @Override
        public void upgrade(HttpResponse response, Handler protocol) {
            throw new UnsupportedOperationException();
        }

        @Override
        public void complete(CompletionStage<HttpResponse> stage) {
            throw new UnsupportedOperationException();
        }

        @Override
        public ResponseStream stream(HttpResponse head) {
            throw new UnsupportedOperationException();
        }

        @Override
        public ResponseStream stream(HttpResponse head, long contentLength) {
            throw new UnsupportedOperationException();
        }

        @Override
        public void sendFile(HttpResponse head, java.nio.channels.FileChannel file, long position, long count) {
            throw new UnsupportedOperationException();
        }

        @Override
        public void fail(Throwable error) {
            throw new AssertionError(error);
        }

        @Override
        public boolean isAnswered() {
            return response != null;
        }

        @Override
        public EventLoop loop() {
            throw new UnsupportedOperationException();
        }
    }
}
