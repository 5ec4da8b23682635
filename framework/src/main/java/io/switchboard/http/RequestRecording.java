package io.switchboard.http;

import io.switchboard.internal.jfr.FlightEvents;
import io.switchboard.internal.jfr.HttpRequestEvent;

/**
 * The JFR side of a request: an {@link HttpRequestEvent} begun when its head is read and committed when its answer
 * has been handed to the connection, only while a recording runs (otherwise no event object is made). Loop thread
 * only.
 */
final class RequestRecording {
    private RequestRecording() {
    }

    /** {@return a begun event while a recording runs, else null} */
    static HttpRequestEvent begin() {
        if (!FlightEvents.httpRequest()) {
            return null;
        }
        HttpRequestEvent e = new HttpRequestEvent();
        e.begin();
        return e;
    }

    /**
     * Ends {@code e}, the event of {@code x}, answered with {@code status}, from the peer {@code remote}, and when it
     * lasted long enough to be kept (the recording's threshold), fills it in and commits it.
     */
    static void commit(HttpRequestEvent e, Exchange x, int status, HttpHandler handler, String remote) {
        e.end();
        if (e.shouldCommit()) {
            fill(e, x.request, status, responseBytes(x, status), handler, remote);
        }
    }

    /**
     * Ends {@code e}, the event of {@code r} (null for bytes that never made a request), answered with
     * {@code status} and {@code responseBytes} of body, from the peer {@code remote}, and when it lasted long enough to
     * be kept, fills it in and commits it: HTTP/1 and HTTP/2 alike.
     */
    static void commit(HttpRequestEvent e, HttpRequest r, int status, long responseBytes, HttpHandler handler,
            String remote) {
        e.end(); // the span ends here: shouldCommit() compares it with the threshold, commit() writes it
        if (e.shouldCommit()) {
            fill(e, r, status, responseBytes, handler, remote);
        }
    }

    /** Fills in the ended {@code e}, long enough to be kept, and commits it. */
    private static void fill(HttpRequestEvent e, HttpRequest r, int status, long responseBytes, HttpHandler handler,
            String remote) {
        e.method = r == null ? "" : r.method();
        e.path = r == null ? "" : r.path();
        e.route = r == null ? "" : FlightEvents.text(handler.route(r));
        e.status = status;
        e.requestBytes = r == null ? 0 : r.wholeBodyLength();
        e.responseBytes = responseBytes;
        e.remoteAddress = remote;
        e.commit();
    }

    /** The body bytes of the answer: 0 for HEAD and the statuses without a body. */
    private static long responseBytes(Exchange x, int status) {
        if (x.head || !ResponseEncoder.hasBody(status)) {
            return 0;
        }
        if (x.body != null) {
            return x.body.written();
        }
        if (x.file != null) {
            return x.file.length();
        }
        return x.response == null ? 0 : x.response.body().length;
    }

    /** {@return the status of {@code x}'s answer, or 0 when it has none} */
    static int status(Exchange x) {
        return x.response != null ? x.response.status() : 0; // a stream's or a file's head too
    }
}
