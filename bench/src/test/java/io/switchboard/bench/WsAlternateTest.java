package io.switchboard.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.examples.HttpExample;
import io.switchboard.http.HttpConfig;
import io.switchboard.loop.Offload;
import io.switchboard.server.Server;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** ws-alternate over loopback against the http example and the floor in this JVM, and its parsing and quantiles. */
@Timeout(60)
class WsAlternateTest {
    @Test
    void everyRoundMeasuresEveryServerAndTheRatiosAreReported(@TempDir Path dir) throws Exception {
        ByteArrayOutputStream output = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(output, true, StandardCharsets.UTF_8);
        long self = ProcessHandle.current().pid();
        Path csv = dir.resolve("rows.csv");
        try (Offload offload = Offload.create("ws-alternate-test");
             Server switchboard = HttpExample.start("127.0.0.1", 0, 1, HttpConfig.DEFAULTS, offload);
             FloorServer floor = FloorServer.start("127.0.0.1", 0, "floor-ws-test", FloorWebSocket::new)) {
            List<WsAlternate.Target> targets = List.of(
                    new WsAlternate.Target("floor", floor.localAddress().getPort(), self),
                    new WsAlternate.Target("switchboard", switchboard.localAddress().getPort(), self));
            int code = new WsAlternate("127.0.0.1", "/ws/echo", targets, 4, 128, Duration.ofMillis(300),
                    Duration.ofMillis(500), 2, csv, out).run();
            String text = output.toString(StandardCharsets.UTF_8);

            assertEquals(0, code, text);
            List<String> rows = Files.readAllLines(csv);
            assertEquals(1 + 4, rows.size(), "a header and one row per server per round: " + rows);
            for (String row : rows.subList(1, rows.size())) {
                long messages = Long.parseLong(row.split(",")[2]);
                assertTrue(messages > 0, "no message echoed in a window: " + row);
            }
            assertTrue(rows.get(1).startsWith("1,floor,") && rows.get(2).startsWith("1,switchboard,"), rows.toString());
            assertTrue(rows.get(3).startsWith("2,floor,") || rows.get(3).startsWith("2,switchboard,"), rows.toString());
            assertTrue(text.contains("switchboard / floor, same round: median "), text);
        }
    }

    @Test
    void aTargetIsNamePortAndPid() {
        assertEquals(new WsAlternate.Target("netty", 9311, 42), WsAlternate.Target.parse("netty:9311:42"));
        assertThrows(Args.UsageException.class, () -> WsAlternate.Target.parse("netty:9311"));
        assertThrows(Args.UsageException.class, () -> WsAlternate.Target.parse("netty:x:42"));
    }

    @Test
    void quantilesInterpolateBetweenNeighbours() {
        double[] values = {1, 2, 3, 4};
        assertEquals(2.5, WsAlternate.quantile(values, 0.5), 1e-9);
        assertEquals(1.75, WsAlternate.quantile(values, 0.25), 1e-9);
        assertEquals(4, WsAlternate.quantile(values, 1), 1e-9);
        assertEquals(7, WsAlternate.quantile(new double[] {7}, 0.5), 1e-9);
    }
}
