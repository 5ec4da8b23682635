package io.switchboard.tls;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/** Real TLS clients from Debian packages (curl, openssl), run as processes. */
final class Tools {
    private Tools() {
    }

    /**
     * Ensures {@code command} is on the PATH. Missing under CI (CI=true) it fails the test; elsewhere it skips it,
     * naming the Debian package to install.
     */
    static void require(String command, String debianPackage) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
            if (Files.isExecutable(Path.of(dir, command))) {
                return;
            }
        }
        String message = command + " is not installed: apt-get install " + debianPackage;
        if ("true".equals(System.getenv("CI"))) {
            fail(message);
        }
        Assumptions.abort(message);
    }

    /** The result of a finished process. */
    record Result(int exit, String stdout, String stderr) {
        String all() {
            return stdout + stderr;
        }
    }

    /** Runs {@code command} with {@code input} on its stdin to completion (at most {@code timeoutSeconds}). */
    static Result run(long timeoutSeconds, String input, List<String> command) throws IOException, InterruptedException {
        Path in = Files.createTempFile("tool", ".in");
        Path out = Files.createTempFile("tool", ".out");
        Path err = Files.createTempFile("tool", ".err");
        try {
            Files.writeString(in, input, StandardCharsets.ISO_8859_1);
            Process p = new ProcessBuilder(command).redirectInput(in.toFile()).redirectOutput(out.toFile())
                    .redirectError(err.toFile()).start();
            if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                fail(command + " did not finish within " + timeoutSeconds + " s");
            }
            return new Result(p.exitValue(), Files.readString(out, StandardCharsets.ISO_8859_1),
                    Files.readString(err, StandardCharsets.ISO_8859_1));
        } finally {
            Files.deleteIfExists(in);
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }
}
