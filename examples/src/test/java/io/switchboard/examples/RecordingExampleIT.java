package io.switchboard.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The http example run with a JFR recording from the start ({@code -XX:StartFlightRecording}), as an operator would:
 * after a few requests and its stop, {@code jfr print} of the recording shows the Switchboard events.
 */
class RecordingExampleIT {
    private static final int REQUESTS = 5;

    @Test
    void jfrPrintShowsTheConnectionsAndRequestsOfTheExample() throws Exception {
        Tools.require("curl", "curl");
        Path dir = Files.createTempDirectory("recording");
        Path file = dir.resolve("http.jfr");
        ExampleProcess server = ExampleProcess.start(List.of("-XX:StartFlightRecording=filename=" + file + ",dumponexit=true"),
                "http", "--port", "0", "--workers", "1");
        try {
            String base = "http://127.0.0.1:" + server.awaitListening();
            List<String> command = new ArrayList<>(List.of("curl", "-sS", "--max-time", "10"));
            for (int i = 0; i < REQUESTS; i++) {
                command.add(base + "/json");
            }
            Tools.Result r = Tools.run(30, "", command);
            assertEquals(0, r.exit(), r.stderr());
        } finally {
            server.process.destroy(); // SIGTERM: the recording is written as the JVM exits
            server.awaitExit(Duration.ofSeconds(20));
        }
        assertTrue(Files.size(file) > 0, "the recording was written");
        Path jfr = Path.of(ExampleProcess.java()).resolveSibling("jfr");
        Tools.Result print = Tools.run(60, "", List.of(jfr.toString(), "print", "--events",
                "io.switchboard.HttpRequest,io.switchboard.ConnectionOpened,io.switchboard.ConnectionClosed", file.toString()));
        assertEquals(0, print.exit(), print.stderr());
        String out = print.stdout();
        int requests = out.split("io\\.switchboard\\.HttpRequest \\{", -1).length - 1;
        assertEquals(REQUESTS, requests, out);
        assertTrue(out.contains("route = \"/json\""), out);
        assertTrue(out.contains("status = 200"), out);
        assertTrue(out.contains("io.switchboard.ConnectionOpened {"), out);
        assertTrue(out.contains("io.switchboard.ConnectionClosed {"), out);
        assertTrue(out.contains("reason = \""), out);
        assertTrue(out.contains("bytesIn = "), out);
        Files.deleteIfExists(file);
        Files.deleteIfExists(dir);
    }
}
