package io.switchboard.http;

import io.switchboard.internal.ClosingBody;
import io.switchboard.loop.EventLoop;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The body of one streamed answer: chunks written from any thread wait here, counted, until the connection
 * takes them (when every earlier answer has left). A writer from another thread waits while the chunks
 * waiting add up to the connection's high watermark or the connection is unwritable; a writer on the loop
 * never waits, and may ask to be called back when it can write again ({@link #onWritable}). One loop task
 * drains whatever chunks a batch of writes left, not one task per chunk. With a length announced, the
 * bytes written are counted against it.
 *
 * <p>Thread-safe; the loop side ({@link #poll}, {@link #finished}, {@link #close}, {@link #wake},
 * {@link #notifyWritable}) is loop thread only. A lock and a condition rather than {@code synchronized}, so
 * that a virtual thread that waits leaves its carrier.
 */
final class StreamedBody implements ResponseStream, ClosingBody {
    private static final Logger log = LoggerFactory.getLogger(StreamedBody.class);

    private final Exchange exchange;
    private final HttpConnection connection;
    private final EventLoop loop;
    private final long bound;
    /** The announced length ({@code Content-Length}), or -1 for a body framed by chunks or by the close. */
    private final long length;
    private final long sendTimeoutNanos;
    private final Runnable drainTask;
    private final ReentrantLock lock = new ReentrantLock();
    /** Signalled when chunks leave, the connection turns writable, the stream ends or the connection closes. */
    private final Condition progress = lock.newCondition();

    // Guarded by lock.
    private final ArrayDeque<byte[]> parts = new ArrayDeque<>();
    private long pending;
    /** Bytes accepted by {@link #write} so far, for the announced length. */
    private long written;
    private HttpHeaders trailers;
    private boolean drainQueued;
    private long progressCount;
    private int waiters;
    /** True once every earlier answer has left and this body's head is out: only then can the peer hold it back. */
    private boolean flowing;
    /** Set once by end; read without the lock by isOpen. */
    private volatile boolean ended;
    /** Set once the connection closed or the stream was cut; read without the lock by isOpen. */
    private volatile boolean closed;
    private volatile Runnable closeListener;
    /** Runs on the loop once the stream is writable again (or over); set by {@link #onWritable}. */
    private volatile Runnable writableCallback;

    StreamedBody(Exchange exchange, HttpConnection connection, long bound, long length, long sendTimeoutNanos) {
        this.exchange = exchange;
        this.connection = connection;
        this.loop = exchange.loop;
        this.bound = bound;
        this.length = length;
        this.sendTimeoutNanos = sendTimeoutNanos;
        this.drainTask = () -> connection.streamReady(exchange);
    }

    @Override
    public void write(byte[] bytes) {
        if (bytes.length == 0) {
            return;
        }
        boolean onLoop = loop.inLoop();
        boolean schedule;
        long past;
        lock.lock();
        try {
            if (!onLoop && !awaitRoom() || ended || over()) {
                return;
            }
            past = length >= 0 ? written + bytes.length - length : 0;
            if (past > 0) {
                closed = true;
                parts.clear();
                pending = 0;
                progress.signalAll();
            } else {
                parts.addLast(bytes);
                pending += bytes.length;
                written += bytes.length;
            }
            schedule = !drainQueued;
            drainQueued = true;
        } finally {
            lock.unlock();
        }
        if (past > 0) {
            // More than announced: the client would read the rest as the next answer. Cut it.
            connection.abort();
            throw new IllegalStateException("a write of " + bytes.length + " bytes goes " + past
                    + " bytes past the announced Content-Length of " + length + "; the connection is reset");
        }
        submit(onLoop, schedule);
    }

    @Override
    public void write(String text) {
        write(text.getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public void end(HttpHeaders trailers) {
        boolean onLoop = loop.inLoop();
        boolean schedule;
        lock.lock();
        try {
            if (ended) {
                return;
            }
            ended = true;
            this.trailers = trailers;
            schedule = !drainQueued;
            drainQueued = true;
            if (waiters > 0) {
                progress.signalAll();
            }
        } finally {
            lock.unlock();
        }
        submit(onLoop, schedule);
    }

    @Override
    public boolean isOpen() {
        return !ended && !over();
    }

    @Override
    public boolean isWritable() {
        return isOpen() && pendingBytes() < bound && connection.isWritable();
    }

    @Override
    public void onWritable(Runnable callback) {
        java.util.Objects.requireNonNull(callback, "callback");
        writableCallback = callback;
        if (isOpen() && !isWritable()) {
            return; // the loop runs it when the stream can take more (or is over)
        }
        Runnable now = takeWritableCallback(callback);
        if (now != null) {
            fireWritable(now);
        }
    }

    /** {@return the announced length, or -1 for none} */
    long length() {
        return length;
    }

    /** {@return the bytes accepted by write so far} Thread-safe. */
    long written() {
        lock.lock();
        try {
            return written;
        } finally {
            lock.unlock();
        }
    }

    /** {@return the bytes written and not yet handed to the connection} Thread-safe. */
    long pendingBytes() {
        lock.lock();
        try {
            return pending;
        } finally {
            lock.unlock();
        }
    }

    // Loop side.

    /** Marks the start of a drain: a write from now on queues another drain task. Loop thread only. */
    void draining() {
        assert loop.inLoop();
        lock.lock();
        try {
            drainQueued = false;
        } finally {
            lock.unlock();
        }
    }

    /** {@return the next chunk to hand to the connection, or null} Wakes writers that wait for room. Loop thread only. */
    byte[] poll() {
        assert loop.inLoop();
        lock.lock();
        try {
            byte[] part = parts.pollFirst();
            if (part != null) {
                pending -= part.length;
                progressCount++;
                if (waiters > 0) {
                    progress.signalAll();
                }
            }
            return part;
        } finally {
            lock.unlock();
        }
    }

    /** {@return true when the stream ended and every chunk was handed over} Loop thread only. */
    boolean finished() {
        assert loop.inLoop();
        lock.lock();
        try {
            return ended && parts.isEmpty();
        } finally {
            lock.unlock();
        }
    }

    /** {@return the trailer fields given to {@link #end}, or null} */
    HttpHeaders trailers() {
        lock.lock();
        try {
            return trailers;
        } finally {
            lock.unlock();
        }
    }

    /** Every earlier answer has left and the head is written: the send timeout applies from now on. Loop thread only. */
    void flowing() {
        assert loop.inLoop();
        lock.lock();
        try {
            flowing = true;
            progressCount++;
            if (waiters > 0) {
                progress.signalAll();
            }
        } finally {
            lock.unlock();
        }
    }

    /** The connection turned writable: writers waiting for it try again. Loop thread only. */
    void wake() {
        assert loop.inLoop();
        lock.lock();
        try {
            progressCount++;
            if (waiters > 0) {
                progress.signalAll();
            }
        } finally {
            lock.unlock();
        }
        notifyWritable();
    }

    /**
     * Queues the callback given to {@link #onWritable} to the loop if the stream can take more now, or is over.
     * Called on the loop whenever that may have changed: chunks left, the connection turned writable. Queued,
     * not run here, because the callback writes, and a write on the loop drains into the connection, which may
     * be what called this.
     */
    void notifyWritable() {
        assert loop.inLoop();
        Runnable callback = writableCallback;
        if (callback == null || isOpen() && !isWritable()) {
            return;
        }
        callback = takeWritableCallback(callback);
        if (callback != null) {
            fireWritable(callback);
        }
    }

    /** The connection closed: drops the chunks, and writers, waiting or not, return at once from now on. Any thread. */
    void close() {
        lock.lock();
        try {
            closed = true;
            parts.clear();
            pending = 0;
            progress.signalAll();
        } finally {
            lock.unlock();
        }
        Runnable listener = closeListener;
        if (listener != null) {
            closeListener = null;
            listener.run();
        }
        Runnable callback = writableCallback;
        if (callback != null && (callback = takeWritableCallback(callback)) != null) {
            fireWritable(callback); // the producer finds isOpen() false, and stops
        }
    }

    /**
     * Runs {@code listener} when the connection closes or gives up on this answer (once; not when the stream
     * simply ends). Thread-safe; runs on the loop.
     */
    @Override
    public void onClose(Runnable listener) {
        closeListener = listener;
        if (closed) {
            closeListener = null;
            listener.run();
        }
    }

    // Internals.

    /**
     * Waits, the lock held, until the chunks waiting fall below the bound and the connection is writable;
     * gives up (and cuts the stream) when the peer takes nothing for the send timeout or the writer is
     * interrupted. Each chunk that leaves, and each return to writability, restarts the timeout; a body still
     * waiting behind earlier answers is held back by them, not by the peer, so the timeout does not run yet.
     * The timeout runs on the loop's clock, as every other timeout of a connection does: a test's embedded
     * loop moves it only when told, so a test that drives the loop by hand is never mistaken for a slow peer.
     *
     * @return true when the writer may go on; false when the stream is over
     */
    private boolean awaitRoom() {
        long deadline = loop.nanoTime() + sendTimeoutNanos;
        long seen = progressCount;
        while (!ended && !over() && (pending >= bound || !connection.isWritable())) {
            long left = deadline - loop.nanoTime();
            if (left <= 0) {
                log.debug("a streamed answer to {} waited {} ms for the peer to take bytes; resetting", exchange.request,
                        sendTimeoutNanos / 1_000_000);
                cut();
                return false;
            }
            waiters++;
            try {
                progress.awaitNanos(left);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                log.debug("a writer of the streamed answer to {} was interrupted; resetting", exchange.request);
                cut();
                return false;
            } finally {
                waiters--;
            }
            if (progressCount != seen || !flowing) {
                seen = progressCount;
                deadline = loop.nanoTime() + sendTimeoutNanos;
            }
        }
        return !ended && !over();
    }

    /** {@return {@code expected} if it is still the pending callback, which is then cleared; null if another took it} */
    private Runnable takeWritableCallback(Runnable expected) {
        lock.lock();
        try {
            if (writableCallback != expected) {
                return null;
            }
            writableCallback = null;
            return expected;
        } finally {
            lock.unlock();
        }
    }

    /** Queues the producer's callback to the loop; once the loop has stopped, the producer finds isOpen() false at its next write. */
    private void fireWritable(Runnable callback) {
        try {
            loop.execute(() -> runWritable(callback));
        } catch (RejectedExecutionException e) {
            log.debug("the writability callback of the answer to {} is dropped: the loop has stopped", exchange.request);
        }
    }

    /** Runs the producer's callback on the loop; what it throws fails the answer, as a handler's throw does. */
    private void runWritable(Runnable callback) {
        try {
            callback.run();
        } catch (Throwable t) {
            exchange.fail(t);
        }
    }

    /** {@return true once nothing written can reach the peer: the stream was cut, or its connection closes} */
    private boolean over() {
        return closed || exchange.dead || !connection.isOpen();
    }

    /** The writer gave up: the body is incomplete, so the connection is reset (a clean close would look complete). */
    private void cut() {
        closed = true;
        parts.clear();
        pending = 0;
        progress.signalAll();
        connection.abort();
    }

    private void submit(boolean onLoop, boolean schedule) {
        if (onLoop) {
            connection.streamReady(exchange);
        } else if (schedule) {
            try {
                loop.execute(drainTask);
            } catch (RejectedExecutionException e) {
                // The loop stopped, and closed the connection with it.
                close();
            }
        }
    }
}
