package io.switchboard.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * h2load (Debian {@code nghttp2-client}) against the http example: many streams in flight on each of several
 * connections, over h2c with prior knowledge on the plaintext port and over TLS chosen by ALPN, and request bodies
 * larger than the initial flow-control window echoed back whole. h2load counts a stream as succeeded only when its
 * answer is complete; it prints how many data bytes came back.
 */
class H2loadIT {
    private static final Pattern REQUESTS = Pattern.compile(
            "requests: (\\d+) total, (\\d+) started, (\\d+) done, (\\d+) succeeded, (\\d+) failed, (\\d+) errored, (\\d+) timeout");
    private static final Pattern STATUSES = Pattern.compile("status codes: (\\d+) 2xx, (\\d+) 3xx, (\\d+) 4xx, (\\d+) 5xx");
    private static final Pattern DATA = Pattern.compile("\\((\\d+)\\) data");

    private static ExampleProcess plain;
    private static ExampleProcess https;
    private static int plainPort;
    private static int httpsPort;

    @BeforeAll
    static void start() throws IOException {
        plain = ExampleProcess.start("http", "--port", "0", "--workers", "2");
        List<String> args = new ArrayList<>(List.of("http", "--port", "0", "--workers", "2"));
        args.addAll(TlsFiles.serverFlags("ec.pem", "ec-sec1.key"));
        https = ExampleProcess.start(args.toArray(String[]::new));
        plainPort = plain.awaitListening();
        httpsPort = https.awaitListening();
    }

    @AfterAll
    static void stop() {
        for (ExampleProcess p : List.of(plain, https)) {
            p.process.destroy();
            p.awaitExit(Duration.ofSeconds(10));
        }
    }

    /** 4,000 GETs over 8 connections with 16 streams in flight on each: every one a complete 200. */
    @Test
    void manyStreamsOnFewConnectionsOverH2c() throws Exception {
        Tools.require("h2load", "nghttp2-client");
        Tools.Result run = Tools.run(60, List.of("h2load", "-n", "4000", "-c", "8", "-m", "16",
                "http://127.0.0.1:" + plainPort + "/plaintext"));
        assertAllSucceeded(run, 4000);
        assertEquals(4000L * "Hello, World!".length(), dataBytes(run), "each answer's 13 body bytes: " + run.stdout());
    }

    /**
     * 64 POSTs of 100,000 random bytes each (past the 65,535-byte initial window, so both sides' window updates are
     * needed) over 4 connections, 8 streams each: every body comes back whole (64 × 100,000 data bytes).
     */
    @Test
    void bodiesLargerThanTheWindowAreEchoedWhole() throws Exception {
        Tools.require("h2load", "nghttp2-client");
        byte[] body = new byte[100_000];
        new Random(17).nextBytes(body);
        Path file = Files.createTempFile("h2load-body", ".bin");
        try {
            Files.write(file, body);
            Tools.Result run = Tools.run(60, List.of("h2load", "-n", "64", "-c", "4", "-m", "8", "-d", file.toString(),
                    "-H", "content-type: application/octet-stream", "http://127.0.0.1:" + plainPort + "/echo"));
            assertAllSucceeded(run, 64);
            assertEquals(64L * body.length, dataBytes(run), "every echoed body whole: " + run.stdout());
        } finally {
            Files.deleteIfExists(file);
        }
    }

    /** Over TLS h2load offers h2 by ALPN and the example chooses it: 2,000 requests on 4 connections, 16 streams each. */
    @Test
    void overTlsAlpnChoosesH2() throws Exception {
        Tools.require("h2load", "nghttp2-client");
        Tools.Result run = Tools.run(60, List.of("h2load", "-n", "2000", "-c", "4", "-m", "16",
                "https://127.0.0.1:" + httpsPort + "/json"));
        assertTrue(run.stdout().contains("Application protocol: h2"), "ALPN agreed on h2: " + run.stdout());
        assertAllSucceeded(run, 2000);
    }

    private static void assertAllSucceeded(Tools.Result run, int n) {
        assertEquals(0, run.exit(), run.stdout() + run.stderr());
        Matcher requests = REQUESTS.matcher(run.stdout());
        assertTrue(requests.find(), "h2load's summary: " + run.stdout() + run.stderr());
        assertEquals(List.of(n, n, n, n, 0, 0, 0), List.of(group(requests, 1), group(requests, 2), group(requests, 3),
                group(requests, 4), group(requests, 5), group(requests, 6), group(requests, 7)),
                "total, started, done, succeeded, failed, errored, timeout: " + run.stdout());
        Matcher statuses = STATUSES.matcher(run.stdout());
        assertTrue(statuses.find(), run.stdout());
        assertEquals(n, group(statuses, 1), "every answer a 2xx: " + run.stdout());
    }

    private static long dataBytes(Tools.Result run) {
        Matcher m = DATA.matcher(run.stdout());
        assertTrue(m.find(), "h2load's traffic line: " + run.stdout());
        return Long.parseLong(m.group(1));
    }

    private static int group(Matcher m, int i) {
        return Integer.parseInt(m.group(i));
    }
}
