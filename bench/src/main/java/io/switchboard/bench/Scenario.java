package io.switchboard.bench;

import java.util.List;

/**
 * One shape of echo traffic for the side-by-side run. Immutable.
 *
 * @param key         short name for files and CSV rows
 * @param size        bytes per message
 * @param connections concurrent connections, one message in flight on each
 */
record Scenario(String key, int size, int connections) {

    /** The two targets: small messages on many connections, large ones on a few. */
    static final List<Scenario> ECHO_TARGETS = List.of(
            new Scenario("128B-64c", 128, 64),
            new Scenario("16KiB-16c", 16 * 1024, 16));

    /** A readable name, like {@code 128 B x 64}. */
    String label() {
        String bytes = size % 1024 == 0 ? size / 1024 + " KiB" : size + " B";
        return bytes + " x " + connections;
    }
}
