package io.switchboard.bench;

import java.time.Duration;

/**
 * What {@link EchoLoad} does: how many connections to which echo server, how big each message is, and how
 * long to warm up and to measure. Immutable.
 *
 * @param host        server address
 * @param port        server port
 * @param connections connections, each with one message in flight at a time
 * @param size        bytes per message
 * @param duration    measured time
 * @param warmup      time run before measuring, not counted
 * @param loops       client loops (threads) the connections are spread over
 * @param tls         TLS to the server, or null for plain TCP
 */
record EchoLoadConfig(String host, int port, int connections, int size, Duration duration, Duration warmup,
                      int loops, LoadTls tls) {

    /** Plain TCP. */
    EchoLoadConfig(String host, int port, int connections, int size, Duration duration, Duration warmup, int loops) {
        this(host, port, connections, size, duration, warmup, loops, null);
    }

    /** Validates the numbers. */
    EchoLoadConfig {
        if (connections < 1 || size < 1 || loops < 1) {
            throw new IllegalArgumentException("connections, size and loops must be positive");
        }
        if (duration.isNegative() || duration.isZero() || warmup.isNegative()) {
            throw new IllegalArgumentException("duration must be positive and warmup not negative");
        }
    }
}
