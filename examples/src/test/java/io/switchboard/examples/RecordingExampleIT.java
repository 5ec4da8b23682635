package io.switchboard.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The http example run with a JFR recording from the start ({@code -XX:StartFlightRecording}), as an operator would:
 * after a few requests and its stop, {@code jfr print} of the recording shows the Switchboard events: every request
 * when the recording's settings lower the request event's threshold to 0, else the slow ones only.
 */
class RecordingExampleIT {
    private static final int REQUESTS = 5;
    /** As docs/operations.md shows it: the {@code +} adds a setting the JDK's {@code .jfc} files do not hold. */
    private static final String EVERY_REQUEST = ",+io.switchboard.HttpRequest#threshold=0ms";

    @Test
    void jfrPrintShowsTheConnectionsAndRequestsOfTheExample() throws Exception {
        String out = record(EVERY_REQUEST, "/json");
        int requests = out.split("io\\.switchboard\\.HttpRequest \\{", -1).length - 1;
        assertEquals(REQUESTS, requests, out);
        assertTrue(out.contains("route = \"/json\""), out);
        assertTrue(out.contains("status = 200"), out);
        assertTrue(out.contains("io.switchboard.ConnectionOpened {"), out);
        assertTrue(out.contains("io.switchboard.ConnectionClosed {"), out);
        assertTrue(out.contains("reason = \""), out);
        assertTrue(out.contains("bytesIn = "), out);
    }

    @Test
    void withTheDefaultSettingsOnlyTheSlowRequestsAreRecorded() throws Exception {
        // /delay?ms=50 answers from a timer 50 ms later: over the event's 10 ms threshold; /json is answered at once
        String out = record("", "/json", "/delay?ms=50", "/json");
        assertTrue(out.contains("route = \"/delay\""), out);
        assertTrue(out.contains("io.switchboard.ConnectionClosed {"), out);
        assertEquals(List.of(), durationsUnder10Ms(out), out);
    }

    /** Lines "duration = ..." of the HTTP request events that are under 10 ms. */
    private static List<String> durationsUnder10Ms(String out) {
        List<String> under = new ArrayList<>();
        for (String event : out.split("io\\.switchboard\\.")) {
            if (!event.startsWith("HttpRequest {")) {
                continue;
            }
            Matcher m = Pattern.compile("duration = ([0-9.]+) (ms|s|us|ns)").matcher(event);
            assertTrue(m.find(), event);
            double ms = Double.parseDouble(m.group(1)) * switch (m.group(2)) {
                case "s" -> 1000.0;
                case "us" -> 0.001;
                case "ns" -> 0.000001;
                default -> 1.0;
            };
            if (ms < 10) {
                under.add(m.group());
            }
        }
        return under;
    }

    /**
     * Runs the http example under {@code -XX:StartFlightRecording} with {@code settings} appended, asks each of
     * {@code paths} {@value #REQUESTS} times in one curl (one connection), stops it, and returns {@code jfr print} of the
     * request and connection events.
     */
    private static String record(String settings, String... paths) throws Exception {
        Tools.require("curl", "curl");
        Path dir = Files.createTempDirectory("recording");
        Path file = dir.resolve("http.jfr");
        ExampleProcess server = ExampleProcess.start(List.of("-XX:StartFlightRecording=filename=" + file
                        + ",dumponexit=true" + settings), "http", "--port", "0", "--workers", "1");
        try {
            String base = "http://127.0.0.1:" + server.awaitListening();
            List<String> command = new ArrayList<>(List.of("curl", "-sS", "--max-time", "10"));
            for (int i = 0; i < REQUESTS; i++) {
                command.add(base + paths[i % paths.length]);
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
        Files.deleteIfExists(file);
        Files.deleteIfExists(dir);
        return print.stdout();
    }
}
