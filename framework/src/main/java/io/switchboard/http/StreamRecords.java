package io.switchboard.http;

import io.switchboard.internal.StreamTally;
import io.switchboard.internal.jfr.HttpRequestEvent;
import io.switchboard.pipeline.HandlerContext;

/**
 * The requests of one HTTP/2 connection counted in the service's {@link HttpMetrics} (when it counts) and recorded
 * as JFR events (while a recording runs), with the {@link RequestCounters} and {@link RequestRecording} that
 * {@link RequestTally} uses for HTTP/1. Loop thread only; one per connection.
 */
final class StreamRecords implements StreamTally {
    private final HttpService service;
    private final HandlerContext ctx;
    /** The service's counts on this loop; null when it counts nothing. */
    private final RequestCounters counters;
    /** The peer's address as text, made for the first request recorded by JFR; null until then. */
    private String remoteText;

    StreamRecords(HttpService service, HandlerContext ctx) {
        this.service = service;
        this.ctx = ctx;
        this.counters = service.metrics() == null ? null : service.metrics().on(ctx.loop());
    }

    @Override
    public HttpRequestEvent started() {
        if (counters != null) {
            counters.started();
        }
        return RequestRecording.begin();
    }

    @Override
    public void answered(HttpRequestEvent event, long nanos, HttpRequest request, int status, long responseBytes) {
        if (counters != null) {
            counters.answered(status, nanos);
        }
        if (event != null) {
            if (remoteText == null) {
                remoteText = String.valueOf(ctx.connection().remoteAddress());
            }
            RequestRecording.commit(event, request, status, responseBytes, service.handler(), remoteText);
        }
    }

    @Override
    public void dropped() {
        if (counters != null) {
            counters.dropped(1);
        }
    }
}
