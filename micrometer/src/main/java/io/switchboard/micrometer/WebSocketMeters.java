package io.switchboard.micrometer;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.switchboard.websocket.WebSocketCounters;

/**
 * A WebSocket route's sessions as Micrometer meters: {@code switchboard.websocket.sessions.active} gauge
 * [{@code switchboard_websocket_sessions_active}] and {@code switchboard.websocket.sessions.opened} counter
 * [{@code switchboard_websocket_sessions_opened_total}]. Thread-safe.
 */
public final class WebSocketMeters implements MeterBinder {
    private final WebSocketCounters counters;
    private final Tags tags;

    /**
     * Meters of one route's sessions.
     *
     * @param counters the route's counts ({@code upgrade.counters()})
     * @param tags     tags added to every meter (the route, say)
     */
    public WebSocketMeters(WebSocketCounters counters, Iterable<Tag> tags) {
        this.counters = counters;
        this.tags = Tags.of(tags);
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        Gauge.builder("switchboard.websocket.sessions.active", counters, WebSocketCounters::active)
                .description("WebSocket sessions open now").tags(tags).strongReference(true)
                .register(registry);
        FunctionCounter.builder("switchboard.websocket.sessions.opened", counters, WebSocketCounters::opened)
                .description("WebSocket sessions opened").tags(tags).register(registry);
    }
}
