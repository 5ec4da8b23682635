package io.switchboard.udp;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.pipeline.Handler;
import io.switchboard.pipeline.HandlerContext;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * A burst of 100,000 datagrams that overflows the server's socket buffer: every one is accounted for (handed to the
 * pipeline, dropped by the server as oversized, or dropped by the kernel on the full socket), and the server answers
 * a ping at once afterwards.
 */
@Tag("hardening")
class DatagramBurstTest {
    private static final int BURST = 100_000;
    private static final int MAX = 512;

    @Test
    void everyDatagramOfABurstIsReceivedOrCountedAsDroppedAndTheServerStaysResponsive() throws Exception {
        Handler echo = new Handler() {
            @Override
            public void read(HandlerContext ctx, Object message) {
                ctx.write(((Datagram) message).content());
            }
        };
        try (DatagramServer server = DatagramServer.builder()
                .config(DatagramConfig.DEFAULTS.withMaxDatagramSize(MAX).withBuffers(64 * 1024, 0))
                .pipeline(p -> p.add(echo)).start();
             DatagramChannel sender = DatagramChannel.open().bind(new InetSocketAddress("127.0.0.1", 0))) {
            InetSocketAddress address = server.localAddress();
            DatagramEndpoint endpoint = server.endpoints().get(0);
            long dropsBefore = KernelDrops.drops(address);

            // The first half arrives while the endpoint does not read: its 128 KiB buffer (64 KiB asked, doubled by
            // Linux) holds a few hundred datagrams, so the burst overflows it whatever the machine's speed. The
            // second half arrives while it reads and echoes as fast as it can. Every 1,000th datagram is over the
            // 512-byte limit, for the server to drop.
            endpoint.connection().suspendRead();
            ByteBuffer small = ByteBuffer.allocate(64);
            ByteBuffer large = ByteBuffer.allocate(MAX + 1);
            int oversizedSent = 0;
            for (int i = 0; i < BURST; i++) {
                if (i == BURST / 2) {
                    endpoint.connection().resumeRead();
                }
                ByteBuffer datagram = i % 1000 == 999 ? large : small;
                oversizedSent += datagram == large ? 1 : 0;
                sender.send(datagram.clear(), address);
            }

            // The endpoint drains its socket; then the three counts add up to what was sent.
            long[] kernel = new long[1];
            await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
                kernel[0] = KernelDrops.drops(address) - dropsBefore;
                DatagramStats s = endpoint.stats();
                assertEquals(0, KernelDrops.queuedBytes(address), "the socket is drained");
                assertEquals(BURST, s.received() + s.oversized() + kernel[0],
                        "received " + s.received() + " + dropped by the server (oversized) " + s.oversized()
                                + " + dropped by the kernel " + kernel[0] + " = sent " + BURST);
            });
            DatagramStats stats = endpoint.stats();
            assertTrue(kernel[0] > 0, "the burst overflowed the socket buffer: " + kernel[0] + " dropped by the kernel");
            assertTrue(stats.oversized() > 0 && stats.oversized() <= oversizedSent,
                    stats.oversized() + " of the " + oversizedSent + " oversized datagrams reached the server");
            assertEquals(stats.received(), stats.sent() + stats.dropped() + stats.sendErrors(),
                    "every datagram received was echoed or its echo counted as dropped");

            // Still responsive: a new peer's ping is answered.
            try (DatagramSocket ping = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
                ping.setSoTimeout(10_000);
                byte[] bytes = "ping".getBytes(StandardCharsets.US_ASCII);
                ping.send(new DatagramPacket(bytes, bytes.length, address));
                DatagramPacket reply = new DatagramPacket(new byte[16], 16);
                ping.receive(reply);
                assertEquals("ping", new String(reply.getData(), 0, reply.getLength(), StandardCharsets.US_ASCII));
            }
        }
    }
}
