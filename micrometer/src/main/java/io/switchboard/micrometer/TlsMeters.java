package io.switchboard.micrometer;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.switchboard.tls.TlsCounters;

/**
 * A TLS context's handshakes as one Micrometer counter, {@code switchboard.tls.handshakes}, tagged {@code outcome}:
 * {@code completed}, {@code failed} or {@code timed_out} [{@code switchboard_tls_handshakes_total}]. Thread-safe.
 */
public final class TlsMeters implements MeterBinder {
    private final TlsCounters counters;
    private final Tags tags;

    /**
     * Meters of one TLS context.
     *
     * @param counters the context's counts ({@code context.counters()})
     * @param tags     tags added to every meter
     */
    public TlsMeters(TlsCounters counters, Iterable<Tag> tags) {
        this.counters = counters;
        this.tags = Tags.of(tags);
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        String description = "TLS handshakes by how they ended";
        FunctionCounter.builder("switchboard.tls.handshakes", counters, TlsCounters::handshakes).description(description)
                .tags(tags).tag("outcome", "completed").register(registry);
        FunctionCounter.builder("switchboard.tls.handshakes", counters, TlsCounters::handshakeFailures).description(description)
                .tags(tags).tag("outcome", "failed").register(registry);
        FunctionCounter.builder("switchboard.tls.handshakes", counters, TlsCounters::handshakeTimeouts).description(description)
                .tags(tags).tag("outcome", "timed_out").register(registry);
    }
}
