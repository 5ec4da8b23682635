package io.switchboard.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The report reads the suite's CSV, computes ratios and targets, and replaces only its own section. */
class SuiteReportTest {
    @TempDir
    Path dir;

    @Test
    void rewritesItsSectionWithRatiosAndTargets() throws Exception {
        Path csv = dir.resolve("compare.csv");
        Files.writeString(csv, SuiteRun.HEADER + "\n"
                + new SuiteRun("http-plain", "switchboard", "wrk", 1000, 1, 0, 900_000, 950_000, 1_000_000_000, 980_000_000,
                        100, 200, 300, 1000, 2000, -1, -1, "").csvRow() + "\n"
                + new SuiteRun("http-plain", "netty", "wrk", 1000, 1, 0, 1_000_000, 1_000_000, 900_000_000, 880_000_000,
                        100, 200, 300, 1000, 2000, -1, -1, "").csvRow() + "\n"
                + new SuiteRun("idle-10k", "switchboard", "idle-clients", 100, 1, 0, 0, 0, 0, -1,
                        Double.NaN, Double.NaN, Double.NaN, 2000, 1100, 1000, 1000, "").csvRow() + "\n"
                + new SuiteRun("idle-10k", "netty", "idle-clients", 100, 1, 0, 0, 0, 0, -1,
                        Double.NaN, Double.NaN, Double.NaN, 2000, 1200, 1000, 1000, "").csvRow() + "\n");
        Path doc = dir.resolve("benchmarks.md");
        Files.writeString(doc, "# Benchmarks\n\nkept\n\n" + SuiteReport.BEGIN + "\nold\n" + SuiteReport.END + "\n\nalso kept\n");
        ByteArrayOutputStream out = new ByteArrayOutputStream();

        int status = new SuiteReport(csv, doc, dir.resolve("img"), new PrintStream(out, true, StandardCharsets.UTF_8)).run();

        assertEquals(0, status, out.toString(StandardCharsets.UTF_8));
        String text = Files.readString(doc);
        assertTrue(text.startsWith("# Benchmarks\n\nkept\n\n"), text);
        assertTrue(text.endsWith("\n\nalso kept\n"), text);
        assertTrue(!text.contains("\nold\n"), text);
        assertTrue(text.contains("| server CPU per request, http-plain ≤ 0.95× Netty | 0.900 | **met** |"), text);
        assertTrue(text.contains("| heap per idle connection ≤ 0.60× Netty | 0.500 | **met** |"), text);
        assertTrue(text.contains("**LOAD-BOUND**"), "switchboard's load used 98 % of its core: " + text);
    }
}
