package io.switchboard.pipeline;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.internal.BufferPool;
import java.io.ByteArrayOutputStream;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** The outbound queue against a bounded pool: direct memory is a fixed pool, the rest lives on the heap. */
@Tag("hardening")
class OutboundTest {
    private static final int CHUNK = 1024;

    @Test
    void neverAllocatesMorePooledChunksThanTheBoundAndOverflowsToTheHeap() {
        BufferPool pool = new BufferPool(4096, CHUNK, 4, true);
        List<Outbound> queues = new ArrayList<>();
        // 100 queues of 3 chunks' worth each: 300 chunks wanted, 4 direct ones allowed.
        for (int i = 0; i < 100; i++) {
            Outbound out = new Outbound();
            out.add(ByteBuffer.wrap(new byte[3 * CHUNK]), pool);
            queues.add(out);
        }
        assertEquals(4, pool.allocated(), "direct chunks allocated: the bound, not one per need");
        queues.forEach(q -> q.clear(pool));
        assertEquals(4, pool.pooled(), "every direct chunk came back to the pool; heap overflow was dropped");
    }

    @Test
    void overflowBuffersAreSizedToSmallWrites() {
        BufferPool pool = new BufferPool(4096, CHUNK, 0, true);
        ByteBuffer small = pool.acquire(100);
        assertFalse(small.isDirect());
        assertEquals(256, small.capacity(), "a 100-byte write takes the 256-byte minimum, not a 1 KiB chunk");
        assertEquals(CHUNK, pool.acquire(5000).capacity(), "never more than a chunk");
    }

    @Test
    void aSmallRemainderBehindASlowPeerLeavesItsPooledChunk() throws Exception {
        BufferPool pool = new BufferPool(4096, CHUNK, 4, true);
        Outbound out = new Outbound();
        byte[] reply = new byte[300];
        for (int i = 0; i < reply.length; i++) {
            reply[i] = (byte) i;
        }
        out.add(ByteBuffer.wrap(reply), pool);
        Peer peer = new Peer(100);
        assertFalse(out.writeTo(peer, pool), "the peer took 100 of 300 bytes");
        assertEquals(1, pool.pooled(), "the 200-byte remainder moved to the heap; its chunk is back in the pool");
        peer.window = Integer.MAX_VALUE;
        assertTrue(out.writeTo(peer, pool));
        assertArrayEquals(reply, peer.sent.toByteArray(), "every byte, in order");
    }

    @Test
    void gathersPooledChunksAndWritesOverflowOnItsOwn() throws Exception {
        BufferPool pool = new BufferPool(4096, CHUNK, 2, true);
        Outbound out = new Outbound();
        byte[] bytes = new byte[4 * CHUNK];
        for (int i = 0; i < bytes.length; i++) {
            bytes[i] = (byte) (i * 7);
        }
        out.add(ByteBuffer.wrap(bytes), pool);
        Peer peer = new Peer(Integer.MAX_VALUE);
        assertTrue(out.writeTo(peer, pool));
        assertEquals(List.of(2, 1, 1), peer.buffersPerWrite, "two pooled chunks together, each heap buffer alone");
        assertArrayEquals(bytes, peer.sent.toByteArray());
    }

    @Test
    void arraysQueueAsBuffersDo() throws Exception {
        BufferPool pool = new BufferPool(4096, CHUNK, 4, true);
        Outbound out = new Outbound();
        ByteArrayOutputStream expected = new ByteArrayOutputStream();
        // an array over two chunks and a half, a buffer, a small array that fits in the last chunk's room, an empty one
        for (int size : new int[] {CHUNK * 5 / 2, 300, 7, 0}) {
            byte[] bytes = new byte[size];
            for (int i = 0; i < size; i++) {
                bytes[i] = (byte) (i * 31 + size);
            }
            expected.writeBytes(bytes);
            if (size == 300) {
                out.add(ByteBuffer.wrap(bytes), pool);
            } else {
                out.add(bytes, pool);
            }
        }
        assertEquals(CHUNK * 5 / 2 + 307, out.queued(), "bytes queued");
        Peer peer = new Peer(Integer.MAX_VALUE);
        assertTrue(out.writeTo(peer, pool));
        assertArrayEquals(expected.toByteArray(), peer.sent.toByteArray(), "every byte, in order");
        assertEquals(3, pool.allocated(), "2,867 bytes in 1 KiB chunks, the arrays packed as the buffer is");
        assertEquals(3, pool.pooled(), "every chunk back in the pool");
    }

    /** A peer whose socket takes at most {@code window} bytes in all. */
    private static final class Peer implements Transport {
        final ByteArrayOutputStream sent = new ByteArrayOutputStream();
        final List<Integer> buffersPerWrite = new ArrayList<>();
        long window;

        Peer(long window) {
            this.window = window;
        }

        @Override
        public long write(ByteBuffer[] srcs, int offset, int length) {
            buffersPerWrite.add(length);
            long total = 0;
            for (int i = offset; i < offset + length && window > 0; i++) {
                int n = (int) Math.min(window, srcs[i].remaining());
                byte[] part = new byte[n];
                srcs[i].get(part);
                sent.write(part, 0, n);
                window -= n;
                total += n;
            }
            return total;
        }

        @Override
        public void start(Events events) {
        }

        @Override
        public int read(ByteBuffer dst) {
            return 0;
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
}
