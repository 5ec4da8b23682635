package io.switchboard.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A server running as a child process: started with its output copied to a log file, ready once it printed
 * a line with {@code listening on HOST:PORT}, stopped with SIGTERM. Thread-safe.
 */
final class ServerProcess implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ServerProcess.class);
    private static final Pattern LISTENING = Pattern.compile("listening on \\S*:(\\d+)");

    private final Process process;
    private final int port;

    private ServerProcess(Process process, int port) {
        this.process = process;
        this.port = port;
    }

    /**
     * Starts {@code command} and waits up to {@code timeout} for its listening line.
     *
     * @param logFile where the server's stdout and stderr go
     * @throws IOException when it cannot start, exits, or does not listen in time
     */
    static ServerProcess start(List<String> command, Path logFile, Duration timeout)
            throws IOException, InterruptedException {
        return start(command, logFile, timeout, LISTENING, 0);
    }

    /**
     * Starts {@code command} and waits up to {@code timeout} for a line matching {@code ready}.
     *
     * @param ready a pattern whose group 1 is the port, or any pattern when {@code port} is given
     * @param port  the port the server listens on, or 0 to take it from the ready line
     * @throws IOException when it cannot start, exits, or is not ready in time
     */
    static ServerProcess start(List<String> command, Path logFile, Duration timeout, Pattern ready, int port)
            throws IOException, InterruptedException {
        Files.createDirectories(logFile.toAbsolutePath().getParent());
        log.debug("starting {}", command);
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        CompletableFuture<Integer> listening = new CompletableFuture<>();
        Thread copier = new Thread(() -> copyOutput(process, logFile, listening, ready, port), "server-output-" + process.pid());
        copier.setDaemon(true);
        copier.start();
        try {
            return new ServerProcess(process, listening.get(timeout.toNanos(), TimeUnit.NANOSECONDS));
        } catch (ExecutionException | TimeoutException e) {
            process.destroyForcibly();
            throw new IOException("server did not start listening (see " + logFile + "): " + command,
                    e instanceof ExecutionException ? e.getCause() : e);
        } catch (InterruptedException e) {
            process.destroyForcibly();
            throw e;
        }
    }

    /** The server's process id, for reading its CPU time. */
    long pid() {
        return process.pid();
    }

    /** The port from its listening line. */
    int port() {
        return port;
    }

    /** True while the process runs. */
    boolean isAlive() {
        return process.isAlive();
    }

    /**
     * Sends SIGTERM and waits for the exit; kills the process if it has not exited within 15 seconds.
     *
     * @return its exit status
     */
    int stop() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(15, TimeUnit.SECONDS)) {
            log.warn("server {} ignored SIGTERM for 15 s; killing it", process.pid());
            process.destroyForcibly();
        }
        return process.waitFor();
    }

    /** Stops the process if it still runs; kills it at once when interrupted while waiting. */
    @Override
    public void close() {
        if (!process.isAlive()) {
            return;
        }
        try {
            stop();
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    private static void copyOutput(Process process, Path logFile, CompletableFuture<Integer> listening, Pattern ready,
                                   int port) {
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
             PrintWriter copy = new PrintWriter(Files.newBufferedWriter(logFile, StandardCharsets.UTF_8))) {
            String line;
            while ((line = lines.readLine()) != null) {
                copy.println(line);
                copy.flush();
                if (!listening.isDone()) {
                    Matcher m = ready.matcher(line);
                    if (m.find()) {
                        listening.complete(port > 0 ? port : Integer.parseInt(m.group(1)));
                    }
                }
            }
            listening.completeExceptionally(new IOException("the server exited before it was listening"));
        } catch (IOException e) {
            listening.completeExceptionally(e);
            log.debug("reading server output", e);
        }
    }
}
