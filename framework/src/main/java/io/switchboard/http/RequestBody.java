package io.switchboard.http;

import java.io.IOException;
import java.io.InputStream;

/**
 * A request body read as it arrives, for handlers that chose {@link BodyPolicy#stream}: a pull API with
 * demand, usable from the loop or any other thread, and a blocking {@link InputStream} view for threads that
 * may block. Thread-safe; one reader at a time.
 *
 * <p><b>Backpressure.</b> The connection copies the body's bytes as they arrive into chunks held here until
 * {@link #read} takes them. While the chunks not yet read add up to the connection's high watermark
 * ({@link io.switchboard.pipeline.ConnectionConfig#highWatermark()}, 64 KiB by default) the connection stops
 * reading from the client; it reads again once the reader has taken half of them. So a 1 GiB upload to a slow
 * disk holds about two watermarks of memory, not the body. The next request on the connection is parsed only
 * once every chunk of this body was read.
 *
 * <p><b>From the loop</b> (a handler that must not block), read what is there and ask to be called back:
 * <pre>{@code
 * void pump(RequestBody body, HttpResponder responder) {
 *     try {
 *         byte[] chunk;
 *         while ((chunk = body.read()) != null) {
 *             digest.update(chunk);
 *         }
 *         if (body.isEnded()) {
 *             responder.send(HttpResponse.text(hex(digest.digest())));
 *         } else {
 *             body.demand(() -> pump(body, responder));
 *         }
 *     } catch (IOException e) {
 *         responder.fail(e);       // the server has answered already (400, 408, 413) or the client left
 *     }
 * }
 * }</pre>
 *
 * <p><b>From another thread</b> (an offloaded handler writing to a file), {@link #inputStream()} blocks
 * until bytes come: {@code Files.copy(request.bodyStream(), path)}.
 *
 * <p><b>Failures.</b> A body cut short is an {@link IOException} from {@link #read} (and from the stream view):
 * an {@link java.io.EOFException} when the client closed or reset the connection in the middle of it; an
 * {@link IOException} whose cause is the {@link HttpException} when the body broke a rule (a malformed chunk:
 * 400; over the handler's limit: 413; no bytes for {@link HttpConfig#bodyTimeout()}: 408; the memory budget
 * spent: 503). In the second case the server answers with that status and closes the connection, unless the
 * handler has answered already; {@link HttpResponder#fail} with the exception then does nothing more.
 *
 * <p>An answer whose head leaves before the body was read to its end carries {@code Connection: close}: the
 * rest of the body is not read, and the connection closes after the answer.
 */
public interface RequestBody {

    /**
     * Takes the next bytes of the body. Never blocks.
     *
     * @return the next chunk (the caller may keep it; do not change it), or null when no bytes are ready now or the
     *         body has ended ({@link #isEnded()} tells which)
     * @throws IOException when the body was cut short or broke a rule (see above); every later call throws too
     */
    byte[] read() throws IOException;

    /** {@return true once every byte of the body has been read: {@link #read} returns null from then on} */
    boolean isEnded();

    /**
     * Asks for {@code callback} to run, once, on the connection's loop as soon as {@link #read} has something
     * new to return: bytes, the end, or a failure. When it has something already, the callback runs soon
     * (never inside this call). A later call replaces a callback that has not run yet.
     *
     * @param callback what to run; it runs on the loop, so it must not block
     */
    void demand(Runnable callback);

    /**
     * A blocking view of the body for threads that may block: {@code read} waits for bytes, returns -1 at the
     * end, and throws the failure as {@link #read()} would. Its waits end when bytes come, the body ends, or
     * the connection closes or gives up on the body (after {@link HttpConfig#bodyTimeout()} with no bytes).
     *
     * @return the stream; reading it on the loop thread when no bytes are ready throws
     *         {@link IllegalStateException}, since the loop would wait for itself
     */
    InputStream inputStream();

    /** {@return the declared {@code Content-Length}, or -1 for a chunked body} */
    long declaredLength();

    /** {@return the trailer fields of a chunked body once it has ended; empty before and for other bodies} */
    HttpHeaders trailers();
}
