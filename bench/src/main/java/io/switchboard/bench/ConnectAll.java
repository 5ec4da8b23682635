package io.switchboard.bench;

import io.switchboard.pipeline.Connection;
import io.switchboard.server.Client;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** Opens a load generator's connections at once and waits for all of them. */
final class ConnectAll {
    private ConnectAll() {
    }

    /**
     * Starts {@code count} connects to {@code host:port} and waits up to {@code timeout} for all.
     *
     * @return null when every connection is open, otherwise why not
     */
    static String open(Client client, String host, int port, int count, Duration timeout) throws InterruptedException {
        List<CompletableFuture<Connection>> pending = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            pending.add(client.connect(host, port));
        }
        try {
            CompletableFuture.allOf(pending.toArray(CompletableFuture<?>[]::new)).get(timeout.toNanos(), TimeUnit.NANOSECONDS);
            return null;
        } catch (ExecutionException e) {
            return "cannot connect: " + e.getCause().getMessage();
        } catch (TimeoutException e) {
            return "connections not established within " + timeout.toSeconds() + " s";
        }
    }
}
