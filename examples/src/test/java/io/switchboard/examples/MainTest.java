package io.switchboard.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class MainTest {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(String... args) {
        return Main.run(List.of(args), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    @Test
    void helpListsCommandsAndFlags() {
        assertEquals(0, run("--help"));
        String text = out.toString(StandardCharsets.UTF_8);
        assertTrue(text.contains("echo") && text.contains("--port") && text.contains("--workers"), text);
    }

    @Test
    void commandHelpIsTheUsage() {
        assertEquals(0, run("echo", "--help"));
        assertTrue(out.toString(StandardCharsets.UTF_8).contains("usage:"));
    }

    @Test
    void unknownCommandIsAUsageError() {
        assertEquals(2, run("teleport"));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("unknown command: teleport"));
    }

    @Test
    void unknownFlagIsAUsageError() {
        assertEquals(2, run("echo", "--colour", "blue"));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("unknown flag: --colour"));
    }

    @Test
    void badNumbersAreUsageErrors() {
        assertEquals(2, run("echo", "--port", "seventy"));
        assertEquals(2, run("echo", "--port", "70000"));
        assertEquals(2, run("echo", "--workers"));
    }

    @Test
    void noCommandIsAUsageError() {
        assertEquals(2, run());
    }
}
