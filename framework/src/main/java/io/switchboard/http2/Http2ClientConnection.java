package io.switchboard.http2;

import io.switchboard.pipeline.Connection;
import java.net.SocketAddress;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.BiConsumer;

/**
 * One HTTP/2 connection of an {@link Http2Client}, open: the server's SETTINGS have arrived. Each
 * {@link #send(Http2Request) request} goes on a stream of its own, concurrently with the others, and its answer
 * comes back whole.
 *
 * <pre>{@code
 * try (Client tcp = Client.builder().build()) {
 *     Http2Client h2 = Http2Client.builder(tcp).build();
 *     Http2ClientConnection c = h2.connect(URI.create("http://127.0.0.1:8080")).join();
 *     Http2Response answer = c.send(Http2Request.get("/plaintext")).join();
 *     c.close();
 * }
 * }</pre>
 *
 * <h2>Streams</h2>
 * At most the server's {@code SETTINGS_MAX_CONCURRENT_STREAMS} streams are open at once; a request sent beyond it
 * waits, in order, for a stream to end (as in OkHttp and Jetty's client; Netty's refuses instead), up to
 * {@link Http2Client.Builder#maxWaitingRequests} requests, past which it fails at once with a retryable
 * {@link Http2RequestException}. A body is sent within the server's connection and stream windows, as its
 * WINDOW_UPDATEs open them, and the answer's DATA is given back to the server's windows as it arrives, so an answer
 * larger than the windows flows. An answer over {@link Http2Client.Builder#maxResponseBody} bytes, or malformed
 * (RFC 9113 section 8.3.2), resets its stream ({@code CANCEL} and {@code PROTOCOL_ERROR}) and fails its request.
 *
 * <h2>Ending</h2>
 * A RST_STREAM from the server fails that request (retryable when {@code REFUSED_STREAM}). A GOAWAY fails the
 * requests on streams above its last stream id, and those waiting, with a retryable error, lets the others finish,
 * refuses new ones, and closes the connection when they have. A connection error (a frame that breaks the
 * protocol, a failed read, the server's close) fails every request not answered, with the error as the
 * {@linkplain Throwable#getCause() cause}. {@link #close()} sends GOAWAY and closes at once.
 *
 * <p>Thread-safe: any thread may send and close. Callbacks and futures complete on the connection's loop thread, so
 * they must not block; dependent stages that block belong on an executor of their own.
 */
public final class Http2ClientConnection implements AutoCloseable {
    private final Http2ClientHandler handler;
    private final Connection connection;
    private final boolean tls;

    Http2ClientConnection(Http2ClientHandler handler, Connection connection, boolean tls) {
        this.handler = handler;
        this.connection = connection;
        this.tls = tls;
    }

    /**
     * Sends a request.
     *
     * @param request the request
     * @return a future of the answer, completed on the connection's loop; it fails with an
     *         {@link Http2RequestException}
     */
    public CompletableFuture<Http2Response> send(Http2Request request) {
        CompletableFuture<Http2Response> answer = new CompletableFuture<>();
        send(request, (response, failure) -> {
            if (failure != null) {
                answer.completeExceptionally(failure);
            } else {
                answer.complete(response);
            }
        });
        return answer;
    }

    /**
     * Sends a request, and calls {@code callback} once, on the connection's loop thread, with the answer or an
     * {@link Http2RequestException}: the cheaper form for callers that send many (no future per request, and no
     * hand-over to the loop when called on it, from another callback).
     *
     * @param request  the request
     * @param callback gets the answer and null, or null and the failure; it must not block
     */
    public void send(Http2Request request, BiConsumer<? super Http2Response, ? super Throwable> callback) {
        Objects.requireNonNull(request, "request");
        Objects.requireNonNull(callback, "callback");
        if (connection.loop().inLoop()) {
            handler.send(request, callback);
            return;
        }
        try {
            connection.loop().execute(() -> handler.send(request, callback));
        } catch (RejectedExecutionException e) {
            callback.accept(null, new Http2RequestException("the connection's loop has stopped", null, true, e));
        }
    }

    /**
     * Sends GOAWAY {@code NO_ERROR} and closes the connection; the requests not answered fail. Returns at once
     * (see {@link #closeFuture()}).
     */
    @Override
    public void close() {
        if (connection.loop().inLoop()) {
            handler.close();
        } else {
            try {
                connection.loop().execute(handler::close);
            } catch (RejectedExecutionException e) {
                connection.abort();
            }
        }
    }

    /** {@return a future that completes when the connection has closed} */
    public CompletableFuture<Void> closeFuture() {
        return connection.closeFuture();
    }

    /** {@return true until the connection closes} */
    public boolean isOpen() {
        return connection.isOpen();
    }

    /** {@return true over TLS (h2), false for cleartext (h2c)} */
    public boolean isSecure() {
        return tls;
    }

    /** {@return the server's address} */
    public SocketAddress remoteAddress() {
        return connection.remoteAddress();
    }

    /** {@return the underlying connection, for its loop and its counters} */
    public Connection connection() {
        return connection;
    }

    /**
     * {@return the streams open now: sent and not yet ended} Loop thread only: call it from a callback, or through
     * {@code connection().loop()}.
     */
    public int activeStreams() {
        assert connection.loop().inLoop();
        return handler.activeStreams();
    }

    /**
     * {@return the server's {@code SETTINGS_MAX_CONCURRENT_STREAMS}, {@link Http2Settings#UNLIMITED} when it set
     * none} Loop thread only, as {@link #activeStreams()}.
     */
    public long maxConcurrentStreams() {
        assert connection.loop().inLoop();
        return handler.peerMaxConcurrentStreams();
    }

    @Override
    public String toString() {
        return "HTTP/2 " + connection;
    }
}
