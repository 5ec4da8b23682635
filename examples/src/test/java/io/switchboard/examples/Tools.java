package io.switchboard.examples;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/** Real clients from Debian packages, run as processes. */
final class Tools {
    /** Where Debian installs node modules such as node-ws. */
    static final String DEBIAN_NODE_MODULES = "/usr/share/nodejs";

    private Tools() {
    }

    /**
     * Ensures {@code command} is on the PATH. Missing under CI (CI=true) it fails the test; elsewhere it
     * skips it, naming the Debian package to install.
     */
    static void require(String command, String debianPackage) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
            if (Files.isExecutable(Path.of(dir, command))) {
                return;
            }
        }
        missing(command + " is not installed: apt-get install " + debianPackage);
    }

    /**
     * Ensures {@code node} can load {@code module} (looking in Debian's {@value #DEBIAN_NODE_MODULES} too), as
     * {@link #require} does for a command.
     */
    static void requireNodeModule(String module, String debianPackage) throws IOException, InterruptedException {
        require("node", "nodejs");
        Result loaded = run(30, List.of("env", nodePath(), "node", "-e", "require('" + module + "')"));
        if (loaded.exit() != 0) {
            missing("node cannot load " + module + ": apt-get install " + debianPackage);
        }
    }

    /**
     * The command line that runs a script of src/test/resources/node with {@code node}, Debian's node modules on its
     * path (Debian's own node looks there; other builds of node, such as NodeSource's, need {@code NODE_PATH}).
     */
    static List<String> node(String script, String... args) {
        List<String> command = new ArrayList<>(List.of("env", nodePath(), "node", resource("/node/" + script).toString()));
        command.addAll(List.of(args));
        return command;
    }

    /**
     * The python3 that can import {@code module}, as {@link #require} does for a command: Debian's
     * {@code /usr/bin/python3} first (Debian's python3 packages install for it, while another python3 may come first
     * on the PATH, pyenv's say), then {@code python3} on the PATH.
     */
    static String requirePythonModule(String module, String debianPackage) throws IOException, InterruptedException {
        for (String python : List.of("/usr/bin/python3", "python3")) {
            if (python.startsWith("/") && !Files.isExecutable(Path.of(python))) {
                continue;
            }
            try {
                if (run(30, List.of(python, "-c", "import " + module)).exit() == 0) {
                    return python;
                }
            } catch (IOException e) {
                // no python3 on the PATH
            }
        }
        missing("python3 cannot import " + module + ": apt-get install " + debianPackage);
        return null;
    }

    /** {@return the file of a test resource} */
    static Path resource(String name) {
        try {
            return Path.of(Tools.class.getResource(name).toURI());
        } catch (URISyntaxException | NullPointerException e) {
            throw new IllegalStateException("test resource " + name + " is missing", e);
        }
    }

    private static String nodePath() {
        String path = System.getenv("NODE_PATH");
        return "NODE_PATH=" + DEBIAN_NODE_MODULES + (path == null || path.isEmpty() ? "" : ":" + path);
    }

    private static void missing(String message) {
        if ("true".equals(System.getenv("CI"))) {
            fail(message);
        }
        Assumptions.abort(message);
    }

    /** The result of a finished process. */
    record Result(int exit, String stdout, String stderr) {
    }

    /** Runs {@code command} to completion (at most {@code timeoutSeconds}) and returns its output. */
    static Result run(long timeoutSeconds, List<String> command) throws IOException, InterruptedException {
        return run(timeoutSeconds, null, command);
    }

    /**
     * Runs {@code command} to completion (at most {@code timeoutSeconds}) and returns its output. Its standard input
     * is {@code stdin} (ISO-8859-1) followed by the end of the input, or, when null, a pipe left open.
     */
    static Result run(long timeoutSeconds, String stdin, List<String> command) throws IOException, InterruptedException {
        Path in = Files.createTempFile("tool", ".in");
        Path out = Files.createTempFile("tool", ".out");
        Path err = Files.createTempFile("tool", ".err");
        try {
            ProcessBuilder builder = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile());
            if (stdin != null) {
                Files.writeString(in, stdin, StandardCharsets.ISO_8859_1);
                builder.redirectInput(in.toFile());
            }
            Process p = builder.start();
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
