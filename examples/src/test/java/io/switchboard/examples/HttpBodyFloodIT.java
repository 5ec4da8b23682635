package io.switchboard.examples;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Issue 9, section 1: heads that declare large bodies and send two bytes must not take the server's heap. 300
 * such heads declare 2.4 GB between them; the http example runs with a 64 MiB heap and must hold about 300 x 8 KiB.
 */
@Tag("hardening")
class HttpBodyFloodIT {
    private static final int CONNECTIONS = 300;
    private static final String HEAD = "POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 8000000\r\n\r\n";

    @Test
    void threeHundredEightMegabyteHeadsDoNotExhaustA64MegabyteHeap() throws Exception {
        assertEquals(57, HEAD.length(), "a 57-byte head, then 2 body bytes: 59 bytes a connection, 17,700 in all");
        List<SocketChannel> attackers = new ArrayList<>();
        try (ExampleProcess server = ExampleProcess.start(List.of("-Xmx64m"), "http", "--port", "0", "--workers", "2")) {
            int port = server.awaitListening();
            InetSocketAddress address = new InetSocketAddress("127.0.0.1", port);
            try {
                for (int i = 0; i < CONNECTIONS; i++) {
                    SocketChannel c = SocketChannel.open(address);
                    attackers.add(c);
                    c.write(ByteBuffer.wrap((HEAD + "ab").getBytes(StandardCharsets.US_ASCII)));
                    c.configureBlocking(false);
                }
                // The server has read every head and its two bytes once no server socket has bytes waiting.
                await("the server read all 300 heads and kept their connections").atMost(Duration.ofSeconds(30))
                        .until(() -> ServerSockets.withNothingUnread(port) >= CONNECTIONS
                        || !server.process.isAlive());
                assertTrue(server.process.isAlive(), "the server is still running");

                // A fresh request is answered within 5 s, here each of 10 times.
                for (int i = 0; i < 10; i++) {
                    await("a fresh GET /plaintext answered 200").atMost(Duration.ofSeconds(5)).until(() -> plaintext(port));
                }
                int open = 0;
                ByteBuffer none = ByteBuffer.allocate(1);
                for (SocketChannel c : attackers) {
                    if (c.read(none) == 0) {
                        open++;
                    }
                }
                assertEquals(CONNECTIONS, open, "every attacker's connection still waits for its body, unanswered");
                List<String> output = new ArrayList<>(server.stderr);
                output.addAll(server.stdout);
                assertTrue(output.stream().noneMatch(l -> l.contains("OutOfMemoryError")),
                        "no OutOfMemoryError with 300 x 8,000,000 declared bytes on a 64 MiB heap: " + output);
            } finally {
                for (SocketChannel c : attackers) {
                    c.close();
                }
            }
        }
    }

    /** Sends {@code GET /plaintext} on a new connection; true on a 200 with the body. */
    private static boolean plaintext(int port) {
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(5_000);
            s.getOutputStream().write("GET /plaintext HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n"
                    .getBytes(StandardCharsets.US_ASCII));
            InputStream in = s.getInputStream();
            String all = new String(in.readAllBytes(), StandardCharsets.US_ASCII);
            return all.startsWith("HTTP/1.1 200 ") && all.endsWith("Hello, World!");
        } catch (IOException e) {
            return false;
        }
    }
}
