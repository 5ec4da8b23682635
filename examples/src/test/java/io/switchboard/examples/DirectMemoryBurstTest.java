package io.switchboard.examples;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.loop.LoopGroup;
import io.switchboard.server.Server;
import java.lang.management.BufferPoolMXBean;
import java.lang.management.ManagementFactory;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Issue 9, section 2: a burst of keep-alive connections that each send one request at once costs a loop at
 * most its fixed direct memory (its read buffer and its pool of outbound chunks), with no garbage collection
 * needed to get any of it back. The echo example's handler on one worker loop, in this JVM, so that the JDK's
 * "direct" buffer pool bean sees the loop's buffers.
 */
@Tag("hardening")
class DirectMemoryBurstTest {
    private static final int CONNECTIONS = 500;
    private static final int REQUEST = 100;
    /** What one loop may hold in direct memory: its 64 KiB read buffer and 256 chunks of 16 KiB (4 MiB). */
    private static final long LOOP_BOUND = LoopGroup.READ_BUFFER_SIZE
            + (long) LoopGroup.MAX_POOLED_CHUNKS * LoopGroup.CHUNK_SIZE;
    /**
     * The JDK's own direct buffers, beyond the loop's: a socket read or write of a heap array (the test's
     * {@code java.net.Socket} streams; the loop's writes of heap overflow buffers) goes through a temporary direct
     * buffer of that size, cached per thread ({@code sun.nio.ch.Util}). Here that is the test thread's 100-byte
     * writes and reads, and at most a chunk's size per thread otherwise: well under 1 MiB.
     */
    private static final long JDK_ALLOWANCE = 1024 * 1024;

    private static long directUsed() {
        for (BufferPoolMXBean pool : ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class)) {
            if (pool.getName().equals("direct")) {
                return pool.getMemoryUsed();
            }
        }
        throw new IllegalStateException("no direct buffer pool bean");
    }

    @Test
    void aBurstOf500ConnectionsStaysWithinTheLoopsFixedDirectMemory() throws Exception {
        List<Socket> sockets = new ArrayList<>();
        try (LoopGroup workers = new LoopGroup("burst", 1);
             Server server = Server.builder().loops(workers).pipeline(p -> p.add(EchoServer.ECHO)).start()) {
            long before = directUsed();
            for (int i = 0; i < CONNECTIONS; i++) {
                Socket s = new Socket("127.0.0.1", server.localAddress().getPort());
                s.setSoTimeout(30_000);
                sockets.add(s);
            }
            await().atMost(Duration.ofSeconds(30)).until(() -> server.connectionCount() == CONNECTIONS);

            // The burst: every request is sent while the one worker is busy, so that a single turn of the loop
            // finds all 500 connections readable.
            CountDownLatch release = new CountDownLatch(1);
            CountDownLatch busy = new CountDownLatch(1);
            workers.loops().get(0).execute(() -> {
                busy.countDown();
                try {
                    release.await(30, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            assertTrue(busy.await(10, TimeUnit.SECONDS));
            byte[] request = new byte[REQUEST];
            for (int i = 0; i < CONNECTIONS; i++) {
                request[0] = (byte) i;
                sockets.get(i).getOutputStream().write(request);
            }
            release.countDown();
            for (int i = 0; i < CONNECTIONS; i++) {
                request[0] = (byte) i;
                assertArrayEquals(request, sockets.get(i).getInputStream().readNBytes(REQUEST), "answer " + i);
            }

            long grown = directUsed() - before;
            System.out.printf("direct memory grew by %d KiB for %d connections (bound %d KiB + %d KiB)%n",
                    grown / 1024, CONNECTIONS, LOOP_BOUND / 1024, JDK_ALLOWANCE / 1024);
            assertTrue(grown <= LOOP_BOUND + JDK_ALLOWANCE, "direct memory grew by " + grown + " bytes for "
                    + CONNECTIONS + " connections answered in one turn; the loop's bound is " + LOOP_BOUND
                    + " (64 KiB read buffer + 256 × 16 KiB chunks) plus " + JDK_ALLOWANCE + " for the JDK's own");
        } finally {
            for (Socket s : sockets) {
                s.close();
            }
        }
    }
}
