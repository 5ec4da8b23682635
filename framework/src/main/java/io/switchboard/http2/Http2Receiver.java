package io.switchboard.http2;

import io.switchboard.pipeline.Connection;
import io.switchboard.pipeline.MemoryBudget;
import java.nio.ByteBuffer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The receiving side of an {@link Http2Connection}'s flow control: the connection window the client sends DATA in,
 * the stream windows, and the memory of the request bodies held whole.
 *
 * <p>The server opens the connection window to {@link Http2Limits#connectionWindow()} at once, and gives bytes back
 * with WINDOW_UPDATE once half of it is used, but only while the bodies held for unanswered requests are under
 * {@link Http2Limits#maxBufferedBodies()}: past it the client waits. A whole body's bytes are given back as they
 * arrive (they are held, and counted, here); a streamed body's only as its reader takes them, so that a slow reader
 * holds at most its stream's window. A stream's window is given back once half of {@code SETTINGS_INITIAL_WINDOW_SIZE}
 * is used. Loop thread only; one per connection.
 */
final class Http2Receiver {
    private static final Logger log = LoggerFactory.getLogger(Http2Receiver.class);
    static final int DEFAULT_WINDOW = 65_535;

    private final Http2FrameWriter writer;
    private final Connection connection;
    private final Http2Limits limits;
    private final int streamWindow;
    /** What the client may still send before our next WINDOW_UPDATE on stream 0. */
    private int window = DEFAULT_WINDOW;
    /** Bytes taken off {@link #window} and done with, not yet given back. */
    private int unacked;
    /** Bytes of whole request bodies held for requests not answered. */
    private long buffered;
    private boolean stopped;

    Http2Receiver(Http2FrameWriter writer, Connection connection, Http2Limits limits) {
        this.writer = writer;
        this.connection = connection;
        this.limits = limits;
        this.streamWindow = limits.frames().settings().initialWindowSize();
    }

    /** Opens the connection window to {@link Http2Limits#connectionWindow()}: right after the server's SETTINGS. */
    void open() {
        if (limits.connectionWindow() > DEFAULT_WINDOW) {
            writer.windowUpdate(0, limits.connectionWindow() - DEFAULT_WINDOW);
            window = limits.connectionWindow();
        }
    }

    /** The connection closes: no more WINDOW_UPDATEs. */
    void stop() {
        stopped = true;
    }

    /** A DATA frame of {@code size} bytes (padding included) arrived. */
    void take(int size) {
        if (size > window) {
            throw Http2Exception.connection(Http2Error.FLOW_CONTROL_ERROR,
                    "DATA of " + size + " bytes past the connection window of " + window);
        }
        window -= size;
    }

    /** {@code n} bytes of DATA are done with (held, read or dropped): the connection window gets them back. */
    void consumed(long n) {
        unacked += (int) n;
        replenish();
    }

    /** {@code n} bytes of DATA on {@code s} are done with: its window gets them back once half of it is used. */
    void streamConsumed(Http2Stream s, int n) {
        s.recvUnacked += n;
        if (s.recvUnacked >= streamWindow / 2 && !stopped) {
            writer.windowUpdate(s.id, s.recvUnacked);
            s.recvWindow += s.recvUnacked;
            s.recvUnacked = 0;
        }
    }

    /**
     * Holds the bytes of {@code data} in {@code s}'s whole body, counted against the memory budget.
     *
     * @return false, with nothing held, when the budget has no room (the request gets 503)
     */
    boolean hold(Http2Stream s, ByteBuffer data) {
        int n = data.remaining();
        MemoryBudget budget = connection.budget();
        if (!budget.reserve(n)) {
            budget.release(n);
            if (budget.countShed()) {
                log.warn("{}: memory budget spent ({}); refusing request bodies with 503 (logged at most once a "
                        + "minute)", connection, budget);
            }
            return false;
        }
        s.reserved += n;
        buffered += n;
        s.append(data);
        return true;
    }

    /** {@code s}'s whole body, already in memory (an upgrade's), is held and counted against the budget as it is. */
    void adopt(Http2Stream s, byte[] body) {
        if (body.length > 0) {
            connection.budget().reserve(body.length);
            s.reserved += body.length;
            buffered += body.length;
            s.body = body; // taken as it is, not copied
            s.bodyLength = body.length;
        }
    }

    /** {@code s}'s whole body is let go (answered, refused or reset): its memory goes back. */
    void release(Http2Stream s) {
        if (s.reserved > 0) {
            connection.budget().release(s.reserved);
            buffered -= s.reserved;
            s.reserved = 0;
            s.body = null;
            replenish();
        }
    }

    private void replenish() {
        if (unacked >= limits.connectionWindow() / 2 && buffered < limits.maxBufferedBodies() && !stopped) {
            writer.windowUpdate(0, unacked);
            window += unacked;
            unacked = 0;
        }
    }
}
