package io.switchboard.bench;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.examples.UdpEchoServer;
import io.switchboard.pipeline.Handler;
import io.switchboard.pipeline.HandlerContext;
import io.switchboard.udp.Datagram;
import io.switchboard.udp.DatagramServer;
import io.switchboard.udp.DatagramStats;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The UDP load generator over loopback, against both UDP echo servers and a broken one. */
@Timeout(30)
class UdpLoadTest {
    private final ByteArrayOutputStream output = new ByteArrayOutputStream();
    private final PrintStream out = new PrintStream(output, true, StandardCharsets.UTF_8);

    private EchoLoadResult load(int port, int sockets) throws Exception {
        return new UdpLoad(new EchoLoadConfig("127.0.0.1", port, sockets, 64, Duration.ofMillis(500), Duration.ZERO, 1),
                out).run();
    }

    @Test
    void countsAndVerifiesDatagramsEchoedBySwitchboardsUdpEchoExample() throws Exception {
        try (DatagramServer server = UdpEchoServer.start("127.0.0.1", 0, 1)) {
            EchoLoadResult result = load(server.localAddress().getPort(), 8);
            assertEquals(0, result.errors(), () -> "first error: " + result.firstError());
            assertTrue(result.messages() > 0, "no datagram was echoed");
            assertEquals(result.messages() * 64, result.bytes());
            String text = output.toString(StandardCharsets.UTF_8);
            assertTrue(text.contains(EchoLoad.MEASURE_START + "\n") && text.contains(EchoLoad.MEASURE_END + "\n"), text);
            assertTrue(text.contains("round trip µs: p50"), text);
            // The server counts a datagram sent once its send call returns, which may follow the load's last receipt.
            await("the server echoed all it received").atMost(Duration.ofSeconds(10)).until(() -> {
                DatagramStats stats = server.stats();
                return stats.received() == stats.sent();
            });
        }
    }

    @Test
    void countsDatagramsEchoedByTheNettyServer() throws Exception {
        try (NettyUdpEchoServer server = NettyUdpEchoServer.start("127.0.0.1", 0)) {
            EchoLoadResult result = load(server.localAddress().getPort(), 8);
            assertEquals(0, result.errors(), () -> "first error: " + result.firstError());
            assertTrue(result.messages() > 0, "no datagram was echoed");
        }
    }

    @Test
    void aChangedByteIsAnError() throws Exception {
        Handler corrupt = new Handler() {
            private int seen;

            @Override
            public void read(HandlerContext ctx, Object message) {
                Datagram d = (Datagram) message;
                if (++seen == 3) {
                    d.content().put(20, (byte) (d.content().get(20) ^ 0xff));
                }
                ctx.write(d.content());
            }
        };
        try (DatagramServer server = DatagramServer.builder().pipeline(p -> p.add(corrupt)).start()) {
            EchoLoadResult result = load(server.localAddress().getPort(), 1);
            assertEquals(1, result.errors(), output.toString(StandardCharsets.UTF_8));
            assertEquals(1, result.exitCode());
            assertTrue(output.toString(StandardCharsets.UTF_8).contains("an echoed datagram differed"));
        }
    }
}
