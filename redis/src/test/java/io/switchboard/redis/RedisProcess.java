package io.switchboard.redis;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;

/**
 * A real {@code redis-server} (Debian's package) for a test: loopback only, a free port, no persistence, its config
 * and working directory in a temporary folder that {@link #close()} removes with the process. It can be killed
 * (SIGKILL) and started again on the same port, as an operator restarting Redis would. Shared with the examples'
 * tests through this module's test jar.
 */
public final class RedisProcess implements AutoCloseable {
    private final Path dir;
    private final int port;
    private Process process;

    private RedisProcess(Path dir, int port) {
        this.dir = dir;
        this.port = port;
    }

    /** Starts a server, or skips the test (fails it under CI=true) when {@code redis-server} is not installed. */
    public static RedisProcess start() throws IOException {
        return start(null);
    }

    /** As {@link #start()}, asking clients for {@code password} when it is not null ({@code requirepass}). */
    public static RedisProcess start(String password) throws IOException {
        require("redis-server", "redis-server");
        Path dir = Files.createTempDirectory("redis-test");
        RedisProcess redis = new RedisProcess(dir, freePort());
        Files.writeString(dir.resolve("redis.conf"), String.join("\n",
                "bind 127.0.0.1",
                "port " + redis.port,
                "save \"\"",
                "appendonly no",
                "dir " + dir,
                "protected-mode yes",
                "daemonize no",
                "loglevel warning",
                password == null ? "" : "requirepass " + password,
                ""));
        redis.launch();
        return redis;
    }

    static void require(String command, String debianPackage) {
        for (String d : System.getenv().getOrDefault("PATH", "").split(":")) {
            if (Files.isExecutable(Path.of(d, command))) {
                return;
            }
        }
        String message = command + " is not installed: apt-get install " + debianPackage;
        if ("true".equals(System.getenv("CI"))) {
            fail(message);
        }
        Assumptions.abort(message);
    }

    InetSocketAddress address() {
        return new InetSocketAddress("127.0.0.1", port);
    }

    public int port() {
        return port;
    }

    /** Kills the server with SIGKILL and waits for it to be gone. */
    public void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor();
    }

    /** Starts the server again on the same port (after {@link #kill()}). */
    public void restart() throws IOException {
        launch();
    }

    /** Runs one command with redis-cli and returns its output. */
    String cli(String... args) throws IOException, InterruptedException {
        require("redis-cli", "redis-tools");
        String[] command = new String[args.length + 3];
        command[0] = "redis-cli";
        command[1] = "-p";
        command[2] = Integer.toString(port);
        System.arraycopy(args, 0, command, 3, args.length);
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        if (!p.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)) {
            p.destroyForcibly();
            fail("redis-cli did not finish within 10 s");
        }
        return new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
    }

    private void launch() throws IOException {
        process = new ProcessBuilder("redis-server", dir.resolve("redis.conf").toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("redis.log").toFile()).start();
        await().atMost(Duration.ofSeconds(20)).until(this::answers);
    }

    private boolean answers() {
        if (!process.isAlive()) {
            throw new AssertionError("redis-server exited: " + log());
        }
        try (Socket s = new Socket()) {
            s.connect(address(), 1000);
            s.setSoTimeout(1000);
            s.getOutputStream().write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
            InputStream in = s.getInputStream();
            byte[] reply = new byte[7];
            int n = in.readNBytes(reply, 0, 7);
            String text = new String(reply, 0, n, StandardCharsets.US_ASCII);
            return text.equals("+PONG\r\n") || text.startsWith("-NOAUTH");
        } catch (IOException e) {
            return false;
        }
    }

    private String log() {
        try {
            return Files.readString(dir.resolve("redis.log"));
        } catch (IOException e) {
            return e.toString();
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    @Override
    public void close() throws IOException {
        if (process != null) {
            process.destroyForcibly();
            try {
                process.waitFor();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
