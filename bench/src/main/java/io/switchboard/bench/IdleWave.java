package io.switchboard.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One wave of idle keep-alive connections: an {@code idle-clients} child process that opens them, sends one
 * request on each, and holds them open until {@link #close()}, which ends its standard input and waits for it
 * to exit (and so to close them). Not thread-safe.
 */
final class IdleWave implements AutoCloseable {
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(180);
    private static final Duration EXIT_TIMEOUT = Duration.ofSeconds(30);

    private final Process clients;
    private final Path logFile;
    private long answered = -1;
    private long errors = -1;

    private IdleWave(Process clients, Path logFile) {
        this.clients = clients;
        this.logFile = logFile;
    }

    /** Starts {@code command} (an {@code idle-clients} command line) with its output in {@code logFile}. */
    static IdleWave start(List<String> command, Path logFile) throws IOException {
        return new IdleWave(new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(logFile.toFile()).start(),
                logFile);
    }

    /**
     * Waits until every connection has been answered (or failed): the {@link IdleClients#READY} line.
     *
     * @throws IOException when the clients exit or do not get ready in time
     */
    void awaitReady() throws IOException, InterruptedException {
        long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
        String ready = null;
        while (ready == null && System.nanoTime() < deadline && clients.isAlive()) {
            ready = Files.readAllLines(logFile).stream().filter(l -> l.startsWith(IdleClients.READY)).findFirst().orElse(null);
            if (ready == null) {
                Thread.sleep(200); // polling a child's log file; the runner is not a test
            }
        }
        if (ready == null) {
            throw new IOException("idle-clients did not get ready; see " + logFile);
        }
        String[] f = ready.substring(IdleClients.READY.length()).trim().split("\\s+");
        answered = Long.parseLong(f[0]);
        errors = Long.parseLong(f[2]);
    }

    /** {@return the connections answered with a 2xx, once ready} */
    long answered() {
        return answered;
    }

    /** {@return the connections that failed or got another status, once ready} */
    long errors() {
        return errors;
    }

    /** Ends the clients' input, so that they close their connections and exit; waits for that. */
    @Override
    public void close() throws IOException, InterruptedException {
        clients.getOutputStream().close();
        if (!clients.waitFor(EXIT_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
            clients.destroyForcibly();
        }
    }
}
