package io.switchboard.micrometer;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.switchboard.loop.SelectorLoop;
import io.switchboard.server.ServerMetrics;

/**
 * A server's connections, bytes and loops as Micrometer meters (Prometheus names in brackets):
 * <ul>
 *   <li>{@code switchboard.connections.active} gauge: connections open now [{@code switchboard_connections_active}]</li>
 *   <li>{@code switchboard.connections.opened}, {@code .closed}, {@code .rejected} counters: connections accepted,
 *       closed, and refused by the connection limit [{@code switchboard_connections_opened_total}, ...]</li>
 *   <li>{@code switchboard.network.io} counter in bytes, tag {@code network.io.direction} {@code receive} or
 *       {@code transmit} (OpenTelemetry's attribute) [{@code switchboard_network_io_bytes_total}]</li>
 *   <li>per worker loop, tag {@code loop} (the thread's name): {@code switchboard.loop.pending.tasks} gauge (tasks
 *       other threads submitted, waiting), {@code switchboard.loop.outbound.queued} gauge in bytes (written and not yet
 *       taken by the sockets), {@code switchboard.loop.stalls} counter (turns that held the loop past its stall
 *       limit)</li>
 * </ul>
 * The meters hold {@code metrics} as Micrometer holds the objects of function meters (weakly for counters): keep the
 * server referenced. Thread-safe.
 */
public final class ServerMeters implements MeterBinder {
    private final ServerMetrics metrics;
    private final Tags tags;

    /**
     * Meters of one server.
     *
     * @param metrics the server's counts ({@code server.metrics()})
     * @param tags    tags added to every meter (a {@code server} name when a process runs several, say)
     */
    public ServerMeters(ServerMetrics metrics, Iterable<Tag> tags) {
        this.metrics = metrics;
        this.tags = Tags.of(tags);
    }

    /**
     * Meters of one server, without tags of their own.
     *
     * @param metrics the server's counts ({@code server.metrics()})
     */
    public ServerMeters(ServerMetrics metrics) {
        this(metrics, Tags.empty());
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        Gauge.builder("switchboard.connections.active", metrics, ServerMetrics::connectionsOpen)
                .description("Connections open now").tags(tags).strongReference(true)
                .register(registry);
        FunctionCounter.builder("switchboard.connections.opened", metrics, ServerMetrics::connectionsOpened)
                .description("Connections accepted and handed to a worker loop").tags(tags).register(registry);
        FunctionCounter.builder("switchboard.connections.closed", metrics, ServerMetrics::connectionsClosed)
                .description("Connections closed").tags(tags).register(registry);
        FunctionCounter.builder("switchboard.connections.rejected", metrics, ServerMetrics::connectionsRefused)
                .description("Connections refused because the connection limit was reached").tags(tags).register(registry);
        FunctionCounter.builder("switchboard.network.io", metrics, ServerMetrics::bytesRead)
                .description("Bytes read from and written to the server's sockets").baseUnit("bytes")
                .tags(tags).tag("network.io.direction", "receive").register(registry);
        FunctionCounter.builder("switchboard.network.io", metrics, ServerMetrics::bytesWritten)
                .description("Bytes read from and written to the server's sockets").baseUnit("bytes")
                .tags(tags).tag("network.io.direction", "transmit").register(registry);
        for (SelectorLoop loop : metrics.loops()) {
            Tags loopTags = tags.and("loop", loop.thread().getName());
            Gauge.builder("switchboard.loop.pending.tasks", loop, SelectorLoop::pendingTasks)
                    .description("Tasks submitted to the loop by other threads and waiting to run")
                    .tags(loopTags).strongReference(true).register(registry);
            Gauge.builder("switchboard.loop.outbound.queued", loop, SelectorLoop::queuedOutboundBytes)
                    .description("Bytes written to the loop's connections and not yet taken by their sockets")
                    .baseUnit("bytes").tags(loopTags).strongReference(true).register(registry);
            FunctionCounter.builder("switchboard.loop.stalls", loop, SelectorLoop::stalls)
                    .description("Turns of work that held the loop longer than its stall limit").tags(loopTags)
                    .register(registry);
        }
    }
}
