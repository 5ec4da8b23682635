package io.switchboard.examples;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The echo example as users run it: the shaded jar, in its own process, over loopback. */
class EchoExampleIT {
    private final ExecutorService threads = Executors.newCachedThreadPool();
    private final List<AutoCloseable> toClose = new ArrayList<>();

    @AfterEach
    void tearDown() throws Exception {
        for (AutoCloseable c : toClose) {
            c.close();
        }
        threads.shutdownNow();
    }

    private ExampleProcess start(String... args) throws IOException {
        ExampleProcess p = ExampleProcess.start(args);
        toClose.add(p);
        return p;
    }

    @Test
    void fiftyConnectionsGetTheirMebibyteBackByteExact() throws Exception {
        ExampleProcess echo = start("echo", "--port", "0", "--workers", "2");
        int port = echo.awaitListening();
        List<Future<Boolean>> results = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            int seed = i;
            results.add(threads.submit(() -> roundTrip(port, seed)));
        }
        for (Future<Boolean> r : results) {
            assertTrue(r.get(120, TimeUnit.SECONDS));
        }
    }

    private boolean roundTrip(int port, int seed) throws Exception {
        byte[] data = new byte[1024 * 1024];
        new Random(seed).nextBytes(data);
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(60_000);
            Future<?> writer = threads.submit(() -> {
                s.getOutputStream().write(data);
                s.shutdownOutput();
                return null;
            });
            byte[] back = s.getInputStream().readAllBytes();
            writer.get();
            assertArrayEquals(data, back, "connection " + seed);
            return true;
        }
    }

    @Test
    void stopsQuicklyOnSigtermWithClientsConnected() throws Exception {
        ExampleProcess echo = start("echo", "--port", "0", "--workers", "1");
        int port = echo.awaitListening();
        List<Socket> clients = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            Socket s = new Socket("127.0.0.1", port);
            toClose.add(s);
            s.getOutputStream().write('x');
            assertEquals('x', s.getInputStream().read());
            clients.add(s);
        }
        echo.process.destroy();
        echo.awaitExit(Duration.ofSeconds(5));
        for (Socket s : clients) {
            s.setSoTimeout(5000);
            assertEquals(-1, s.getInputStream().read(), "connection closed by the shutdown");
        }
    }

    @Test
    void aBusyPortIsAClearErrorAndExitStatusOne() throws Exception {
        ExampleProcess first = start("echo", "--port", "0");
        int port = first.awaitListening();
        ExampleProcess second = start("echo", "--port", String.valueOf(port));
        assertEquals(1, second.awaitExit(Duration.ofSeconds(30)));
        await().atMost(Duration.ofSeconds(5)).until(() -> !second.stderr.isEmpty());
        String err = String.join("\n", second.stderr);
        assertTrue(err.contains("cannot listen on 127.0.0.1:" + port) && err.contains("in use"), err);
    }

    @Test
    void outOfFileDescriptorsPausesAcceptingAndRecovers() throws Exception {
        ExampleProcess echo = ExampleProcess.startWithShell("ulimit -n 200", "echo", "--port", "0", "--workers", "1");
        toClose.add(echo);
        int port = echo.awaitListening();
        List<Socket> flood = new ArrayList<>();
        for (int i = 0; i < 400; i++) {
            Socket s = new Socket();
            s.connect(new java.net.InetSocketAddress("127.0.0.1", port), 5000);
            flood.add(s);
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> count(echo, "cannot accept") == 1);
        for (Socket s : flood) {
            s.close();
        }
        try (Socket fresh = new Socket("127.0.0.1", port)) {
            fresh.setSoTimeout(30_000);
            fresh.getOutputStream().write("still here".getBytes());
            byte[] back = fresh.getInputStream().readNBytes(10);
            assertEquals("still here", new String(back));
        }
        assertEquals(1, count(echo, "cannot accept"), "the failure is logged once: " + echo.stderr);
        assertTrue(echo.process.isAlive());
    }

    private static long count(ExampleProcess p, String text) {
        return p.stderr.stream().filter(l -> l.contains(text)).count();
    }

    @Test
    void logLevelFromTheCommandLineWithoutALogbackFileOfOnesOwn() throws Exception {
        ExampleProcess debug = start("echo", "--port", "0", "--log-level", "DEBUG");
        debug.awaitListening();
        // The server logs its loops at debug when it starts listening: with the bundled INFO default, nothing.
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10)).until(() -> debug.stderr.stream()
                .anyMatch(l -> l.contains(" DEBUG ") && l.contains("worker loops")));
        ExampleProcess quiet = start("echo", "--port", "0");
        quiet.awaitListening();
        assertTrue(quiet.stderr.stream().noneMatch(l -> l.contains(" DEBUG ")), "INFO by default: " + quiet.stderr);
    }
}
