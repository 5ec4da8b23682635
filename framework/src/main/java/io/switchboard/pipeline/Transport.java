package io.switchboard.pipeline;

import java.io.IOException;
import java.net.SocketAddress;
import java.nio.ByteBuffer;

/**
 * How a {@link Connection} moves bytes: a socket registered with a selector loop, or memory in tests.
 * A strategy with no pipeline logic in it. Loop thread only.
 */
public interface Transport {

    /** Called by the connection once, on its loop, to start delivering readiness to {@code events}. */
    void start(Events events) throws IOException;

    /** Reads into {@code dst}; returns the bytes read, 0 when none are available, -1 at end of input. */
    int read(ByteBuffer dst) throws IOException;

    /** Writes from {@code srcs}; returns the bytes written, possibly 0. */
    long write(ByteBuffer[] srcs, int offset, int length) throws IOException;

    /** Sets whether the connection wants read and write readiness. */
    void interest(boolean read, boolean write);

    /** Sends our FIN; reading goes on. */
    void shutdownOutput() throws IOException;

    /** Closes both directions. Queued bytes were already written or given up by the caller. */
    void close();

    /** Closes with a reset (SO_LINGER 0) where the transport has one. */
    void abort();

    /** The local address, or null. */
    SocketAddress localAddress();

    /** The peer's address, or null. */
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
