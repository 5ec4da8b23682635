package io.switchboard.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Issue 17: the http example against {@code src/test/python/h2_attacks.py}, a Python {@code h2} (Debian
 * {@code python3-h2}) script that sends every HTTP/2 flood of docs/http2.md and malformed frame sequences, each on a
 * fresh h2c connection, and checks the server's exact answer: GOAWAY {@code ENHANCE_YOUR_CALM} and a close for each
 * flood, the RST_STREAM or GOAWAY code RFC 9113 requires for each malformed sequence. The script prints one line per
 * case; every one must be {@code ok}.
 */
@Tag("hardening")
class Http2AttacksIT {
    private static final Path SCRIPT = Path.of("src/test/python/h2_attacks.py");
    /**
     * The script's cases: 2 baselines through h2's own client; 21 floods, 17 of them ending in GOAWAY
     * {@code ENHANCE_YOUR_CALM} (zero-length names and values, stream exhaustion and a client that does not read are
     * answered on their streams); 62 malformed sequences, a client's GOAWAY and a client that never acknowledges the
     * server's SETTINGS, each answered with the code RFC 9113 requires; and 14 well-formed but unusual sequences a
     * strict server must still serve (padding, priorities, CONTINUATION, trailers, unknown settings, a reserved bit,
     * windows of 0 and of 1,000 bytes honoured).
     */
    private static final int CASES = 101;

    @Test
    void everyFloodAndMalformedSequenceGetsTheAnswerTheRfcRequires() throws Exception {
        String python = Tools.requirePythonModule("h2", "python3-h2");
        assertTrue(Files.isRegularFile(SCRIPT), SCRIPT.toAbsolutePath() + " is missing");
        try (ExampleProcess server = ExampleProcess.start("http", "--port", "0", "--workers", "1")) {
            int port = server.awaitListening();
            // Every case has a 10 s bound on each answer; all of them take about 14 s, 10 of them waiting for the
            // server's SETTINGS timeout.
            Tools.Result r = Tools.run(240, List.of(python, SCRIPT.toString(), "127.0.0.1", String.valueOf(port)));
            List<String> lines = Arrays.stream(r.stdout().split("\n")).filter(l -> !l.isBlank()).toList();
            String failed = lines.stream().filter(l -> !l.startsWith("ok ")).collect(Collectors.joining("\n"));
            assertEquals("", failed, "every case answered as expected\n" + r.stderr());
            assertEquals(0, r.exit(), "the script's exit status: " + r.stderr());
            assertEquals(CASES, lines.size(), "one ok line per case: " + lines);
            assertTrue(server.process.isAlive(), "the server survived every case");
        }
    }
}
