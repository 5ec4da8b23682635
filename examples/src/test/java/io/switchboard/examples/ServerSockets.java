package io.switchboard.examples;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** What Linux says about a server's sockets, read from outside the server process. */
final class ServerSockets {
    private ServerSockets() {
    }

    /**
     * The server's established sockets on {@code port} whose receive queue is empty (the server has read
     * everything sent on them), from Linux's {@code /proc/net/tcp} and {@code tcp6} (Java's sockets are IPv6
     * ones that carry IPv4; columns: local address, remote address, state, tx_queue:rx_queue, ...).
     */
    static long withNothingUnread(int port) throws IOException {
        String local = String.format(":%04X", port);
        List<String> lines = new ArrayList<>(Files.readAllLines(Path.of("/proc/net/tcp")));
        lines.addAll(Files.readAllLines(Path.of("/proc/net/tcp6")));
        return lines.stream()
                .map(l -> l.trim().split("\\s+"))
                .filter(f -> f.length > 4 && f[1].endsWith(local) && f[3].equals("01"))
                .filter(f -> f[4].endsWith(":00000000"))
                .count();
    }
}
