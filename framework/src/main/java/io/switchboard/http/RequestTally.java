package io.switchboard.http;

import io.switchboard.internal.jfr.HttpRequestEvent;
import io.switchboard.pipeline.HandlerContext;

/**
 * The requests of one connection as they enter and leave its {@link InFlight} queue: counted in the service's
 * {@link HttpMetrics} (when it counts) and recorded as JFR events (while a recording runs). No clock read beyond the
 * loop's, no atomic operation, no object unless a recording runs. Loop thread only; one per connection.
 */
final class RequestTally {
    private final HttpService service;
    private final HandlerContext ctx;
    /** The service's counts on this loop; null when it counts nothing. */
    private final RequestCounters counters;
    /** The peer's address as text, made for the first request recorded by JFR; null until then. */
    private String remoteText;

    RequestTally(HttpService service, HandlerContext ctx) {
        this.service = service;
        this.ctx = ctx;
        this.counters = service.metrics() == null ? null : service.metrics().on(ctx.loop());
    }

    /** Adds {@code x}, the newest exchange, stamped with the loop's clock, counted, and recorded while a recording runs. */
    void track(InFlight inFlight, Exchange x) {
        if (counters != null) {
            counters.started();
        }
        inFlight.add(x, ctx.loop().nanoTime(), RequestRecording.begin());
    }

    /** Removes the oldest exchange, whose whole answer has been handed to the connection, and counts it. */
    Exchange removeAnswered(InFlight inFlight) {
        long start = inFlight.oldestStart();
        HttpRequestEvent event = inFlight.oldestEvent();
        Exchange x = inFlight.removeOldest();
        int status = RequestRecording.status(x);
        if (counters != null) {
            counters.answered(status, ctx.loop().nanoTime() - start);
        }
        if (event != null) {
            if (remoteText == null) {
                remoteText = String.valueOf(ctx.connection().remoteAddress());
            }
            RequestRecording.commit(event, x, status, service.handler(), remoteText);
        }
        return x;
    }

    /** {@code n} requests leave unanswered: their connection is closing. */
    void dropped(int n) {
        if (counters != null && n > 0) {
            counters.dropped(n);
        }
    }
}
