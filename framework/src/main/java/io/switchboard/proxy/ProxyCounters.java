package io.switchboard.proxy;

import java.util.concurrent.atomic.LongAdder;

/**
 * What the PROXY stages of one {@link ProxyProtocol} counted, for monitoring: headers read, and connections closed
 * before any of their bytes reached the application. Every server (or pipeline) given the same {@code ProxyProtocol}
 * adds to it; share one per process for per-process counts. Thread-safe; the counts only grow.
 */
public final class ProxyCounters {
    final LongAdder relayed = new LongAdder();
    final LongAdder local = new LongAdder();
    final LongAdder untrusted = new LongAdder();
    final LongAdder invalid = new LongAdder();
    final LongAdder oversized = new LongAdder();
    final LongAdder timedOut = new LongAdder();
    final LongAdder closedEarly = new LongAdder();

    ProxyCounters() {
    }

    /** {@return how many headers carried a client's addresses, which the connection then reported as its own} */
    public long relayed() {
        return relayed.sum();
    }

    /**
     * {@return how many headers kept the connection's own addresses: v2 LOCAL (a proxy's health check), v1
     * {@code UNKNOWN}, an UNSPEC family or transport}
     */
    public long local() {
        return local.sum();
    }

    /** {@return how many connections came from an address outside the trusted ranges and were closed at once} */
    public long untrusted() {
        return untrusted.sum();
    }

    /** {@return how many connections were closed for a header that broke the specification} */
    public long invalid() {
        return invalid.sum();
    }

    /** {@return how many connections were closed for a v2 header whose fields were over the bound} */
    public long oversized() {
        return oversized.sum();
    }

    /** {@return how many connections were closed because the whole header had not come within the deadline} */
    public long timedOut() {
        return timedOut.sum();
    }

    /** {@return how many connections the peer ended (FIN or reset) before its header was whole} */
    public long closedEarly() {
        return closedEarly.sum();
    }

    @Override
    public String toString() {
        return "relayed=" + relayed() + ", local=" + local() + ", untrusted=" + untrusted() + ", invalid=" + invalid()
                + ", oversized=" + oversized() + ", timedOut=" + timedOut() + ", closedEarly=" + closedEarly();
    }
}
