package io.switchboard.udp;

import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * What Linux says of one UDP socket in {@code /proc/net/udp} (or {@code udp6}): the datagrams it dropped because the
 * socket's receive buffer was full (the {@code drops} column, the socket's own count, so other processes' traffic
 * does not disturb it) and the bytes waiting in that buffer.
 */
final class KernelDrops {
    private KernelDrops() {
    }

    /** The socket bound to {@code local}, as one line of the table; fails when there is none or several. */
    private static String[] row(InetSocketAddress local) throws IOException {
        boolean v4 = local.getAddress() instanceof Inet4Address;
        String port = String.format(":%04X", local.getPort());
        List<String> rows = Files.readAllLines(Path.of(v4 ? "/proc/net/udp" : "/proc/net/udp6")).stream().skip(1)
                .map(String::trim).filter(l -> l.split("\\s+")[1].endsWith(port)).toList();
        if (rows.size() != 1) {
            throw new AssertionError("expected one socket on port " + local.getPort() + ", found " + rows);
        }
        return rows.get(0).split("\\s+");
    }

    /** {@return the datagrams the kernel dropped for the socket bound to {@code local}} */
    static long drops(InetSocketAddress local) throws IOException {
        String[] columns = row(local);
        return Long.parseLong(columns[columns.length - 1]);
    }

    /** {@return the bytes waiting in the receive buffer of the socket bound to {@code local}} */
    static long queuedBytes(InetSocketAddress local) throws IOException {
        return Long.parseLong(row(local)[4].split(":")[1], 16);
    }
}
