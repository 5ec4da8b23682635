package io.switchboard.server;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.switchboard.loop.LoopGroup;
import io.switchboard.pipeline.Connection;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** A client's connect after the client (or its loops) stopped fails its future instead of never completing. */
@Tag("hardening")
class ClientCloseTest {

    @Test
    void connectAfterCloseFailsTheFuture() throws Exception {
        try (ServerSocket listener = new ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress())) {
            Client client = Client.builder().pipeline(p -> { }).build();
            client.close();
            InetSocketAddress address = (InetSocketAddress) listener.getLocalSocketAddress();
            CompletableFuture<Connection> future = assertDoesNotThrow(() -> client.connect(address));
            assertFailsWithRejection(future);
        }
    }

    @Test
    void connectOntoStoppedSharedLoopsFailsTheFuture() throws Exception {
        try (ServerSocket listener = new ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress())) {
            LoopGroup loops = new LoopGroup("stopped", 1);
            Client client = Client.builder().loops(loops).pipeline(p -> { }).build();
            loops.shutdown(Duration.ofSeconds(10));
            InetSocketAddress address = (InetSocketAddress) listener.getLocalSocketAddress();
            CompletableFuture<Connection> future = assertDoesNotThrow(() -> client.connect(address));
            assertFailsWithRejection(future);
            client.close();
        }
    }

    private static void assertFailsWithRejection(CompletableFuture<Connection> future) {
        // Before: the future never completed (the loop dropped the task); then connect threw instead.
        ExecutionException failure = assertThrows(ExecutionException.class, () -> future.get(10, TimeUnit.SECONDS));
        assertInstanceOf(RejectedExecutionException.class, failure.getCause());
    }
}
