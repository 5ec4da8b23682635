package io.switchboard.examples;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Issue 9, section 6: SIGTERM to the http example with requests in flight. The example closes gracefully with a
 * 1 s budget: answers that come within it are delivered, and those that cannot are cut with a reset, never a
 * clean close the client could take for a complete answer.
 */
@Tag("hardening")
class HttpShutdownIT {
    private static final int CLIENTS = 64;
    /** The JVM's exit status after SIGTERM once its shutdown hooks have run (128 + 15). */
    private static final int SIGTERM_EXIT = 143;

    @Test
    void sigtermDeliversEveryAnswerDueWithinTheShutdownBudget() throws Exception {
        try (ExampleProcess server = ExampleProcess.start("http", "--port", "0", "--workers", "2")) {
            int port = server.awaitListening();
            List<Socket> clients = sendAll(port, "/delay?ms=500");

            server.process.destroy(); // SIGTERM

            for (Socket c : clients) {
                String answer = new String(c.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
                assertTrue(answer.startsWith("HTTP/1.1 200 OK\r\n"), "each of 64 requests in flight gets its 200: " + answer);
                assertTrue(answer.endsWith("delayed 500"), "the whole answer, then the close: " + answer);
                c.close();
            }
            assertEquals(SIGTERM_EXIT, server.awaitExit(Duration.ofSeconds(10)));
        }
    }

    @Test
    void sigtermResetsAnswersThatDoNotComeWithinTheBudget() throws Exception {
        try (ExampleProcess server = ExampleProcess.start("http", "--port", "0", "--workers", "2")) {
            int port = server.awaitListening();
            List<Socket> clients = sendAll(port, "/delay?ms=5000");

            server.process.destroy(); // SIGTERM: the answers are 5 s away, the shutdown budget is 1 s

            for (Socket c : clients) {
                SocketException reset = assertThrows(SocketException.class, () -> c.getInputStream().readAllBytes(),
                        "an answer the shutdown could not wait for ends with a reset, not an empty clean close");
                assertTrue(reset.getMessage().contains("reset"), reset.getMessage());
                c.close();
            }
            // The 1 s budget plus the server's 0.5 s margin, with room for a loaded machine: not the 5 s delay.
            assertEquals(SIGTERM_EXIT, server.awaitExit(Duration.ofSeconds(4)));
        }
    }

    /** 64 clients each send one request; returns once the server has read all of them. */
    private static List<Socket> sendAll(int port, String target) throws IOException {
        List<Socket> clients = new ArrayList<>();
        for (int i = 0; i < CLIENTS; i++) {
            Socket s = new Socket("127.0.0.1", port);
            s.setSoTimeout(20_000);
            s.getOutputStream().write(("GET " + target + " HTTP/1.1\r\nHost: t\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            clients.add(s);
        }
        await("the server read all 64 requests").atMost(Duration.ofSeconds(20))
                .until(() -> ServerSockets.withNothingUnread(port) >= CLIENTS);
        return clients;
    }
}
