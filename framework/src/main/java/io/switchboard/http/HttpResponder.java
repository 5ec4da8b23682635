package io.switchboard.http;

import io.switchboard.loop.EventLoop;
import io.switchboard.pipeline.Handler;
import java.nio.channels.FileChannel;
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
     * @throws IllegalArgumentException when its status is informational (1xx): the server sends
     *                                  {@code 100 Continue} itself, and {@code 101} goes through {@link #upgrade}
     * @throws IllegalStateException    when the request was already answered
     */
    void send(HttpResponse response);

    /**
     * Switches the connection to another protocol (RFC 9110 section 7.8): when every earlier answer has left,
     * sends {@code response}, a {@code 101 Switching Protocols} with the {@code Upgrade} field and whatever
     * else the new protocol's handshake needs, then puts {@code protocol} in the HTTP stage's place in the
     * pipeline and hands it the bytes the client sent after this request. From then on the connection speaks
     * the new protocol; no further HTTP request is read from it.
     *
     * <p>Only a request that offers an upgrade can be upgraded: HTTP/1.1, an {@code Upgrade} field, and the
     * {@code upgrade} token in {@code Connection}. Nothing sent after such a request is read as HTTP until it
     * is answered: answered with {@link #send} instead (a refusal, or a plain answer that ignores the offer),
     * the connection goes on with HTTP. When the connection is closing by then (a graceful close, or the
     * client's FIN) the upgrade is refused with 503 and the connection closes.
     *
     * @param response the 101 response, without a body
     * @param protocol the handler of the new protocol, new for this connection; it sets itself up in
     *                 {@link Handler#added}, on the loop
     * @throws IllegalArgumentException when the status is not 101 or the response has a body
     * @throws IllegalStateException    when the request offered no upgrade or was already answered
     */
    void upgrade(HttpResponse response, Handler protocol);

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
     * Starts a streamed response of known length: {@code Content-Length: contentLength}, the body sent as it
     * is written, with no chunk framing, to HTTP/1.0 and HTTP/1.1 clients alike (the connection stays open).
     * Writing more than {@code contentLength} bytes throws {@link IllegalStateException}, and ending the
     * stream with fewer, resets the connection: the client never takes a wrong body for a whole one. A
     * {@code HEAD} request gets the length and no body, whatever is written.
     *
     * @param head          the status and header fields of the response
     * @param contentLength the body's length in bytes
     * @return the stream to write the body to
     * @throws IllegalArgumentException when {@code head} has a body or {@code contentLength} is negative
     * @throws IllegalStateException    when the request was already answered
     */
    ResponseStream stream(HttpResponse head, long contentLength);

    /**
     * Sends {@code count} bytes of {@code file} from {@code position} as the body of {@code head}, with
     * {@code Content-Length: count}. On a plain connection the bytes go from the file to the socket with
     * {@link FileChannel#transferTo} ({@code sendfile}), never through the heap; where a stage must see them (TLS)
     * they are read in chunks while the client keeps up. The file belongs to the responder from this call on: it is
     * closed once sent, or when the answer is given up (the connection closed or was reset), or at once when this
     * throws. A {@code HEAD} request gets the length and no body. The file must not shrink while it is sent: if it
     * does, the connection is reset, as for any body cut short. {@link StaticFiles} serves a directory with this.
     *
     * @param head     the status and header fields of the response, without a body
     * @param file     the file, open for reading; its own position is neither used nor changed
     * @param position where the body starts in the file
     * @param count    the body's length
     * @throws IllegalArgumentException when {@code head} has a body or a status without one (1xx, 204, 304), or
     *                                  {@code position} or {@code count} is negative
     * @throws IllegalStateException    when the request was already answered
     */
    void sendFile(HttpResponse head, FileChannel file, long position, long count);

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
