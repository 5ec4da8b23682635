package io.switchboard.examples;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.http.HttpConfig;
import io.switchboard.loop.Offload;
import io.switchboard.server.Server;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Issue 9, section 3: clients that pipeline many {@code /stream} requests and reset without reading must not
 * make the http example grow threads or tasks without bound, nor lock it up. Runs in this JVM so that the
 * offload's own counters can be read; on Java 17 the offload runs platform threads, on 21+ virtual ones.
 */
@Tag("hardening")
class HttpStreamFloodTest {
    private static final int CLIENTS = 200;
    private static final int PIPELINED = 50;
    /** Requests a connection has in flight at most: {@code HttpConfig.DEFAULTS.maxInFlight()}. */
    private static final int IN_FLIGHT = HttpConfig.DEFAULTS.maxInFlight();
    /** Threads the JVM may start besides the offload's during the flood (JIT, GC helpers, Awaitility). */
    private static final int SLACK = 16;

    @Test
    void twoHundredClientsPipeliningFiftyStreamsAndResettingLeaveTheServerBoundedAndAnswering() throws Exception {
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        Offload offload = Offload.create("flood-offload");
        Server server = HttpExample.start("127.0.0.1", 0, 2, HttpConfig.DEFAULTS, offload);
        try {
            int port = server.localAddress().getPort();
            await().atMost(Duration.ofSeconds(5)).until(() -> plaintext(port));
            int baseline = threads.getThreadCount();
            threads.resetPeakThreadCount();

            // 200 clients x 50 pipelined GET /stream?n=200 (each a 2 s stream of 200 chunks): the server reads 16 of
            // each (maxInFlight), so up to 3,200 streams are started at once.
            String requests = "GET /stream?n=200 HTTP/1.1\r\nHost: t\r\n\r\n".repeat(PIPELINED);
            List<Socket> clients = new ArrayList<>();
            for (int i = 0; i < CLIENTS; i++) {
                Socket s = new Socket("127.0.0.1", port);
                s.setSoTimeout(20_000);
                s.getOutputStream().write(requests.getBytes(StandardCharsets.US_ASCII));
                clients.add(s);
            }
            // Every connection's 16 requests in flight have handed their stream to the offload: 3,200 tasks, far
            // more than its 64 threads (Java 17) run at once. Then every client resets without reading.
            await().atMost(Duration.ofSeconds(20)).until(() -> offload.tasks() == CLIENTS * IN_FLIGHT);
            for (Socket s : clients) {
                s.setSoLinger(true, 0);
                s.close();
            }

            // Recovery: a fresh request is answered within 5 s.
            await().atMost(Duration.ofSeconds(5)).until(() -> plaintext(port));
            // The streams of the clients that left stop: no offloaded task is left within 10 s.
            await().atMost(Duration.ofSeconds(10)).until(() -> offload.tasks() == 0);

            int peak = threads.getPeakThreadCount();
            if (!offload.isVirtual()) {
                // Java 17: at most 64 offload threads (Offload.DEFAULT_MAX_THREADS), not one per stream.
                assertTrue(peak <= baseline + Offload.DEFAULT_MAX_THREADS + SLACK, "threads peaked at " + peak
                        + " from " + baseline + ": at most " + Offload.DEFAULT_MAX_THREADS + " offload threads + " + SLACK);
            } else {
                // Virtual threads: their carriers are few; platform threads stay near the baseline.
                assertTrue(peak <= baseline + SLACK + Runtime.getRuntime().availableProcessors(),
                        "platform threads peaked at " + peak + " from " + baseline);
            }
        } finally {
            server.close();
            offload.close();
        }
    }

    /** Sends {@code GET /plaintext} on a new connection; true on a 200. */
    private static boolean plaintext(int port) {
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(5_000);
            s.getOutputStream().write("GET /plaintext HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n"
                    .getBytes(StandardCharsets.US_ASCII));
            String all = new String(s.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
            return all.startsWith("HTTP/1.1 200 ") && all.endsWith("Hello, World!");
        } catch (IOException e) {
            return false;
        }
    }
}
