package io.switchboard.examples;

import static io.switchboard.examples.ProcessMemory.MIB;
import static io.switchboard.examples.ProcessMemory.mib;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The echo example with 200 clients that send as fast as they can and never read (issue 9: 591 MB resident, kept
 * after they left). Each connection stops reading once its echo queue is over the 64 KiB high watermark, so the
 * server holds at most that plus one 64 KiB read per client: 200 × 128 KiB = 25 MiB.
 */
@Tag("hardening")
class EchoMemoryIT {
    private static final int CLIENTS = 200;
    private static final long HELD_PER_CLIENT = 128 * 1024;

    private final List<AutoCloseable> toClose = new ArrayList<>();

    @AfterEach
    void tearDown() throws Exception {
        for (AutoCloseable c : toClose) {
            c.close();
        }
    }

    @Test
    void clientsThatSendAndNeverReadAreHeldToTheirWatermarkAndLetGoWhenTheyLeave() throws Exception {
        ExampleProcess echo = ExampleProcess.start(ProcessMemory.JVM_OPTIONS, "echo", "--port", "0", "--workers", "2");
        toClose.add(echo);
        int port = echo.awaitListening();
        int startup = ProcessMemory.collections(echo);
        await().atMost(Duration.ofSeconds(30)).until(() -> ProcessMemory.collections(echo) > startup);
        long heapBefore = ProcessMemory.heapAfterLatestCollection(echo, 0);
        long rssBefore = ProcessMemory.rss(echo.process);

        List<SocketChannel> clients = new ArrayList<>();
        for (int i = 0; i < CLIENTS; i++) {
            SocketChannel c = SocketChannel.open();
            toClose.add(c);
            // Small socket buffers on the client side, so that the kernel holds less of the flood than the server.
            c.setOption(StandardSocketOptions.SO_RCVBUF, 4096);
            c.setOption(StandardSocketOptions.SO_SNDBUF, 16 * 1024);
            c.connect(new InetSocketAddress("127.0.0.1", port));
            c.configureBlocking(false);
            clients.add(c);
        }
        // Flood until two passes in a row get no byte into any socket: the server has stopped reading them all.
        ByteBuffer chunk = ByteBuffer.allocateDirect(64 * 1024);
        AtomicLong sent = new AtomicLong();
        AtomicInteger idlePasses = new AtomicInteger();
        AtomicLong peakRss = new AtomicLong();
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(250)).until(() -> {
            long pass = 0;
            for (SocketChannel c : clients) {
                int n;
                do {
                    n = c.write(chunk.clear());
                    pass += n;
                } while (n > 0);
            }
            sent.addAndGet(pass);
            peakRss.accumulateAndGet(ProcessMemory.rss(echo.process), Math::max);
            if (pass > 0) {
                idlePasses.set(0);
                return false;
            }
            return idlePasses.incrementAndGet() == 2;
        });
        int stalled = ProcessMemory.collections(echo);
        await().atMost(Duration.ofSeconds(30)).until(() -> ProcessMemory.collections(echo) > stalled);
        long held = ProcessMemory.heapAfterLatestCollection(echo, stalled) - heapBefore;
        System.out.printf("echo: %d clients sent %s and stalled; heap after a collection %s above the %s before;"
                        + " resident at most %s (before %s)%n", CLIENTS, mib(sent.get()), mib(held), mib(heapBefore),
                mib(peakRss.get()), mib(rssBefore));
        assertTrue(held <= CLIENTS * HELD_PER_CLIENT + 16 * MIB, "the server holds at most 64 KiB queued and one"
                + " 64 KiB read per client, 25 MiB in all (plus 16 MiB): " + mib(held) + " after a collection");
        assertTrue(peakRss.get() <= ProcessMemory.MAX_HEAP + ProcessMemory.BEYOND_HEAP, "resident " + mib(peakRss.get()));

        try (Socket fresh = new Socket("127.0.0.1", port)) {
            fresh.setSoTimeout(30_000);
            fresh.getOutputStream().write("still here".getBytes());
            assertEquals("still here", new String(fresh.getInputStream().readNBytes(10)), "another client is served");
        }

        for (SocketChannel c : clients) {
            c.close();
        }
        int quiet = ProcessMemory.collections(echo);
        await().atMost(Duration.ofSeconds(30)).until(() -> {
            long heap = ProcessMemory.heapAfterLatestCollection(echo, quiet);
            return heap >= 0 && heap <= heapBefore + 8 * MIB;
        });
        await().atMost(Duration.ofSeconds(30)).until(() -> ProcessMemory.rss(echo.process) <= rssBefore + 64 * MIB);
        System.out.printf("echo after: heap %s after a collection, resident %s%n",
                mib(ProcessMemory.heapAfterLatestCollection(echo, quiet)), mib(ProcessMemory.rss(echo.process)));
        assertTrue(echo.stderr.stream().noneMatch(l -> l.contains("OutOfMemoryError")), String.join("\n", echo.stderr));
    }
}
