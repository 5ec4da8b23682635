package io.switchboard.websocket;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * A WebSocket peer nobody here wrote: the {@code ws} package for Node.js, as Debian ships it ({@code node-ws}, under
 * {@code /usr/share/nodejs/ws}), driven by the scripts in {@code src/test/resources/websocket}. Each run is a
 * process of its own whose stdout lines the test reads as they come.
 */
final class NodeWs implements AutoCloseable {
    /** Where Debian's node-ws puts the module. */
    static final Path MODULE = Path.of("/usr/share/nodejs/ws");

    private final Process process;
    private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    private final List<String> all = new ArrayList<>();
    private final Thread reader;

    private NodeWs(Process process) {
        this.process = process;
        this.reader = new Thread(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = in.readLine()) != null) {
                    lines.add(line);
                }
            } catch (IOException e) {
                lines.add("read failed: " + e);
            }
        }, "node-ws-output");
        reader.setDaemon(true);
        reader.start();
    }

    /**
     * Ensures node and node-ws are installed. Missing under CI (CI=true) it fails the test; elsewhere it skips it,
     * naming the Debian package to install.
     */
    static void require() {
        boolean node = false;
        for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
            node |= Files.isExecutable(Path.of(dir, "node"));
        }
        if (node && Files.isRegularFile(MODULE.resolve("index.js"))) {
            return;
        }
        String message = (node ? MODULE + " is missing" : "node is not installed") + ": apt-get install node-ws";
        if ("true".equals(System.getenv("CI"))) {
            fail(message);
        }
        Assumptions.abort(message);
    }

    /** Starts {@code script} (a file of src/test/resources/websocket) with the module's path and {@code args}. */
    static NodeWs start(String script, String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of("node", resource(script).toString(), MODULE.toString()));
        command.addAll(List.of(args));
        return new NodeWs(new ProcessBuilder(command).redirectErrorStream(true).start());
    }

    private static Path resource(String name) {
        try {
            return Path.of(NodeWs.class.getResource("/websocket/" + name).toURI());
        } catch (URISyntaxException | NullPointerException e) {
            throw new IllegalStateException("missing script " + name, e);
        }
    }

    /** {@return the next line the script printed, waiting at most 10 s} */
    String line() throws InterruptedException {
        String line = lines.poll(10, TimeUnit.SECONDS);
        assertNotNull(line, "a line from node within 10 s; so far: " + all);
        all.add(line);
        return line;
    }

    /** {@return every line the script printed until it exited (at most 20 s), after those already read} */
    List<String> rest() throws InterruptedException {
        if (!process.waitFor(20, TimeUnit.SECONDS)) {
            fail("node did not exit within 20 s; it printed " + all + lines);
        }
        reader.join(5000); // it ends at the end of the pipe
        List<String> rest = new ArrayList<>();
        lines.drainTo(rest);
        all.addAll(rest);
        return rest;
    }

    /** {@return the exit status of the finished script} */
    int exitValue() {
        return process.exitValue();
    }

    /** Ends the script: closes its stdin (the server script exits then), and kills it if it does not. */
    @Override
    public void close() throws Exception {
        process.getOutputStream().close();
        if (!process.waitFor(5, TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
    }
}
