package io.switchboard.http;

import io.switchboard.internal.BodyFeed;
import io.switchboard.loop.EventLoop;
import io.switchboard.pipeline.MemoryBudget;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Consumer;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The body of one request streamed to its handler: the connection copies each slice of body bytes it parses
 * into a chunk held here, and the reader takes them, from the loop or any other thread. The connection asks
 * {@link #holdsReading()} before it parses more: while the chunks not read reach the window (the connection's
 * high watermark), or the body has ended and is not read to its end, it stops reading; the reader's
 * {@link #read} hands that back to the loop once it has taken half the window, or the last chunk.
 *
 * <p>Over HTTP/2 ({@link #forStream}) the connection never stops reading for a body: the stream's flow-control
 * window bounds it instead. Each read the reader makes is added up, and the loop hears of it (one task while none is
 * pending) to give that much window back ({@link #takeConsumed()}).
 *
 * <p>Bytes held past the first {@link BodyBuffer#UNCOUNTED} count against the {@link MemoryBudget}.
 *
 * <p>Thread-safe; the connection side ({@link #push}, {@link #end}, {@link #holdsReading}, {@link #isDrained})
 * is loop thread only. A lock and a condition rather than {@code synchronized}, so that a virtual thread that
 * waits in {@link #inputStream()} leaves its carrier.
 */
final class IncomingBody implements RequestBody, BodyFeed {
    private static final Logger log = LoggerFactory.getLogger(IncomingBody.class);

    private final HttpResponder responder;
    private final HttpRequest request;
    private final EventLoop loop;
    private final MemoryBudget budget;
    private final long window;
    private final long declaredLength;
    private final Runnable readTask;
    private final ReentrantLock lock = new ReentrantLock();
    /** Signalled when a chunk, the end or a failure arrives. */
    private final Condition arrived = lock.newCondition();

    // Guarded by lock.
    private final ArrayDeque<byte[]> chunks = new ArrayDeque<>();
    private long queued;
    private long counted;
    private boolean ended;
    private HttpHeaders trailers;
    private IOException failure;
    private Runnable demand;
    /** The connection stopped reading for this body and waits for the reader to take chunks. */
    private boolean loopWaiting;
    private int waiters;
    /** The blocking view, made at the first call of {@link #inputStream()}. */
    private InputStream view;
    /** HTTP/2: bytes read the connection has not taken yet ({@link #takeConsumed()}); -1 over HTTP/1. */
    private long consumed;

    IncomingBody(Exchange exchange, MemoryBudget budget, long window, long declaredLength, HttpConnection connection) {
        this(exchange, exchange.request, exchange.loop, budget, window, declaredLength, connection::bodyRead);
        consumed = -1;
    }

    private IncomingBody(HttpResponder responder, HttpRequest request, EventLoop loop, MemoryBudget budget,
            long window, long declaredLength, Consumer<IncomingBody> onRead) {
        this.responder = responder;
        this.request = request;
        this.loop = loop;
        this.budget = budget;
        this.window = window;
        this.declaredLength = declaredLength;
        this.readTask = () -> onRead.accept(this);
    }

    /**
     * The body of an HTTP/2 stream: {@code onRead} runs on the loop after reads, and takes what they took with
     * {@link #takeConsumed()}.
     */
    static IncomingBody forStream(HttpRequest request, HttpResponder responder, MemoryBudget budget,
            long declaredLength, Runnable onRead) {
        return new IncomingBody(responder, request, responder.loop(), budget, Long.MAX_VALUE, declaredLength,
                b -> onRead.run());
    }

    // The reader's side.

    @Override
    public byte[] read() throws IOException {
        boolean notify;
        byte[] chunk;
        lock.lock();
        try {
            if (failure != null) {
                throw failure;
            }
            chunk = chunks.pollFirst();
            if (chunk == null) {
                return null;
            }
            notify = took(chunk.length);
        } finally {
            lock.unlock();
        }
        if (notify) {
            toLoop(readTask);
        }
        return chunk;
    }

    @Override
    public boolean isEnded() {
        lock.lock();
        try {
            return ended && chunks.isEmpty() && failure == null;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void demand(Runnable callback) {
        boolean now;
        lock.lock();
        try {
            now = failure != null || ended || !chunks.isEmpty();
            demand = now ? null : callback;
        } finally {
            lock.unlock();
        }
        if (now) {
            toLoop(() -> run(callback));
        }
    }

    @Override
    public InputStream inputStream() {
        lock.lock();
        try {
            if (view == null) {
                view = new View();
            }
            return view;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public long declaredLength() {
        return declaredLength;
    }

    @Override
    public HttpHeaders trailers() {
        lock.lock();
        try {
            return ended && trailers != null ? trailers : new HttpHeaders(0);
        } finally {
            lock.unlock();
        }
    }

    /** {@return true when {@code error} is (or is caused by) this body's failure} Thread-safe. */
    @Override
    public boolean isFailure(Throwable error) {
        lock.lock();
        try {
            return failure != null && error != null && (error == failure || error.getCause() == failure);
        } finally {
            lock.unlock();
        }
    }

    // The connection's side.

    /**
     * Copies the bytes of {@code slice} into a chunk for the reader. Loop thread only.
     *
     * @return false, and nothing kept, when holding them would take the memory budget past its limit
     */
    @Override
    public boolean push(ByteBuffer slice) {
        assert loop.inLoop();
        byte[] chunk = new byte[slice.remaining()];
        slice.get(chunk);
        Runnable callback;
        lock.lock();
        try {
            if (failure != null) {
                return true; // the reader is gone: the bytes are dropped, the framing goes on
            }
            if (!account(queued + chunk.length)) {
                return false;
            }
            chunks.addLast(chunk);
            queued += chunk.length;
            callback = arrivedLocked();
        } finally {
            lock.unlock();
        }
        run(callback);
        return true;
    }

    /** The whole body arrived. Loop thread only. */
    @Override
    public void end(HttpHeaders trailers) {
        assert loop.inLoop();
        Runnable callback;
        lock.lock();
        try {
            ended = true;
            this.trailers = trailers;
            callback = arrivedLocked();
        } finally {
            lock.unlock();
        }
        run(callback);
    }

    /**
     * The body is cut short: the reader gets {@code error} from its next read. Nothing happens to a body
     * read to its end. Any thread; the demand callback, if any, runs on the loop.
     */
    @Override
    public void fail(IOException error) {
        Runnable callback;
        lock.lock();
        try {
            if (failure != null || ended && chunks.isEmpty()) {
                return;
            }
            failure = error;
            chunks.clear();
            queued = 0;
            account(0);
            callback = arrivedLocked();
        } finally {
            lock.unlock();
        }
        if (callback != null) {
            Runnable c = callback;
            toLoop(() -> run(c));
        }
    }

    /**
     * {@return true while the connection must not parse more: the chunks not read reach the window, or the body
     * has ended and is not read to its end} When true, the reader's next read past half the window (or of the
     * last chunk) tells the connection through {@link HttpConnection#bodyRead}. Loop thread only.
     */
    boolean holdsReading() {
        assert loop.inLoop();
        lock.lock();
        try {
            boolean holds = failure == null && (ended ? !chunks.isEmpty() : queued >= window);
            loopWaiting = holds;
            return holds;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public long takeConsumed() {
        lock.lock();
        try {
            long n = consumed;
            consumed = 0;
            return n;
        } finally {
            lock.unlock();
        }
    }

    /** {@return true once the body has ended and every chunk was read (or it failed)} Thread-safe. */
    boolean isDrained() {
        lock.lock();
        try {
            return failure != null || ended && chunks.isEmpty();
        } finally {
            lock.unlock();
        }
    }

    // Internals.

    /** Something new for the reader: wakes waiting readers and takes the demand callback, if any. Lock held. */
    private Runnable arrivedLocked() {
        if (waiters > 0) {
            arrived.signalAll();
        }
        Runnable callback = demand;
        demand = null;
        return callback;
    }

    /** The reader took {@code n} bytes; {@return true when the loop waits for that and should hear of it} Lock held. */
    private boolean took(int n) {
        queued -= n;
        account(queued);
        if (consumed >= 0) {
            consumed += n;
            return consumed == n; // HTTP/2: one task while none is pending
        }
        if (loopWaiting && (queued <= window / 2 || ended && chunks.isEmpty())) {
            loopWaiting = false;
            return true;
        }
        return false;
    }

    /** Brings the budget reservation in line with {@code total} held bytes; false when it does not fit. Lock held. */
    private boolean account(long total) {
        long target = total > BodyBuffer.UNCOUNTED ? total : 0;
        long delta = target - counted;
        if (delta > 0 && !budget.tryReserve(delta)) {
            return false;
        }
        if (delta < 0) {
            budget.release(-delta);
        }
        counted = target;
        return true;
    }

    /** Runs a demand callback on the loop; what it throws fails the exchange, as a handler's throw does. */
    private void run(Runnable callback) {
        if (callback == null) {
            return;
        }
        try {
            callback.run();
        } catch (Throwable t) {
            responder.fail(t);
        }
    }

    private void toLoop(Runnable task) {
        try {
            loop.execute(task);
        } catch (RejectedExecutionException e) {
            // The loop stopped, and closed the connection with it; the body fails below.
            log.debug("the body of {} lost its loop", request);
            fail(new EOFException("the connection closed before the request body was read"));
        }
    }

    /** Blocks until a chunk, the end or a failure is there; {@return the chunk, or null at the end} */
    private byte[] take() throws IOException {
        boolean notify;
        byte[] chunk;
        lock.lock();
        try {
            while (failure == null && chunks.isEmpty() && !ended) {
                if (loop.inLoop()) {
                    throw new IllegalStateException("a blocking read of a request body on its loop would wait for itself;"
                            + " use read() and demand() there");
                }
                waiters++;
                try {
                    arrived.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new InterruptedIOException("interrupted while waiting for the request body");
                } finally {
                    waiters--;
                }
            }
            if (failure != null) {
                throw failure;
            }
            chunk = chunks.pollFirst();
            if (chunk == null) {
                return null;
            }
            notify = took(chunk.length);
        } finally {
            lock.unlock();
        }
        if (notify) {
            toLoop(readTask);
        }
        return chunk;
    }

    /** The blocking view: one chunk at a time. Not thread-safe (one reader). */
    private final class View extends InputStream {
        private final byte[] one = new byte[1];
        private byte[] current;
        private int offset;
        private boolean eof;

        @Override
        public int read() throws IOException {
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xFF;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            java.util.Objects.checkFromIndexSize(off, len, b.length);
            if (len == 0) {
                return 0;
            }
            while (current == null || offset == current.length) {
                if (eof) {
                    return -1;
                }
                current = take();
                offset = 0;
                if (current == null) {
                    eof = true;
                    return -1;
                }
            }
            int n = Math.min(len, current.length - offset);
            System.arraycopy(current, offset, b, off, n);
            offset += n;
            return n;
        }

        @Override
        public int available() {
            int inHand = current == null ? 0 : current.length - offset;
            lock.lock();
            try {
                return (int) Math.min(Integer.MAX_VALUE, inHand + queued);
            } finally {
                lock.unlock();
            }
        }
    }
}
