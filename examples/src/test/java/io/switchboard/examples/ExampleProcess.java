package io.switchboard.examples;

import static org.awaitility.Awaitility.await;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The examples jar run as a separate process, the way users and other tools start it. */
final class ExampleProcess implements AutoCloseable {
    private static final Pattern ADDRESS = Pattern.compile("listening on (\\S+):(\\d+)");
    private static final Pattern WEB_PAGE = Pattern.compile("web page on (\\S+)");

    final Process process;
    final List<String> stdout = new CopyOnWriteArrayList<>();
    final List<String> stderr = new CopyOnWriteArrayList<>();

    private ExampleProcess(Process process) {
        this.process = process;
        pump(process.getInputStream(), stdout);
        pump(process.getErrorStream(), stderr);
    }

    /** The shaded jar built by this module's package phase. */
    static Path jar() {
        Path jar = Path.of(System.getProperty("examples.jar", "target/switchboard-examples.jar"));
        if (!Files.exists(jar)) {
            throw new IllegalStateException(jar + " is missing: run the integration tests with mvn verify");
        }
        return jar;
    }

    /** The java launcher of this JVM, so the example runs on the same JDK as the test. */
    static String java() {
        return ProcessHandle.current().info().command().orElse("java");
    }

    /** Starts {@code java -jar switchboard-examples.jar args...}. */
    static ExampleProcess start(String... args) throws IOException {
        return start(List.of(), args);
    }

    /** Starts {@code java jvmOptions... -jar switchboard-examples.jar args...} (a small heap, say). */
    static ExampleProcess start(List<String> jvmOptions, String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of(java()));
        command.addAll(jvmOptions);
        command.addAll(List.of("-jar", jar().toString()));
        command.addAll(List.of(args));
        return new ExampleProcess(new ProcessBuilder(command).start());
    }

    /** Starts another program, a real client, whose output the test reads as it comes. */
    static ExampleProcess command(List<String> command) throws IOException {
        return new ExampleProcess(new ProcessBuilder(command).start());
    }

    /** Starts the example under a shell that first runs {@code shellPrefix} (a ulimit, say). */
    static ExampleProcess startWithShell(String shellPrefix, String... args) throws IOException {
        StringBuilder command = new StringBuilder(shellPrefix).append(" && exec '").append(java())
                .append("' -Dswitchboard.log.level=INFO -jar '").append(jar()).append('\'');
        for (String a : args) {
            command.append(" '").append(a).append('\'');
        }
        return new ExampleProcess(new ProcessBuilder("bash", "-c", command.toString()).start());
    }

    /** Waits for the line containing {@code listening} and returns the port it names. */
    int awaitListening() {
        await().atMost(Duration.ofSeconds(30)).until(() -> listeningLine() != null || !process.isAlive());
        String line = listeningLine();
        if (line == null) {
            throw new AssertionError("no listening line; stderr: " + stderr);
        }
        Matcher m = ADDRESS.matcher(line);
        if (!m.find()) {
            throw new AssertionError("listening line without an address: " + line);
        }
        return Integer.parseInt(m.group(2));
    }

    /** Waits for the listening line, then returns the address of the chat's web page, printed before it. */
    URI awaitWebPage() {
        awaitListening();
        for (String line : stdout) {
            Matcher m = WEB_PAGE.matcher(line);
            if (m.find()) {
                return URI.create(m.group(1));
            }
        }
        throw new AssertionError("no web page line before the listening line: " + stdout);
    }

    private String listeningLine() {
        return stdout.stream().filter(l -> l.contains("listening")).findFirst().orElse(null);
    }

    /** Waits for the process to exit and returns its status. */
    int awaitExit(Duration atMost) {
        await().atMost(atMost).until(() -> !process.isAlive());
        return process.exitValue();
    }

    @Override
    public void close() {
        process.destroyForcibly();
    }

    private static void pump(InputStream in, List<String> lines) {
        Thread t = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    lines.add(line);
                }
            } catch (IOException ignored) {
                // the process ended
            }
        });
        t.setDaemon(true);
        t.start();
    }
}
