package io.switchboard.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The comparison's arithmetic, table and CSV. */
class ComparisonReportTest {
    private static final Scenario SMALL = Scenario.ECHO_TARGETS.get(0);
    private static final Scenario LARGE = Scenario.ECHO_TARGETS.get(1);

    private static EchoRun run(Scenario scenario, String server, long messages, long cpuMicros) {
        return run(1, scenario, server, messages, cpuMicros, 0);
    }

    /** A 10-second run; {@code othersMillis} of the server core's busy time belonged to other processes. */
    private static EchoRun run(int round, Scenario scenario, String server, long messages, long cpuMicros,
                               long othersMillis) {
        EchoLoadResult load = new EchoLoadResult(messages, messages * scenario.size(), 10, 0, null);
        return new EchoRun(round, scenario, server, load, new CpuTime.Sample(cpuMicros * 1000, cpuMicros * 1000),
                cpuMicros * 1000 + othersMillis * 1_000_000, 9_000_000_000L, 8_800_000_000L, 10);
    }

    @Test
    void ratioIsSwitchboardCpuPerMessageOverNettys(@TempDir Path dir) throws Exception {
        ComparisonReport report = new ComparisonReport(0.05);
        report.add(run(SMALL, ComparisonReport.SWITCHBOARD, 1_000_000, 4_000_000)); // 4 µs/msg
        report.add(run(SMALL, ComparisonReport.NETTY, 1_000_000, 5_000_000));       // 5 µs/msg
        report.add(run(LARGE, ComparisonReport.SWITCHBOARD, 100_000, 3_000_000));   // 30 µs/msg
        report.add(run(LARGE, ComparisonReport.NETTY, 100_000, 2_000_000));         // 20 µs/msg

        assertEquals(0.8, report.ratio(1, SMALL), 1e-9);
        assertEquals(1.5, report.medianRatio(LARGE), 1e-9);

        ByteArrayOutputStream text = new ByteArrayOutputStream();
        report.print(new PrintStream(text, true, StandardCharsets.UTF_8), Scenario.ECHO_TARGETS, 1);
        String table = text.toString(StandardCharsets.UTF_8);
        assertTrue(table.contains("CPU ratio 0.800 MET"), table);
        assertTrue(table.contains("CPU ratio 1.500 NOT MET"), table);

        Path csv = dir.resolve("out/echo.csv");
        report.writeCsv(csv);
        List<String> lines = Files.readAllLines(csv);
        assertEquals(5, lines.size());
        assertTrue(lines.get(0).startsWith("round,scenario,message_bytes,connections,server,messages"), lines.get(0));
        assertTrue(lines.get(1).startsWith("1,128B-64c,128,64,switchboard,1000000,10.000,100000.0,"), lines.get(1));
        // cpu µs/msg, stat µs/msg, core µs/msg, server CPU use, server core use, load core use, others, ratio
        assertTrue(lines.get(1).endsWith(",4.0000,4.0000,4.0000,0.4000,0.4000,0.9000,0.0200,0.8000"), lines.get(1));
    }

    @Test
    void theSummaryLeavesNoisyRunsOutWhenBothServersHaveQuietOnes() {
        ComparisonReport report = new ComparisonReport(0.05);
        report.add(run(1, SMALL, ComparisonReport.SWITCHBOARD, 1_000_000, 9_000_000, 5_000)); // noisy: 50%
        report.add(run(1, SMALL, ComparisonReport.NETTY, 1_000_000, 5_000_000, 0));
        report.add(run(2, SMALL, ComparisonReport.NETTY, 1_000_000, 5_000_000, 0));
        report.add(run(2, SMALL, ComparisonReport.SWITCHBOARD, 1_000_000, 4_500_000, 0));
        report.add(run(1, LARGE, ComparisonReport.SWITCHBOARD, 100_000, 1_000_000, 0));
        report.add(run(1, LARGE, ComparisonReport.NETTY, 100_000, 2_000_000, 3_000));          // noisy, the only one

        assertEquals(0.9, report.medianRatio(SMALL), 1e-9);
        assertEquals(0.5, report.medianRatio(LARGE), 1e-9);
        assertEquals(1.8, report.ratio(1, SMALL), 1e-9);
    }

    @Test
    void resultLineRoundTrips() {
        EchoLoadResult result = new EchoLoadResult(123, 456, 1.5, 2, "boom");

        EchoLoadResult parsed = EchoLoadResult.parse(result.resultLine());

        assertEquals(new EchoLoadResult(123, 456, 1.5, 2, null), parsed);
        assertEquals(null, EchoLoadResult.parse("result: messages=x"));
        assertEquals(null, EchoLoadResult.parse("measure 1 s"));
    }
}
