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
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongSupplier;

/**
 * The start of a load run: opens the generator's connections at once and waits for all of them, then waits for
 * the first answer, so that a measured window never holds a server's (or the generator's own) first, cold answer.
 */
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
        return await(pending, timeout);
    }

    /**
     * Waits up to {@code timeout} for every connect (or WebSocket handshake) in {@code pending}.
     *
     * @return null when every one completed, otherwise why not
     */
    static String await(List<? extends CompletableFuture<?>> pending, Duration timeout) throws InterruptedException {
        try {
            CompletableFuture.allOf(pending.toArray(CompletableFuture<?>[]::new)).get(timeout.toNanos(), TimeUnit.NANOSECONDS);
            return null;
        } catch (ExecutionException e) {
            return "cannot connect: " + e.getCause().getMessage();
        } catch (TimeoutException e) {
            return "connections not established within " + timeout.toSeconds() + " s";
        }
    }

    /**
     * Waits up to {@code timeout} until {@code answers} counts at least one answer. The connections send as soon
     * as they are open; a cold server (class loading, a first JIT pass) may take a second or more on a busy
     * machine to give the first answer, and a window that opened before it would measure that, or nothing.
     *
     * @return null once an answer came, otherwise why not
     */
    static String awaitFirstAnswer(LongSupplier answers, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (answers.getAsLong() == 0) {
            if (System.nanoTime() - deadline >= 0) {
                return "no answer within " + timeout.toSeconds() + " s of connecting";
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
        }
        return null;
    }
}
