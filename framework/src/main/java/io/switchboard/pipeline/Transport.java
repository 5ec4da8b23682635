package io.switchboard.pipeline;

import java.io.IOException;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;

/**
 * How a {@link Connection} moves bytes: a socket registered with a selector loop, or memory in tests.
 * A strategy with no pipeline logic in it. Loop thread only.
 */
public interface Transport {

    /**
     * Called by the connection once, on its loop, to start delivering readiness to {@code events}.
     *
     * @param events the connection's readiness callbacks
     * @throws IOException when the transport cannot be registered with its loop
     */
    void start(Events events) throws IOException;

    /**
     * Reads into {@code dst}, from its position up to its limit.
     *
     * @param dst the buffer to fill
     * @return the bytes read, 0 when none are available, -1 at end of input
     * @throws IOException when the read fails (a reset, say)
     */
    int read(ByteBuffer dst) throws IOException;

    /**
     * Writes from {@code srcs}, as a gathering write, as much as the transport takes now.
     *
     * @param srcs   the buffers; each one's position moves past the bytes taken from it
     * @param offset the index of the first buffer to write
     * @param length how many buffers to write, from {@code offset}
     * @return the bytes written, possibly 0
     * @throws IOException when the write fails (a reset, say)
     */
    long write(ByteBuffer[] srcs, int offset, int length) throws IOException;

    /**
     * Writes up to {@code count} bytes of {@code file} from {@code position}, as much as the transport takes now:
     * fewer than {@code count} means it is full (or the file ended), as for a write. A socket sends them with
     * {@link FileChannel#transferTo} (zero copy); this default reads them through a buffer of at most 64 KiB and
     * writes them, for transports that have nothing better.
     *
     * @param file     the file; its own position is neither used nor changed
     * @param position where the bytes start in the file
     * @param count    the most bytes to write
     * @return the bytes written, possibly 0 (also when the file has no bytes at {@code position})
     * @throws IOException when reading the file or writing fails
     */
    default long transferFile(FileChannel file, long position, long count) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate((int) Math.min(count, 64 * 1024));
        ByteBuffer[] one = {buffer};
        long total = 0;
        while (total < count) {
            buffer.clear().limit((int) Math.min(buffer.capacity(), count - total));
            int n = file.read(buffer, position + total);
            if (n <= 0) {
                break;
            }
            buffer.flip();
            long written = write(one, 0, 1);
            total += written;
            if (written < n) {
                break;
            }
        }
        return total;
    }

    /**
     * Sets whether the connection wants read and write readiness.
     *
     * @param read  true to be told when bytes can be read
     * @param write true to be told when bytes can be written
     */
    void interest(boolean read, boolean write);

    /**
     * Sends our FIN; reading goes on.
     *
     * @throws IOException when the shutdown fails
     */
    void shutdownOutput() throws IOException;

    /** Closes both directions. Queued bytes were already written or given up by the caller. */
    void close();

    /** Closes with a reset (SO_LINGER 0) where the transport has one. */
    void abort();

    /** {@return the local address, or null} */
    SocketAddress localAddress();

    /** {@return the peer's address, or null} */
    SocketAddress remoteAddress();

    /** Readiness callbacks from the transport to its connection. Loop thread only. */
    interface Events {
        /** Bytes (or the end of input) can be read. */
        void readable();

        /** Bytes can be written again after a partial write. */
        void writable();

        /** The loop is stopping: the connection must close now. */
        void loopClosing();
    }
}
