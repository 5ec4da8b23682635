package io.switchboard.examples;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Debian's {@code haproxy} run by a test: its configuration written to a temporary folder (with the admin socket),
 * listening on loopback only, in the foreground; {@link #close()} kills it and removes the folder. The configuration
 * text names the socket's place {@code STATS_SOCKET}, replaced here.
 */
final class Haproxy implements AutoCloseable {
    private final Path dir;
    private final ExampleProcess process;

    private Haproxy(Path dir, ExampleProcess process) {
        this.dir = dir;
        this.process = process;
    }

    /** Starts haproxy with {@code config} (after checking it with {@code haproxy -c}), or skips/fails without it. */
    static Haproxy start(String config) throws IOException, InterruptedException {
        Tools.require("haproxy", "haproxy");
        Path dir = Files.createTempDirectory("haproxy-test");
        Path file = dir.resolve("haproxy.cfg");
        Files.writeString(file, config.replace("STATS_SOCKET", dir.resolve("admin.sock").toString()));
        Tools.Result check = Tools.run(20, List.of("haproxy", "-c", "-f", file.toString()));
        if (check.exit() != 0) {
            throw new AssertionError("haproxy refused its configuration: " + check.stdout() + check.stderr() + "\n" + config);
        }
        Haproxy haproxy = new Haproxy(dir, ExampleProcess.command(List.of("haproxy", "-db", "-f", file.toString())));
        await().atMost(Duration.ofSeconds(20)).until(() -> Files.exists(dir.resolve("admin.sock")) || !haproxy.process.process.isAlive());
        if (!haproxy.process.process.isAlive()) {
            throw new AssertionError("haproxy exited: " + haproxy.process.stderr + haproxy.process.stdout);
        }
        return haproxy;
    }

    /** {@return a free port on loopback (for a frontend)} */
    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    /** {@return haproxy's {@code show stat}: one map of column to value per proxy and server, by "proxy/server"} */
    Map<String, Map<String, String>> stats() throws IOException {
        String csv = command("show stat");
        List<String> lines = csv.lines().filter(l -> !l.isBlank()).toList();
        String[] columns = lines.get(0).replaceFirst("^# ", "").split(",", -1);
        Map<String, Map<String, String>> rows = new HashMap<>();
        for (String line : lines.subList(1, lines.size())) {
            String[] values = line.split(",", -1);
            Map<String, String> row = new HashMap<>();
            for (int i = 0; i < columns.length && i < values.length; i++) {
                row.put(columns[i], values[i]);
            }
            rows.put(values[0] + "/" + values[1], row);
        }
        return rows;
    }

    /** {@return the status of a backend's server: UP, DOWN, ...} */
    String status(String backend, String server) throws IOException {
        Map<String, String> row = stats().get(backend + "/" + server);
        return row == null ? "missing" : row.get("status");
    }

    /** {@return the sessions a backend's server has open now} */
    int sessions(String backend, String server) throws IOException {
        return Integer.parseInt(stats().get(backend + "/" + server).get("scur"));
    }

    /** Waits until every named server of {@code backend} is UP (its health checks passed). */
    void awaitUp(String backend, List<String> servers) {
        await().atMost(Duration.ofSeconds(30)).until(() -> {
            for (String s : servers) {
                if (!status(backend, s).startsWith("UP")) {
                    return false;
                }
            }
            return true;
        });
    }

    /** Sends one command to the admin socket and returns the answer. */
    String command(String command) throws IOException {
        try (SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            channel.connect(UnixDomainSocketAddress.of(dir.resolve("admin.sock")));
            channel.write(ByteBuffer.wrap((command + "\n").getBytes(StandardCharsets.US_ASCII)));
            ByteBuffer buffer = ByteBuffer.allocate(64 * 1024);
            List<byte[]> parts = new ArrayList<>();
            int total = 0;
            while (channel.read(buffer) >= 0) {
                if (!buffer.hasRemaining()) {
                    parts.add(buffer.array().clone());
                    total += buffer.capacity();
                    buffer.clear();
                }
            }
            StringBuilder out = new StringBuilder(total + buffer.position());
            for (byte[] p : parts) {
                out.append(new String(p, StandardCharsets.US_ASCII));
            }
            return out.append(new String(buffer.array(), 0, buffer.position(), StandardCharsets.US_ASCII)).toString();
        }
    }

    /** {@return what haproxy printed on stderr so far (its warnings and alerts)} */
    List<String> stderr() {
        return process.stderr;
    }

    @Override
    public void close() throws IOException {
        process.process.destroyForcibly();
        try {
            process.process.waitFor();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
