package io.switchboard.tls;

import java.util.concurrent.atomic.LongAdder;

/**
 * What the TLS stages of one context counted, for monitoring: handshakes that completed, timed out or failed,
 * renegotiations refused, peers closed for flooding records without application data. Every connection made
 * with the context adds to it, across servers and clients that share the context. Thread-safe; the counts
 * only grow.
 */
public final class TlsCounters {
    final LongAdder handshakes = new LongAdder();
    final LongAdder handshakeTimeouts = new LongAdder();
    final LongAdder handshakeFailures = new LongAdder();
    final LongAdder renegotiationsRefused = new LongAdder();
    final LongAdder recordFloodsRefused = new LongAdder();

    TlsCounters() {
    }

    /** {@return how many handshakes completed} */
    public long handshakes() {
        return handshakes.sum();
    }

    /** {@return how many handshakes did not complete within the handshake timeout (the connection was closed)} */
    public long handshakeTimeouts() {
        return handshakeTimeouts.sum();
    }

    /**
     * {@return how many handshakes failed: an alert from either side, a certificate refused, no protocol, suite
     * or ALPN protocol in common}
     */
    public long handshakeFailures() {
        return handshakeFailures.sum();
    }

    /** {@return how many renegotiations a peer started on an established TLS 1.2 connection were refused} */
    public long renegotiationsRefused() {
        return renegotiationsRefused.sum();
    }

    /**
     * {@return how many connections were closed for sending more than 32 records in a row without application
     * data (KeyUpdates, warning alerts, empty records)}
     */
    public long recordFloodsRefused() {
        return recordFloodsRefused.sum();
    }

    @Override
    public String toString() {
        return "handshakes=" + handshakes() + ", handshakeTimeouts=" + handshakeTimeouts() + ", handshakeFailures=" + handshakeFailures()
                + ", renegotiationsRefused=" + renegotiationsRefused() + ", recordFloodsRefused=" + recordFloodsRefused();
    }
}
