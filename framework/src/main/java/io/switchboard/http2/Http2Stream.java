package io.switchboard.http2;

import io.switchboard.http.HttpHeaders;
import io.switchboard.http.HttpRequest;
import io.switchboard.internal.BodyCompressor;
import io.switchboard.internal.BodyDecoder;
import io.switchboard.internal.jfr.HttpRequestEvent;
import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * One request stream of an HTTP/2 connection as the server sees it: its state (RFC 9113 section 5.1), its two
 * flow-control windows, the request body being received and the answer waiting for window. Loop thread only; the
 * connection owns it from the client's HEADERS until both sides have ended it.
 */
final class Http2Stream {
    /** The states of section 5.1 a stream the connection keeps can be in: idle and closed streams are not kept. */
    enum State {
        /** Both sides may send. */
        OPEN,
        /** The client ended its side (END_STREAM): the request is whole. */
        HALF_CLOSED_REMOTE
    }
    // Half-closed (local) is never kept: a server that answers before the request ended resets the stream with
    // NO_ERROR (RFC 9113 section 8.1), which closes it.

    final int id;
    State state;
    /** What the server may still send on the stream: the client's window for it. */
    int sendWindow;
    /** What the client may still send on the stream before a WINDOW_UPDATE. */
    int recvWindow;
    /** Bytes received since the last WINDOW_UPDATE for the stream. */
    int recvUnacked;

    /**
     * When the stream last made progress, on the loop's clock: a frame of it arrived (HEADERS, CONTINUATION, DATA,
     * WINDOW_UPDATE), its answer began to wait for window, or DATA of its answer left. The connection's sweep times
     * stalled streams from it.
     */
    long progress;

    /** The request, once its header block was read; null before, and for a stream refused at its head. */
    HttpRequest request;
    boolean head;
    /** The declared body length, or -1. */
    long declaredLength = -1;
    /** Body bytes received, padding excluded. */
    long received;
    /** The most body bytes the handler takes. */
    long bodyLimit;
    /** The body received so far and its length; null before the first byte. */
    byte[] body;
    int bodyLength;
    /** Bytes of {@link #body} reserved from the memory budget. */
    long reserved;
    /** The body streamed to the handler ({@code BodyPolicy.stream}); null when it is taken whole. */
    Http2Upload upload;
    /** Decodes a whole body ({@code BodyPolicy.decoded()}); null when it is taken as it came. */
    BodyDecoder decoder;
    /** Set once the request went to its handler (or an answer was made for it). */
    boolean dispatched;
    /** When the request began, on the loop's clock, and its JFR event while a recording runs (else null). */
    long started;
    HttpRequestEvent event;
    /** The answer's status once its head went out, and its body bytes (before any compression). */
    int status;
    long responseBytes;
    /** The answer was counted in the service's metrics: the stream is not counted as dropped. */
    boolean tallied;
    /** The responder of the request; null before the request is whole. */
    Http2Exchange exchange;

    /** The HEADERS of the answer were written. */
    boolean headersSent;
    /** Body bytes of the answer waiting for window; null when none wait. */
    ByteBuffer pending;
    /** END_STREAM goes with the last of {@link #pending}. */
    boolean pendingEnd;
    /** The stream is in the connection's queue of streams that wait to send. */
    boolean queued;
    /** The trailers of a streamed answer, sent after its last DATA; null for none. */
    HttpHeaders trailers;
    /** The connection dropped the stream: nothing more is sent on it. */
    boolean gone;
    /** The streamed answer written to, or null. */
    Http2ResponseStream stream;
    /** Compresses the streamed answer, or null; released at its end or when the stream closes. */
    BodyCompressor coder;
    /** Takes {@link #coder}'s bytes into {@link #pending}. */
    BodyCompressor.Output codedOut;

    Http2Stream(int id, int sendWindow, int recvWindow) {
        this.id = id;
        this.state = State.OPEN;
        this.sendWindow = sendWindow;
        this.recvWindow = recvWindow;
    }

    /** {@return true once the client ended its side} */
    boolean remoteClosed() {
        return state == State.HALF_CLOSED_REMOTE;
    }

    /** Appends body bytes, growing the buffer to what arrived (never to what was declared). */
    void append(ByteBuffer data) {
        int n = data.remaining();
        if (body == null) {
            body = new byte[Math.max(n, 256)];
        } else if (body.length - bodyLength < n) {
            body = Arrays.copyOf(body, (int) Math.min(Integer.MAX_VALUE - 8,
                    Math.max((long) body.length * 2, (long) bodyLength + n)));
        }
        data.get(body, bodyLength, n);
        bodyLength += n;
    }

    /** {@return the body received, of its exact length} */
    byte[] takeBody() {
        byte[] b = body == null ? new byte[0] : bodyLength == body.length ? body : Arrays.copyOf(body, bodyLength);
        body = null;
        return b;
    }

    @Override
    public String toString() {
        return "stream " + id + " (" + state + ")";
    }
}
