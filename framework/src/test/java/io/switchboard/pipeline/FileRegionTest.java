package io.switchboard.pipeline;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.internal.BufferPool;
import io.switchboard.testing.EmbeddedConnection;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * File regions in the outbound queue: in order with the bytes around them, resumed where a write stopped, counted
 * toward the watermarks but not toward the memory limits, their files closed once sent or dropped on every path, and
 * a file cut short failing the connection instead of spinning. Which pipelines pass them to the socket.
 */
@Tag("hardening")
class FileRegionTest {
    private static final int KIB = 1024;

    @TempDir
    Path dir;

    private final List<FileChannel> opened = new ArrayList<>();

    @AfterEach
    void closeFiles() throws IOException {
        for (FileChannel f : opened) {
            f.close();
        }
    }

    private FileChannel file(byte[] content) throws IOException {
        Path p = Files.createTempFile(dir, "region", ".bin");
        Files.write(p, content);
        FileChannel f = FileChannel.open(p, StandardOpenOption.READ);
        opened.add(f);
        return f;
    }

    private static byte[] random(int n) {
        byte[] b = new byte[n];
        new Random(n).nextBytes(b);
        return b;
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    /** A peer that takes at most {@code window} bytes until the test widens it; counts its file transfers. */
    private static final class Peer implements Transport {
        final ByteArrayOutputStream sent = new ByteArrayOutputStream();
        long window;
        int transfers;

        Peer(long window) {
            this.window = window;
        }

        @Override
        public void start(Events events) {
        }

        @Override
        public int read(ByteBuffer dst) {
            return 0;
        }

        @Override
        public long write(ByteBuffer[] srcs, int offset, int length) {
            long written = 0;
            for (int i = offset; i < offset + length; i++) {
                int n = (int) Math.min(srcs[i].remaining(), window - sent.size());
                byte[] b = new byte[n];
                srcs[i].get(b);
                sent.write(b, 0, n);
                written += n;
            }
            return written;
        }

        @Override
        public long transferFile(FileChannel file, long position, long count) throws IOException {
            transfers++;
            return Transport.super.transferFile(file, position, count);
        }

        @Override
        public void interest(boolean read, boolean write) {
        }

        @Override
        public void shutdownOutput() {
        }

        @Override
        public void close() {
        }

        @Override
        public void abort() {
        }

        @Override
        public SocketAddress localAddress() {
            return null;
        }

        @Override
        public SocketAddress remoteAddress() {
            return null;
        }
    }

    @Test
    void aRegionLeavesBetweenTheBytesWrittenBeforeAndAfterIt() throws Exception {
        BufferPool pool = new BufferPool(4096, KIB, 4, true);
        FileChannel f = file(ascii("0123456789"));
        Outbound out = new Outbound();
        out.add(ByteBuffer.wrap(ascii("head:")), pool);
        out.add(new FileRegion(f, 2, 5, true));
        out.add(ByteBuffer.wrap(ascii(":tail")), pool);
        assertEquals(15, out.queued(), "5 + 5 + 5 bytes queued");
        assertEquals(10, out.memoryQueued(), "the region's 5 bytes hold no memory");
        Peer peer = new Peer(Long.MAX_VALUE);
        assertTrue(out.writeTo(peer, pool));
        assertEquals("head:23456:tail", peer.sent.toString(StandardCharsets.US_ASCII),
                "the tail written after the region did not join the head's buffer");
        assertEquals(1, peer.transfers, "the region went through the transport's file transfer");
        assertFalse(f.isOpen(), "a region made to close its file closed it once sent");
        assertEquals(0, out.queued());
    }

    @Test
    void aTransferThatStopsShortResumesWhereItStopped() throws Exception {
        BufferPool pool = new BufferPool(4096, KIB, 4, true);
        byte[] content = random(100 * KIB);
        FileChannel f = file(content);
        Outbound out = new Outbound();
        out.add(new FileRegion(f, 0, content.length, true));
        Peer peer = new Peer(30 * KIB);
        assertFalse(out.writeTo(peer, pool), "the peer took 30 KiB of 100");
        assertEquals(70 * KIB, out.queued(), "70 KiB left, still queued");
        assertTrue(f.isOpen(), "the file stays open while its region waits");
        peer.window = Long.MAX_VALUE;
        assertTrue(out.writeTo(peer, pool));
        assertArrayEquals(content, peer.sent.toByteArray(), "every byte, in order, none twice");
        assertFalse(f.isOpen());
    }

    @Test
    void aFileCutShortWhileItIsSentFailsInsteadOfSpinning() throws Exception {
        BufferPool pool = new BufferPool(4096, KIB, 4, true);
        FileChannel f = file(random(10 * KIB));
        Outbound out = new Outbound();
        out.add(new FileRegion(f, 0, 20 * KIB, true)); // promised 20 KiB, the file has 10
        Peer peer = new Peer(Long.MAX_VALUE);
        // the loop calls again when the socket can take more: at most three calls, never a spin
        IOException e = assertThrows(IOException.class, () -> {
            for (int call = 0; call < 3; call++) {
                out.writeTo(peer, pool);
            }
        }, "the transfer returns 0 once the file ends: told apart from a full socket, it fails");
        assertTrue(e.getMessage().contains("truncated"), e.getMessage());
        assertEquals(10 * KIB, peer.sent.size(), "the 10 KiB the file had were sent first");
    }

    @Test
    void clearingTheQueueClosesTheFilesOfTheRegionsThatOwnThem() throws Exception {
        BufferPool pool = new BufferPool(4096, KIB, 4, true);
        FileChannel owned = file(random(KIB));
        FileChannel shared = file(random(KIB));
        Outbound out = new Outbound();
        out.add(new FileRegion(shared, 0, 100, false));
        out.add(new FileRegion(owned, 0, 100, true));
        out.clear(pool);
        assertFalse(owned.isOpen(), "dropped with the queue: the region that owns its file closed it");
        assertTrue(shared.isOpen(), "a region that does not own its file leaves it open");
        assertEquals(0, out.queued());
        assertEquals(0, out.memoryQueued());
    }

    @Test
    void aLargeRegionTurnsTheConnectionUnwritableWithoutResettingIt() throws Exception {
        // watermarks 1 KiB / 512 B, at most 4 KiB queued: a 256 KiB region is 64 times the limit, yet holds no memory
        ConnectionConfig config = new ConnectionConfig(KIB, 512, 4 * KIB, Duration.ofSeconds(5));
        EmbeddedConnection c = new EmbeddedConnection(config, 4096, p -> { });
        byte[] content = random(256 * KIB);
        FileChannel f = file(content);
        c.peerWindow(0);
        c.connection().write(ascii("HEAD"));
        c.connection().write(new FileRegion(f, 0, content.length, true));
        c.connection().write(ascii("TAIL"));
        c.connection().flush();
        assertTrue(c.isOpen(), "not reset: the region's bytes do not count toward maxQueued (4 KiB)");
        assertFalse(c.connection().isWritable(), "256 KiB queued is above the 1 KiB high watermark");
        assertTrue(c.events().contains("writable:false"), c.events().toString());
        assertEquals(256 * KIB + 8, c.connection().queuedBytes(), "the region counts in the queued bytes");
        c.peerWindow(Long.MAX_VALUE);
        byte[] sent = c.takeWritten();
        assertEquals(256 * KIB + 8, sent.length);
        assertEquals("HEAD", new String(sent, 0, 4, StandardCharsets.US_ASCII));
        assertArrayEquals(content, java.util.Arrays.copyOfRange(sent, 4, 4 + content.length));
        assertEquals("TAIL", new String(sent, 4 + content.length, 4, StandardCharsets.US_ASCII));
        assertTrue(c.connection().isWritable());
        assertTrue(c.events().contains("writable:true"), c.events().toString());
        assertFalse(f.isOpen(), "closed once sent");
    }

    @Test
    void aResetWithARegionQueuedClosesItsFile() throws Exception {
        EmbeddedConnection c = new EmbeddedConnection(p -> { });
        FileChannel f = file(random(64 * KIB));
        c.peerWindow(KIB);
        c.connection().write(new FileRegion(f, 0, 64 * KIB, true));
        c.connection().flush();
        assertTrue(f.isOpen(), "63 KiB wait for the peer");
        c.connection().abort();
        assertFalse(f.isOpen(), "the reset dropped the queue and closed the file");
    }

    @Test
    void aRegionWrittenAfterTheCloseClosesItsFile() throws Exception {
        EmbeddedConnection c = new EmbeddedConnection(p -> { });
        c.connection().abort();
        FileChannel onLoop = file(random(KIB));
        c.connection().write(new FileRegion(onLoop, 0, KIB, true));
        assertFalse(onLoop.isOpen(), "written on the loop after the close: dropped, file closed");
        FileChannel fromThread = file(random(KIB));
        CompletableFuture.runAsync(() -> c.connection().write(new FileRegion(fromThread, 0, KIB, true))).join();
        c.runPending();
        assertFalse(fromThread.isOpen(), "written from another thread after the close: dropped, file closed");
    }

    @Test
    void anEmptyRegionIsDroppedAndClosesItsFile() throws Exception {
        EmbeddedConnection c = new EmbeddedConnection(p -> { });
        FileChannel f = file(new byte[0]);
        c.connection().writeAndFlush(new FileRegion(f, 0, 0, true));
        assertEquals(0, c.takeWritten().length);
        assertFalse(f.isOpen());
        assertTrue(c.isOpen(), "no error for a region with nothing to send");
    }

    /** Counts writes and passes everything on: overrides write, so it must say that regions pass. */
    private static final class Counter implements Handler {
        int writes;

        @Override
        public void write(HandlerContext ctx, Object message) {
            writes++;
            ctx.write(message);
        }

        @Override
        public boolean passesFileRegions() {
            return true;
        }
    }

    /** Turns outbound bytes into other bytes: overrides write and does not know regions. */
    private static final class Transform implements Handler {
        @Override
        public void write(HandlerContext ctx, Object message) {
            ctx.write(message);
        }
    }

    /** Overrides nothing on the way out. */
    private static final class Observer implements Handler {
        @Override
        public void read(HandlerContext ctx, Object message) {
            ctx.fireRead(message);
        }
    }

    @Test
    void regionsPassOnlyWhereNoHandlerBeforeTheWriterMayChangeTheBytes() {
        Observer observer = new Observer();
        Transform transform = new Transform();
        Counter counter = new Counter();
        Observer top = new Observer();
        EmbeddedConnection plain = new EmbeddedConnection(p -> p.add(observer).add(top));
        assertTrue(plain.pipeline().context(top).canWriteFileRegion(),
                "handlers that do not override write pass regions on as they are");

        EmbeddedConnection counted = new EmbeddedConnection(p -> p.add(counter).add(top));
        assertTrue(counted.pipeline().context(top).canWriteFileRegion(), "a write override that says regions pass");

        EmbeddedConnection transformed = new EmbeddedConnection(p -> p.add(transform).add(new Observer()).add(top));
        assertFalse(transformed.pipeline().context(top).canWriteFileRegion(),
                "a handler that overrides write and says nothing: the writer must read the file into bytes");
        assertTrue(transformed.pipeline().context(transform).canWriteFileRegion(),
                "from the transforming handler itself down to the socket, nothing stands in the way");
    }
}
