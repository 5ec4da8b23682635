package io.switchboard.http2;

import io.switchboard.http.HttpHeaders;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.function.BiConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One request of an {@link Http2ClientHandler}: its stream's windows, the part of its body not sent yet, and the
 * answer as it arrives. The callback is called once, with the answer or the failure. Loop thread only.
 */
final class Http2ClientStream {
    private static final Logger log = LoggerFactory.getLogger(Http2ClientStream.class);
    private static final HttpHeaders NO_TRAILERS = new HttpHeaders();

    final Http2Request request;
    private final BiConsumer<? super Http2Response, ? super Throwable> callback;

    /** The stream id, 0 until opened. */
    int id;
    int sendWindow;
    int recvWindow;
    int recvUnacked;
    /** The body not sent yet, or null when it is all sent. */
    ByteBuffer pending;
    /** In the handler's queue of bodies waiting for a window. */
    boolean queued;
    /** END_STREAM sent. */
    boolean localEnded;
    /** END_STREAM received. */
    boolean remoteEnded;

    /** The final status, 0 until the final head arrived. */
    int status;
    HttpHeaders headers;
    long declaredLength = -1;
    private byte[] body;
    int received;
    private HttpHeaders trailers = NO_TRAILERS;
    private boolean done;

    Http2ClientStream(Http2Request request, BiConsumer<? super Http2Response, ? super Throwable> callback) {
        this.request = request;
        this.callback = callback;
    }

    /** Keeps {@code data}'s bytes, growing the body as they arrive (never to a size only declared). */
    void append(ByteBuffer data) {
        int n = data.remaining();
        if (body == null) {
            body = new byte[(int) Math.max(n, Math.min(declaredLength < 0 ? 0 : declaredLength, 16 * 1024))];
        } else if (body.length - received < n) {
            body = Arrays.copyOf(body, (int) Math.min(Integer.MAX_VALUE - 8, Math.max((long) received + n,
                    body.length * 2L)));
        }
        data.get(body, received, n);
        received += n;
    }

    void trailers(HttpHeaders fields) {
        this.trailers = fields;
    }

    boolean isDone() {
        return done;
    }

    /** Hands the answer over. */
    void complete() {
        finish(new Http2Response(status, headers, body == null ? new byte[0] : body, received, trailers), null);
    }

    /** Hands the failure over. */
    void fail(Throwable failure) {
        finish(null, failure);
    }

    private void finish(Http2Response response, Throwable failure) {
        if (done) {
            return;
        }
        done = true;
        pending = null;
        body = null;
        try {
            callback.accept(response, failure);
        } catch (RuntimeException e) {
            log.warn("the callback of {} threw", request, e);
        }
    }

    @Override
    public String toString() {
        return "stream " + id + " (" + request + ")";
    }
}
