package io.switchboard.tls;

import java.util.concurrent.atomic.LongAdder;

/**
 * What the TLS stages of one context counted: handshakes that timed out or failed, renegotiations refused, peers
 * closed for flooding records without application data. Thread-safe.
 */
final class TlsCounters {
    final LongAdder handshakeTimeouts = new LongAdder();
    final LongAdder handshakeFailures = new LongAdder();
    final LongAdder renegotiationsRefused = new LongAdder();
    final LongAdder recordFloodsRefused = new LongAdder();
}
