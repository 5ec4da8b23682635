package io.switchboard.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** The kv scenario's check that the GETs will find the key the SETs wrote, against a one-reply server. */
class RespProbeTest {
    private static final byte[] EXISTS = "*2\r\n$6\r\nEXISTS\r\n$16\r\nkey:__rand_int__\r\n".getBytes(StandardCharsets.US_ASCII);

    @Test
    void asksExistsAndReadsTheAnswer() throws Exception {
        assertTrue(probe(":1\r\n"), "EXISTS answered 1: the key is there");
        assertFalse(probe(":0\r\n"), "EXISTS answered 0: the GETs would miss");
    }

    /** Runs the probe against a server that reads the command, checks it, and answers {@code reply}. */
    private static boolean probe(String reply) throws Exception {
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            CompletableFuture<byte[]> received = CompletableFuture.supplyAsync(() -> {
                try (Socket s = server.accept()) {
                    byte[] command = s.getInputStream().readNBytes(EXISTS.length);
                    s.getOutputStream().write(reply.getBytes(StandardCharsets.US_ASCII));
                    return command;
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
            boolean exists = RespProbe.exists(server.getLocalPort(), RespProbe.BENCHMARK_KEY);
            assertEquals(new String(EXISTS, StandardCharsets.US_ASCII),
                    new String(received.get(), StandardCharsets.US_ASCII), "one EXISTS for redis-benchmark's key");
            return exists;
        }
    }
}
