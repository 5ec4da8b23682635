package io.switchboard.internal;

import io.switchboard.http.HttpRequest;
import io.switchboard.internal.jfr.HttpRequestEvent;

/**
 * The requests of one HTTP/2 connection as the service counts them in its {@code HttpMetrics} and records them as JFR
 * events, as for HTTP/1 (made by {@link HttpAccess.Bridge#tally}). No clock read beyond the loop's, no atomic
 * operation, no object unless a recording runs. Loop thread only; one per connection.
 */
public interface StreamTally {
    /** {@return a request began: counted, and its JFR event begun while a recording runs (else null)} */
    HttpRequestEvent started();

    /**
     * A request was answered: its whole answer was handed to the connection.
     *
     * @param event         its event from {@link #started()}, or null
     * @param nanos         how long it took, on the loop's clock
     * @param request       the request
     * @param status        the answer's status
     * @param responseBytes the answer's body bytes (0 for HEAD and the statuses without a body)
     */
    void answered(HttpRequestEvent event, long nanos, HttpRequest request, int status, long responseBytes);

    /** A request left without an answer: its stream was reset or its connection closed. */
    void dropped();
}
