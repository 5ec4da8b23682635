package io.switchboard.internal;

import io.switchboard.http.HttpException;
import io.switchboard.http.HttpHeaders;
import io.switchboard.http.HttpRequest;
import io.switchboard.http.HttpResponder;
import io.switchboard.http.HttpResponse;
import io.switchboard.http.HttpService;
import io.switchboard.http.HttpVersion;
import io.switchboard.loop.EventLoop;
import io.switchboard.pipeline.Connection;
import io.switchboard.pipeline.HandlerContext;
import io.switchboard.pipeline.MemoryBudget;

/**
 * What the HTTP/2 connection needs of the HTTP package that is not public API: making requests and the
 * service's own answers. The HTTP package installs its {@link Bridge} when {@link HttpService} is initialised,
 * which happens before any connection holds a service (the JDK's {@code SharedSecrets} pattern). Thread-safe.
 */
public final class HttpAccess {
    /** The package-private operations of the HTTP package. */
    public interface Bridge {
        /**
         * {@return a request without a body yet}
         *
         * @param method     the method
         * @param target     the request target
         * @param version    the version it came in
         * @param headers    its fields
         * @param connection the connection it came on
         */
        HttpRequest request(String method, String target, HttpVersion version, HttpHeaders headers,
                Connection connection);

        /**
         * Gives a request its whole body.
         *
         * @param request  the request
         * @param body     the body
         * @param trailers its trailer fields, or null for none
         */
        void body(HttpRequest request, byte[] body, HttpHeaders trailers);

        /**
         * Gives a request a body streamed to its handler ({@code BodyPolicy.stream}), fed by an HTTP/2 stream.
         *
         * @param request        the request
         * @param responder      its responder: what a demand callback throws fails it
         * @param budget         the memory budget the chunks not read count against
         * @param declaredLength the declared length, or -1
         * @param onRead         runs on the loop after the reader took bytes ({@link BodyFeed#takeConsumed()})
         * @return the connection's side of the body
         */
        BodyFeed streamedBody(HttpRequest request, HttpResponder responder, MemoryBudget budget, long declaredLength,
                Runnable onRead);

        /**
         * {@return a compressor for an answer over HTTP/2 by the service's {@code CompressionOptions}, when it
         * qualifies, the client accepts a coding and the budget has room; else null}
         *
         * @param service  the service
         * @param request  the request answered
         * @param response the answer, or the head of a streamed one
         * @param length   the body's length, or -1 when not known
         * @param loop     the connection's loop, whose deflaters are used
         * @param budget   the memory budget the deflater counts against
         */
        BodyCompressor compressor(HttpService service, HttpRequest request, HttpResponse response, long length,
                EventLoop loop, MemoryBudget budget);

        /**
         * {@return true when the answer carries {@code vary: accept-encoding}, compressed or not: the service
         * compresses and the answer qualifies (or is a 304 standing for one that did), and names it not yet}
         *
         * @param service  the service
         * @param response the answer
         * @param length   the body's length, or -1 when not known
         */
        boolean varies(HttpService service, HttpResponse response, long length);

        /**
         * {@return the counts and JFR events of the requests of one HTTP/2 connection}
         *
         * @param service the service, whose {@code HttpMetrics} count them (when it has any)
         * @param ctx     the connection's handler context
         */
        StreamTally tally(HttpService service, HandlerContext ctx);

        /**
         * {@return the decoder of a request body sent with {@code content-encoding} gzip or deflate, for a route
         * whose {@code BodyPolicy} decodes; null when the body is not encoded} The request loses its
         * {@code content-encoding} and {@code content-length}, which describe the compressed bytes.
         *
         * @param request the request
         * @param limit   the most decoded bytes the body may have
         * @param loop    the connection's loop, whose inflaters are used
         * @param budget  the memory budget the inflater counts against
         * @throws HttpException 415 for another coding, or several
         */
        BodyDecoder decoder(HttpRequest request, long limit, EventLoop loop, MemoryBudget budget);

        /**
         * {@return the service's answer to a refusal, from its error answers}
         *
         * @param service the service
         * @param request the request, or null
         * @param refusal the refusal
         */
        HttpResponse errorAnswer(HttpService service, HttpRequest request, HttpException refusal);

        /**
         * {@return the service's {@code Date} header line for the current second, {@code Date: ...\r\n}: the same
         * array until the second changes}
         *
         * @param service the service
         */
        byte[] dateLine(HttpService service);
    }

    private static volatile Bridge bridge;

    private HttpAccess() {
    }

    /**
     * Installs the bridge; the HTTP package calls it once.
     *
     * @param b the bridge
     */
    public static void install(Bridge b) {
        bridge = b;
    }

    /** {@return the bridge, initialising the HTTP package if it was not yet} */
    public static Bridge get() {
        Bridge b = bridge;
        if (b == null) {
            try {
                Class.forName(HttpService.class.getName(), true, HttpService.class.getClassLoader());
            } catch (ClassNotFoundException e) {
                throw new IllegalStateException(e);
            }
            b = bridge;
        }
        return b;
    }
}
