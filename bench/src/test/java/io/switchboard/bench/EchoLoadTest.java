package io.switchboard.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.examples.EchoServer;
import io.switchboard.pipeline.Handler;
import io.switchboard.pipeline.HandlerContext;
import io.switchboard.server.Server;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The load generator over real loopback sockets, against both echo servers and a broken one. */
@Timeout(30)
class EchoLoadTest {
    private final ByteArrayOutputStream output = new ByteArrayOutputStream();
    private final PrintStream out = new PrintStream(output, true, StandardCharsets.UTF_8);

    @Test
    void countsAndVerifiesMessagesEchoedBySwitchboardsEchoExample() throws Exception {
        try (Server server = EchoServer.start("127.0.0.1", 0, 1)) {
            EchoLoadConfig config = new EchoLoadConfig("127.0.0.1", server.localAddress().getPort(), 4, 1000,
                    Duration.ofSeconds(1), Duration.ZERO, 1);

            EchoLoadResult result = new EchoLoad(config, out).run();

            assertEquals(0, result.errors(), () -> "first error: " + result.firstError());
            assertTrue(result.messages() > 0, "no message was echoed");
            assertEquals(result.messages() * 1000, result.bytes());
            assertEquals(0, result.exitCode());
            String text = output.toString(StandardCharsets.UTF_8);
            assertTrue(text.contains(EchoLoad.MEASURE_START + "\n") && text.contains(EchoLoad.MEASURE_END + "\n"), text);
            assertEquals(result.messages(), parsedResult(text).messages());
        }
    }

    @Test
    void largeMessagesSplitOverManyReadsComeBackWholeFromTheNettyServer() throws Exception {
        try (NettyTcpServer server = NettyEchoServer.start("127.0.0.1", 0, 1)) {
            EchoLoadConfig config = new EchoLoadConfig("127.0.0.1", server.localAddress().getPort(), 2, 300_000,
                    Duration.ofSeconds(1), Duration.ZERO, 1);

            EchoLoadResult result = new EchoLoad(config, out).run();

            assertEquals(0, result.errors(), () -> "first error: " + result.firstError());
            assertTrue(result.messages() > 0, "no message was echoed");
            assertEquals(result.messages() * 300_000, result.bytes());
        }
    }

    @Test
    void aChangedByteIsAnErrorAndTheCommandExitsNonZero() {
        Server server = Server.builder().workers(1).pipeline(p -> p.add(new CorruptByte(2_500))).start();
        try {
            ByteArrayOutputStream errors = new ByteArrayOutputStream();
            int status = Main.run(List.of("echo-load", "--port", Integer.toString(server.localAddress().getPort()),
                    "-c", "1", "--size", "1000", "-d", "20"), out, new PrintStream(errors, true, StandardCharsets.UTF_8));

            String text = output.toString(StandardCharsets.UTF_8);
            assertEquals(1, status, text);
            EchoLoadResult result = parsedResult(text);
            assertEquals(1, result.errors(), text);
            assertTrue(text.contains("byte 500 of a 1000-byte message differs"), "the third message is the bad one: " + text);
        } finally {
            server.close();
        }
    }

    private static EchoLoadResult parsedResult(String text) {
        return text.lines().map(EchoLoadResult::parse).filter(r -> r != null).findFirst()
                .orElseThrow(() -> new AssertionError("no result line in: " + text));
    }

    /** Echoes every byte, but flips the bits of the byte at {@code index} of the stream. One per connection. */
    private static final class CorruptByte implements Handler {
        private final long index;
        private long seen;

        CorruptByte(long index) {
            this.index = index;
        }

        @Override
        public void read(HandlerContext ctx, Object message) {
            ByteBuffer in = (ByteBuffer) message;
            long end = seen + in.remaining();
            if (index >= seen && index < end) {
                int at = in.position() + (int) (index - seen);
                in.put(at, (byte) ~in.get(at));
            }
            seen = end;
            ctx.write(in);
        }
    }
}
